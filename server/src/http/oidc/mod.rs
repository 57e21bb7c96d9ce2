//! OpenID Connect endpoints: discovery and JWKS here; authorization
//! (through the normal login, with step-up) in `authorize`; token and
//! revocation in `token`; userinfo and logout in `session`. Their errors
//! are [`OAuthError`]: an error page for a person, a redirect back to the
//! application, or an OAuth error body.

mod authorize;
mod introspect;
mod session;
mod token;

use super::error::AppJson;
use crate::audit;
use crate::error::{ApiError, ApiResult};
use crate::http::answers::router;
use crate::oidc;
use crate::redirect::percent_encode;
use crate::state::AppState;
use crate::store::ClientRow;
use authlevel_core::AuditKind;
use axum::extract::{FromRequest, Request, State};
use axum::http::header::{CACHE_CONTROL, LOCATION, WWW_AUTHENTICATE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;
use std::collections::HashMap;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    router![discovery, jwks]
        .merge(authorize::router())
        .merge(token::router())
        .merge(introspect::router())
        .merge(session::router())
}

/// Query or form parameters.
type Params = HashMap<String, String>;

/// The audit event of `kind` in an exchange with `client`: its directory,
/// and as the detail the client's id, then `what` when there is more to say.
fn client_event(kind: AuditKind, success: bool, client: &ClientRow, what: &str) -> audit::Event {
    let detail = match what {
        "" => format!("client {}", client.id),
        what => format!("client {}: {what}", client.id),
    };
    audit::event(kind, success)
        .directory(&client.directory_id)
        .detail(detail)
}

/// A form body (`application/x-www-form-urlencoded`) whose rejection (another
/// content type, a body too large) is an OAuth `invalid_request` error body.
#[derive(Debug)]
pub struct OAuthForm(pub Params);

impl<S: Send + Sync> FromRequest<S> for OAuthForm {
    type Rejection = OAuthError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<Params>::from_request(req, state)
            .await
            .map(|axum::Form(p)| OAuthForm(p))
            .map_err(|_| {
                OAuthError::body(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "send the parameters as application/x-www-form-urlencoded, within the size limit",
                )
            })
    }
}

/// An OAuth error body (RFC 6749 §5.2), for the document.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct OAuthErrorBody {
    /// The OAuth error code: `invalid_request`, `invalid_client`,
    /// `invalid_grant`, `unsupported_grant_type`.
    pub error: String,
    /// Why, for the application's developers.
    pub error_description: String,
}

/// How an OpenID Connect endpoint fails.
#[derive(Debug)]
pub enum OAuthError {
    /// A page for a person, when the request cannot go back to the
    /// application.
    Page {
        /// The status.
        status: StatusCode,
        /// The heading.
        title: String,
        /// What happened and what to do.
        text: String,
    },
    /// Back to the application's (registered) redirect URI with an error.
    ToClient {
        /// The redirect URI with the error parameters.
        location: String,
    },
    /// An OAuth error body (token and revocation endpoints).
    Body {
        /// The status.
        status: StatusCode,
        /// The OAuth error code.
        error: &'static str,
        /// Why.
        description: String,
    },
    /// Anything else: problem+json.
    Api(ApiError),
}

impl From<ApiError> for OAuthError {
    fn from(e: ApiError) -> OAuthError {
        OAuthError::Api(e)
    }
}

impl From<sqlx::Error> for OAuthError {
    fn from(e: sqlx::Error) -> OAuthError {
        OAuthError::Api(e.into())
    }
}

impl From<serde_json::Error> for OAuthError {
    fn from(e: serde_json::Error) -> OAuthError {
        OAuthError::Api(e.into())
    }
}

impl OAuthError {
    /// A page for a person.
    fn page(status: StatusCode, title: String, text: String) -> OAuthError {
        OAuthError::Page {
            status,
            title,
            text,
        }
    }

    /// An OAuth error body.
    fn body(status: StatusCode, error: &'static str, description: impl Into<String>) -> OAuthError {
        OAuthError::Body {
            status,
            error,
            description: description.into(),
        }
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        match self {
            OAuthError::Page {
                status,
                title,
                text,
            } => page(status, &title, &text),
            OAuthError::ToClient { location } => redirect(&location),
            OAuthError::Body {
                status,
                error,
                description,
            } => {
                let mut res = (
                    status,
                    AppJson(json!({"error": error, "error_description": description})),
                )
                    .into_response();
                res.headers_mut()
                    .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
                if status == StatusCode::UNAUTHORIZED {
                    res.headers_mut().insert(
                        WWW_AUTHENTICATE,
                        HeaderValue::from_static("Basic realm=\"authlevel\""),
                    );
                }
                res
            }
            OAuthError::Api(e) => e.into_response(),
        }
    }
}

/// Results of the OpenID Connect endpoints.
type OAuthResult<T> = Result<T, OAuthError>;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A page for a person, when the request cannot go back to the application.
fn page(status: StatusCode, title: &str, text: &str) -> Response {
    let lang = crate::lang::current();
    let body = format!(
        "<!doctype html><html lang=\"{l}\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{t}</title><h1>{t}</h1><p>{x}</p><p><a href=\"/\">{home}</a></p></html>",
        l = lang.as_str(),
        t = escape(title),
        x = escape(text),
        home = escape(&crate::text::to_login_page(lang)),
    );
    (status, Html(body)).into_response()
}

fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = uri.to_owned();
    let mut sep = if uri.contains('?') { '&' } else { '?' };
    for (k, v) in pairs {
        out.push(sep);
        out.push_str(k);
        out.push('=');
        out.push_str(&percent_encode(v));
        sep = '&';
    }
    out
}

fn redirect(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(LOCATION, v);
    }
    res
}

/// The discovery document.
#[utoipa::path(get, path = "/.well-known/openid-configuration", tag = "oidc", operation_id = "discovery",
    responses((status = 200, body = Object)))]
async fn discovery(State(app): State<AppState>) -> AppJson<serde_json::Value> {
    let base = &app.config.public_url;
    AppJson(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "token_endpoint": format!("{base}/oauth2/token"),
        "userinfo_endpoint": format!("{base}/oauth2/userinfo"),
        "jwks_uri": format!("{base}/.well-known/jwks.json"),
        "revocation_endpoint": format!("{base}/oauth2/revoke"),
        "introspection_endpoint": format!("{base}/oauth2/introspect"),
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "end_session_endpoint": format!("{base}/oauth2/logout"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "scopes_supported": oidc::SCOPES,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "azp",
            "name", "preferred_username", "email", "email_verified", "phone_number", "phone_number_verified"],
        "claims_parameter_supported": true,
        "authorization_response_iss_parameter_supported": true,
    }))
}

/// The public signing keys.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "oidc", operation_id = "jwks",
    responses((status = 200, body = Object)))]
async fn jwks(State(app): State<AppState>) -> ApiResult<AppJson<serde_json::Value>> {
    Ok(AppJson(oidc::jwks(&app).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_building_and_decoding() {
        assert_eq!(
            with_query("https://a.example/cb", &[("code", "x y"), ("state", "s&t")]),
            "https://a.example/cb?code=x%20y&state=s%26t"
        );
        assert_eq!(
            with_query("https://a.example/cb?x=1", &[("code", "c")]),
            "https://a.example/cb?x=1&code=c"
        );
        assert_eq!(escape("<b>\"x\"</b>"), "&lt;b&gt;&quot;x&quot;&lt;/b&gt;");
    }
}
