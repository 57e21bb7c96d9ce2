//! Cookies and the extractors that turn them into a session, a login flow or
//! an enrolment. Cookies are `HttpOnly`, `SameSite=Lax`, `Path=/`; over https
//! they are `Secure` and carry the `__Host-` prefix.

use crate::config::Config;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{SessionRow, UserRow};
use crate::token::{self, now};
use authlevel_core::ErrorCode;
use axum::extract::ConnectInfo;
use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use std::net::SocketAddr;

/// The cookies the service sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cookie {
    /// A completed login.
    Session,
    /// A login in progress.
    Flow,
    /// Enrolment opened by a setup link.
    Enrolment,
    /// A passkey login step begun: its sealed ceremony.
    Passkey,
}

impl Cookie {
    fn base(self) -> &'static str {
        match self {
            Cookie::Session => "authlevel_session",
            Cookie::Flow => "authlevel_flow",
            Cookie::Enrolment => "authlevel_setup",
            Cookie::Passkey => "authlevel_passkey",
        }
    }

    /// The longest value a cookie may hold: every one holds a random token
    /// (64 characters).
    const MAX_LEN: usize = 128;

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
            .filter(|v| !v.is_empty() && v.len() <= Self::MAX_LEN)
    }
}

/// The client's address, when the server knows it.
#[derive(Debug, Clone)]
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string()),
        ))
    }
}

/// A logged-in user: the session and the user behind it.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The session.
    pub session: SessionRow,
    /// Its user.
    pub user: UserRow,
    /// The slug of the user's directory.
    pub directory_slug: String,
}

impl Authenticated {
    /// Whether the login is recent enough for sensitive changes.
    pub fn is_fresh(&self, config: &Config) -> bool {
        now() - self.session.authenticated_at <= config.reauth_window_s
    }
}

/// The session a request's cookie names, if live.
pub async fn load_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Authenticated>, ApiError> {
    let Some(token) = Cookie::Session.read(&state.config, headers) else {
        return Ok(None);
    };
    let t = now();
    let id = token::hash(&token);
    let Some((session, user, directory_slug)) = state
        .store
        .session_with_user(&id, t, state.config.session_idle_timeout_s)
        .await?
    else {
        return Ok(None);
    };
    if user.disabled {
        return Ok(None);
    }
    // Writing on every request would make reads writes; a minute of
    // slack on the idle timeout is the price.
    if t - session.last_seen_at >= 60 {
        state.store.touch_session(&id, t).await?;
    }
    Ok(Some(Authenticated {
        session,
        user,
        directory_slug,
    }))
}

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        load_session(state, &parts.headers)
            .await?
            .ok_or_else(|| ApiError::with(ErrorCode::Unauthorized, "Please log in."))
    }
}

/// Whoever may use the enrolment routes: a logged-in user, or a person
/// holding an enrolment opened by a setup link.
#[derive(Debug, Clone)]
pub enum Enroller {
    /// A session.
    Session(Authenticated),
    /// An enrolment session; the hash of its token and its user.
    Setup {
        /// Hash of the enrolment token.
        id: String,
        /// The user being set up.
        user: UserRow,
    },
}

impl Enroller {
    /// The user.
    pub fn user(&self) -> &UserRow {
        match self {
            Enroller::Session(a) => &a.user,
            Enroller::Setup { user, .. } => user,
        }
    }

    /// Refuses with `reauth_required` unless the login is recent; an
    /// enrolment from a setup link is recent by construction.
    pub fn require_fresh(&self, config: &Config) -> Result<(), ApiError> {
        match self {
            Enroller::Session(a) if !a.is_fresh(config) => Err(ApiError::with(
                ErrorCode::ReauthRequired,
                "For this change, log in again (your login is older than 10 minutes).",
            )),
            _ => Ok(()),
        }
    }
}

impl FromRequestParts<AppState> for Enroller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(a) = load_session(state, &parts.headers).await? {
            return Ok(Enroller::Session(a));
        }
        if let Some(token) = Cookie::Enrolment.read(&state.config, &parts.headers) {
            let id = token::hash(&token);
            if let Some(user_id) = state.store.enrolment_user(&id, now()).await?
                && let Some(user) = state.store.user(&user_id).await?
                && !user.disabled
            {
                return Ok(Enroller::Setup { id, user });
            }
        }
        Err(ApiError::with(ErrorCode::Unauthorized, "Please log in."))
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
