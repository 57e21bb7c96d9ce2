//! Usernames, display names, mobile numbers and email addresses:
//! validation, normalisation and masking for display.

/// A username as stored and compared: trimmed, lower-case (Unicode), so case
/// variants are one account. Allowed: letters, digits and `.`, `_`, `-`, `@`,
/// 1 to 64 characters.
pub fn normalize_username(input: &str) -> Result<String, String> {
    let u = input.trim().to_lowercase();
    let n = u.chars().count();
    if n == 0 || n > 64 {
        return Err(crate::text::username_length(crate::lang::current()));
    }
    if !u
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))
    {
        return Err(crate::text::username_chars(crate::lang::current()));
    }
    Ok(u)
}

/// A name shown to people (a user's, a directory's, an application's):
/// trimmed, 1 to 100 characters, no control characters.
pub fn display_name(input: &str) -> Result<String, String> {
    let n = input.trim();
    if n.is_empty() || n.chars().count() > 100 || n.chars().any(char::is_control) {
        return Err(crate::text::display_name_length(crate::lang::current()));
    }
    Ok(n.to_owned())
}

/// A mobile number in E.164 (`+41791234567`), from any common international
/// notation. Uses libphonenumber's metadata, so impossible numbers are refused.
pub fn normalize_phone(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    if !trimmed.starts_with('+') && !trimmed.starts_with("00") {
        return Err(crate::text::phone_country_code(crate::lang::current()));
    }
    let intl = trimmed
        .strip_prefix("00")
        .map_or_else(|| trimmed.to_owned(), |rest| format!("+{rest}"));
    let number = phonenumber::parse(None, &intl)
        .map_err(|_| crate::text::phone_unreadable(crate::lang::current()))?;
    if !phonenumber::is_valid(&number) {
        return Err(crate::text::phone_not_in_plan(crate::lang::current()));
    }
    Ok(number.format().mode(phonenumber::Mode::E164).to_string())
}

/// An email address, trimmed, with a lower-case domain. Refuses control
/// characters (so nothing can break out of a mail header), spaces, angle
/// brackets, and anything that is not `local@domain.tld`.
pub fn normalize_email(input: &str) -> Result<String, String> {
    let bad = || crate::text::bad_email(crate::lang::current());
    let e = input.trim();
    if e.is_empty() || e.len() > 254 {
        return Err(bad());
    }
    if e.chars().any(|c| {
        c.is_control()
            || c.is_whitespace()
            || matches!(c, '<' | '>' | ',' | ';' | '"' | '(' | ')' | '\\')
    }) {
        return Err(bad());
    }
    let (local, domain) = e.rsplit_once('@').ok_or_else(bad)?;
    if local.is_empty() || local.len() > 64 || local.contains('@') {
        return Err(bad());
    }
    let domain = domain.to_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2
        || labels
            .iter()
            .any(|l| l.is_empty() || l.len() > 63 || l.starts_with('-') || l.ends_with('-'))
    {
        return Err(bad());
    }
    Ok(format!("{local}@{domain}"))
}

/// A mobile number with all but the country prefix and last two digits hidden.
pub fn mask_phone(e164: &str) -> String {
    let chars: Vec<char> = e164.chars().collect();
    if chars.len() <= 5 {
        return "•".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 2..].iter().collect();
    format!("{head}{}{tail}", "•".repeat(chars.len() - 5))
}

/// An email address with the local part hidden but its first character.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_fold_case() {
        assert_eq!(normalize_username("  Alice ").unwrap(), "alice");
        assert_eq!(normalize_username("ÄNNE").unwrap(), "änne");
        assert!(normalize_username("").is_err());
        assert!(normalize_username("a b").is_err());
        assert!(normalize_username(&"x".repeat(65)).is_err());
    }

    #[test]
    fn phones_become_e164() {
        assert_eq!(normalize_phone("+41 79 123 45 67").unwrap(), "+41791234567");
        assert_eq!(normalize_phone("0041791234567").unwrap(), "+41791234567");
        assert_eq!(
            normalize_phone("+1 (415) 555-2671").unwrap(),
            "+14155552671"
        );
        assert!(normalize_phone("079 123 45 67").is_err());
        assert!(normalize_phone("+41 12").is_err());
        assert!(normalize_phone("call me").is_err());
    }

    #[test]
    fn emails_refuse_header_breakers() {
        assert_eq!(
            normalize_email(" Ann@Example.COM ").unwrap(),
            "Ann@example.com"
        );
        for bad in [
            "ann@example.com\r\nBcc: x@evil.com",
            "ann@example.com\nBcc:x@evil.com",
            "Ann <ann@example.com>",
            "ann@localhost",
            "@example.com",
            "ann@-example.com",
            "a,b@example.com",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn masks() {
        assert_eq!(mask_phone("+41791234567"), "+41•••••••67");
        assert_eq!(mask_email("anna@example.com"), "a•••@example.com");
    }
}
