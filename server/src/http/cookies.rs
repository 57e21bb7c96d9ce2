//! The cookies the service sets. They are `HttpOnly`, `SameSite=Lax`,
//! `Path=/`; over https they are `Secure` and carry the `__Host-` prefix.

use crate::config::Config;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderName, HeaderValue};

/// The cookies the service sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cookie {
    /// A completed login.
    Session,
    /// A login in progress.
    Flow,
    /// Enrolment opened by a setup link.
    Enrolment,
    /// A passkey login step begun: the token of its ceremony.
    Passkey,
    /// The browser is known to the users it completed a login for: one
    /// signed entry per user ([`crate::login::known`]), long-lived.
    KnownBrowser,
}

impl Cookie {
    fn base(self) -> &'static str {
        match self {
            Cookie::Session => "authlevel_session",
            Cookie::Flow => "authlevel_flow",
            Cookie::Enrolment => "authlevel_setup",
            Cookie::Passkey => "authlevel_passkey",
            Cookie::KnownBrowser => "authlevel_known",
        }
    }

    /// The longest value a cookie may hold: a random token (64
    /// characters), or the known-browser entries of a few users.
    fn max_len(self) -> usize {
        match self {
            Cookie::KnownBrowser => crate::login::known::COOKIE_MAX_LEN,
            _ => 128,
        }
    }

    /// The cookie's name under `config` (`__Host-` prefixed over https).
    pub fn name(self, config: &Config) -> String {
        if config.secure_cookies() {
            format!("__Host-{}", self.base())
        } else {
            self.base().to_owned()
        }
    }

    /// A `Set-Cookie` header that sets the cookie to `value` for `max_age_s`.
    pub fn set(self, config: &Config, value: &str, max_age_s: i64) -> (HeaderName, HeaderValue) {
        let secure = if config.secure_cookies() {
            "; Secure"
        } else {
            ""
        };
        let v = format!(
            "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}",
            self.name(config)
        );
        (
            SET_COOKIE,
            HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static("")),
        )
    }

    /// A `Set-Cookie` header that removes the cookie.
    pub fn clear(self, config: &Config) -> (HeaderName, HeaderValue) {
        self.set(config, "", 0)
    }

    /// The cookie's value in a request.
    pub fn read(self, config: &Config, headers: &HeaderMap) -> Option<String> {
        let name = self.name(config);
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_owned())
            .filter(|v| !v.is_empty() && v.len() <= self.max_len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_attributes_follow_the_public_url() {
        let dev = Config::default();
        let (_, v) = Cookie::Session.set(&dev, "abc", 60);
        assert_eq!(
            v,
            "authlevel_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60"
        );
        let prod = Config {
            public_url: "https://login.example.com".into(),
            ..Config::default()
        };
        let (_, v) = Cookie::Session.set(&prod, "abc", 60);
        assert_eq!(
            v,
            "__Host-authlevel_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure"
        );
    }

    #[test]
    fn reads_the_named_cookie_only() {
        let c = Config::default();
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_static("x=1; authlevel_flow=f00; authlevel_session=5e5"),
        );
        assert_eq!(Cookie::Session.read(&c, &h).as_deref(), Some("5e5"));
        assert_eq!(Cookie::Flow.read(&c, &h).as_deref(), Some("f00"));
        assert_eq!(Cookie::Enrolment.read(&c, &h), None);
    }
}
