//! Where a browser may be sent after a login: a path on this site, or an
//! origin on the configured allow-list, compared whole (scheme, host and
//! port), so `example.com.evil.com`, `evilexample.com` and `//evil.com` never
//! pass for `example.com`.

/// Percent-encodes everything but RFC 3986's unreserved characters, for a
/// value put into a URL (query parameters, `otpauth://` labels).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The target if it is allowed, else `None` (the caller's default).
pub fn safe_return_to(target: &str, public_origin: &str, allowlist: &[String]) -> Option<String> {
    let t = target.trim();
    if t.is_empty()
        || t.len() > 2000
        || t.chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return None;
    }
    if let Some(rest) = t.strip_prefix('/') {
        // A path on this site; `//host` and `/\\host` would leave it.
        return (!rest.starts_with('/')).then(|| t.to_owned());
    }
    let (scheme, after) = t.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let authority = after.split(['/', '?', '#']).next().unwrap_or("");
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    let origin = format!("{scheme}://{}", authority.to_ascii_lowercase());
    let allowed =
        origin == public_origin || allowlist.iter().any(|a| a.trim_end_matches('/') == origin);
    allowed.then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_allowlisted_origins_on_label_boundaries() {
        let allow = vec!["https://example.com".to_owned()];
        let ok = |t: &str| safe_return_to(t, "https://login.example.com", &allow);
        for good in [
            "/profile",
            "https://example.com/app?x=1",
            "https://login.example.com/home",
        ] {
            assert_eq!(ok(good).as_deref(), Some(good), "{good}");
        }
        for bad in [
            "https://evilexample.com",
            "//evil.com",
            "/\\\\evil.com",
            "https://example.com.evil.com/",
            "https://example.com@evil.com/",
            "http://example.com/",
            "https://example.com:8443/",
            "javascript:alert(1)",
            "evil.com",
            "https://evil.com/https://example.com",
        ] {
            assert_eq!(ok(bad), None, "{bad}");
        }
    }
}
