//! An authorization request (`/oauth2/authorize`), read from its query
//! parameters and checked as RFC 6749, OpenID Connect Core and RFC 7636
//! say, before anything is shown to the user.

use crate::store::ClientRow;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A validated authorization request, kept while the user logs in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuthRequest {
    /// The client.
    pub client_id: String,
    /// The registered redirect URI the request named.
    pub redirect_uri: String,
    /// Granted scopes.
    pub scope: Vec<String>,
    /// The client's `state`, returned as is.
    pub state: Option<String>,
    /// The client's `nonce`, put in the ID token.
    pub nonce: Option<String>,
    /// The PKCE S256 challenge.
    pub code_challenge: Option<String>,
    /// The level the login must reach.
    pub required_level: u32,
    /// The most seconds since the login the client accepts.
    pub max_age: Option<i64>,
    /// `prompt=login`: a new login, whatever the session.
    pub prompt_login: bool,
    /// `prompt=none`: no login page; an error when the session does not do.
    #[serde(default)]
    pub prompt_none: bool,
}

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// The redirect URI is not one the client registered: the browser must
    /// not be sent there.
    UnregisteredRedirect,
    /// An error to send back to the (registered) redirect URI.
    ToClient {
        /// The redirect URI.
        redirect_uri: String,
        /// The client's `state`.
        state: Option<String>,
        /// The OAuth error code.
        error: &'static str,
        /// Why, for the application's developers.
        description: &'static str,
    },
}

impl AuthRequest {
    /// Reads and checks the query parameters `p` of a request by `client`
    /// to a directory of level `directory_level`.
    pub fn from_query(
        p: &HashMap<String, String>,
        client: &ClientRow,
        directory_level: u32,
    ) -> Result<AuthRequest, AuthError> {
        let get = |k: &str| p.get(k).map(String::as_str).filter(|v| !v.is_empty());
        let Some(redirect_uri) =
            get("redirect_uri").filter(|r| client.redirect_uris.iter().any(|u| u == r))
        else {
            return Err(AuthError::UnregisteredRedirect);
        };
        let state = get("state").map(str::to_owned);
        let fail = |error, description| AuthError::ToClient {
            redirect_uri: redirect_uri.to_owned(),
            state: state.clone(),
            error,
            description,
        };
        if get("response_type") != Some("code") {
            return Err(fail(
                "unsupported_response_type",
                "only response_type=code is supported",
            ));
        }
        let scope: Vec<String> = get("scope")
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        if !scope.iter().any(|s| s == "openid") || scope.iter().any(|s| !client.scopes.contains(s))
        {
            return Err(fail(
                "invalid_scope",
                "the scope must include openid and only scopes this application may use",
            ));
        }
        let challenge = get("code_challenge").map(str::to_owned);
        // RFC 7636 §4.2: 43 to 128 unreserved characters.
        let well_formed = |c: &str| {
            (43..=128).contains(&c.len())
                && c.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
        };
        if challenge.as_deref().is_some_and(|c| !well_formed(c)) {
            return Err(fail(
                "invalid_request",
                "code_challenge has 43 to 128 characters of A-Z a-z 0-9 - . _ ~",
            ));
        }
        match (get("code_challenge_method"), &challenge) {
            (Some("S256"), Some(_)) | (None, None) => {}
            (None, Some(_)) | (Some(_), _) => {
                return Err(fail(
                    "invalid_request",
                    "PKCE needs code_challenge_method=S256",
                ));
            }
        }
        if client.secret_hash.is_none() && challenge.is_none() {
            return Err(fail(
                "invalid_request",
                "a public client must use PKCE (S256)",
            ));
        }
        let required_level = required_level(directory_level, client, p)
            .map_err(|why| fail("invalid_request", why))?;
        let max_age = match get("max_age").map(str::parse::<i64>) {
            None => None,
            Some(Ok(n)) if n >= 0 => Some(n),
            Some(_) => {
                return Err(fail(
                    "invalid_request",
                    "max_age must be a number of seconds",
                ));
            }
        };
        let prompts: Vec<&str> = get("prompt").unwrap_or("").split_whitespace().collect();
        Ok(AuthRequest {
            client_id: client.id.clone(),
            redirect_uri: redirect_uri.to_owned(),
            scope,
            state,
            nonce: get("nonce").map(str::to_owned),
            code_challenge: challenge,
            required_level,
            max_age,
            prompt_login: prompts.contains(&"login"),
            prompt_none: prompts.contains(&"none"),
        })
    }

    /// Whether a session at `level`, logged in at `authenticated_at`, does
    /// for this request, made at `requested_at`, at time `t`.
    pub fn satisfied_by(
        &self,
        level: u32,
        authenticated_at: i64,
        requested_at: i64,
        t: i64,
    ) -> bool {
        level >= self.required_level
            && self.max_age.is_none_or(|m| t - authenticated_at <= m)
            && (!self.prompt_login || authenticated_at >= requested_at)
    }
}

/// The level an authorization request asks for: the directory's, the
/// client's minimum, `acr_values`, and essential `acr` values in `claims`.
fn required_level(
    directory_level: u32,
    client: &ClientRow,
    p: &HashMap<String, String>,
) -> Result<u32, &'static str> {
    let mut level = directory_level.max(client.min_level);
    let mut asked: Vec<String> = p
        .get("acr_values")
        .map(|v| v.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    if let Some(claims) = p.get("claims") {
        let claims: serde_json::Value =
            serde_json::from_str(claims).map_err(|_| "claims is not JSON")?;
        let acr = &claims["id_token"]["acr"];
        if acr["essential"] == true {
            if let Some(v) = acr["value"].as_str() {
                asked.push(v.to_owned());
            }
            for v in acr["values"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str())
            {
                asked.push(v.to_owned());
            }
        }
    }
    for a in asked {
        let n: u32 = a
            .parse()
            .map_err(|_| "acr values are levels, such as \"50\"")?;
        if n > authlevel_core::MAX_LEVEL {
            return Err("an acr value is above the highest level");
        }
        level = level.max(n);
    }
    Ok(level)
}
