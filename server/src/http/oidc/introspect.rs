//! Token introspection (RFC 7662) for the APIs of applications: a resource
//! server, authenticated as a confidential client of the same directory's
//! application, asks whether a token is live and at what level.

use super::token::client_auth;
use super::{OAuthError, OAuthForm, OAuthResult};
use crate::clock::now;
use crate::http::answers::router;
use crate::http::error::AppJson;
use crate::oidc::Grant;
use crate::state::AppState;
use crate::token;
use axum::extract::State;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    router![introspect]
}

/// An introspection request (RFC 7662 §2.1), for the document. The client
/// authenticates with HTTP Basic (`client_secret_basic`) or with
/// `client_id` and `client_secret` here; a public client may not ask.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct IntrospectRequest {
    /// The access or refresh token.
    #[schema(min_length = 1)]
    token: String,
    /// `access_token` or `refresh_token`: which kind to look for first.
    token_type_hint: Option<String>,
    /// The client, without HTTP Basic.
    client_id: Option<String>,
    /// The client's secret, without HTTP Basic.
    client_secret: Option<String>,
}

/// The answer (RFC 7662 §2.2): `active`, and for a live token who and how.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Introspection {
    /// Whether the token is live: issued in the caller's directory,
    /// unexpired, unrevoked, its session live and its user enabled.
    active: bool,
    /// The user.
    sub: Option<String>,
    /// The client it was issued to.
    client_id: Option<String>,
    /// The level of the login at issue time, as in the ID token.
    acr: Option<String>,
    /// RFC 8176 method references.
    amr: Option<Vec<String>>,
    /// When the user logged in (Unix seconds).
    auth_time: Option<i64>,
    /// When the token expires (Unix seconds).
    exp: Option<i64>,
    /// The scopes granted, space-separated.
    scope: Option<String>,
    /// `access_token` or `refresh_token`.
    token_type: Option<String>,
}

/// Whether a token is live and at what level (RFC 7662). The caller is a
/// confidential client of the directory the token's application is in
/// (the application itself, or its API registered as a client). A token
/// that is unknown, expired, revoked, used, of another directory or of an
/// ended session answers `{"active": false}` and nothing else.
#[utoipa::path(post, path = "/oauth2/introspect", tag = "oidc", operation_id = "introspect",
    request_body(content = IntrospectRequest, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = Introspection, description = "The token's state"),
              (status = 400, body = super::OAuthErrorBody, description = "`invalid_request`: not a form, or no `token`"),
              (status = 401, body = super::OAuthErrorBody, description = "`invalid_client`: client authentication failed, or a public client")))]
async fn introspect(
    State(app): State<AppState>,
    headers: HeaderMap,
    OAuthForm(form): OAuthForm,
) -> OAuthResult<Response> {
    let client = client_auth(&app, &headers, &form).await?;
    if client.secret_hash.is_none() {
        return Err(OAuthError::body(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "a public client may not introspect tokens",
        ));
    }
    let Some(value) = form.get("token").filter(|t| !t.is_empty()) else {
        return Err(OAuthError::body(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "token missing",
        ));
    };
    let kinds = match form.get("token_type_hint").map(String::as_str) {
        Some("refresh_token") => ["refresh", "access"],
        _ => ["access", "refresh"],
    };
    let (t, id) = (now(), token::hash(value));
    let idle_since = t - app.config.session_idle_timeout_s;
    let mut answer = json!({"active": false});
    for kind in kinds {
        let Some(row) = app.store.oidc_token(&id, kind, t, idle_since).await? else {
            continue;
        };
        // A resource server is a confidential client of the same
        // directory: it learns nothing of another directory's tokens.
        let issued_to = app.store.client(&row.client_id).await?;
        if issued_to.is_none_or(|c| c.directory_id != client.directory_id) {
            break;
        }
        if app
            .store
            .user(&row.user_id)
            .await?
            .is_none_or(|u| u.disabled)
        {
            break;
        }
        let grant: Grant = serde_json::from_str(&row.grant_data)?;
        answer = json!({
            "active": true,
            "sub": row.user_id,
            "client_id": row.client_id,
            "acr": grant.acr.to_string(),
            "amr": grant.amr,
            "auth_time": grant.auth_time,
            "exp": row.expires_at,
            "scope": grant.scope.join(" "),
            "token_type": format!("{kind}_token"),
            "iss": app.config.public_url,
        });
        break;
    }
    let mut res = AppJson(answer).into_response();
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
