//! The token endpoint (`authorization_code` with PKCE, rotating
//! `refresh_token`) and revocation (RFC 7009), with the client
//! authentication both use.

use super::{OAuthError, OAuthErrorBody, OAuthForm, OAuthResult, Params, client_event};
use crate::clock::now;
use crate::crypto::same;
use crate::http::answers::router;
use crate::http::error::AppJson;
use crate::http::extract::ClientIp;
use crate::oidc::{self, Grant};
use crate::state::AppState;
use crate::store::{ClientRow, RefreshUse, SessionRow, TokenRow};
use crate::token;
use authlevel_core::AuditKind;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    router![token_endpoint, revoke]
}

/// A value of the `application/x-www-form-urlencoded` encoding, decoded
/// (RFC 6749 §2.3.1 encodes the client id and secret so in Basic auth).
fn form_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// Authenticates the client of a token or revocation request:
/// `client_secret_basic`, `client_secret_post`, or none for public clients.
pub(super) async fn client_auth(
    app: &AppState,
    headers: &HeaderMap,
    form: &Params,
) -> OAuthResult<ClientRow> {
    let invalid = || {
        OAuthError::body(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed",
        )
    };
    let basic = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|raw| String::from_utf8(raw).ok())
        .and_then(|s| {
            s.split_once(':')
                .map(|(i, p)| (form_decode(i), form_decode(p)))
        });
    let (id, secret) = match basic {
        Some((id, secret)) => (Some(id), Some(secret)),
        None => (
            form.get("client_id").cloned(),
            form.get("client_secret").cloned(),
        ),
    };
    let id = id.ok_or_else(invalid)?;
    let client = app.store.client(&id).await?.ok_or_else(invalid)?;
    let ok = match (&client.secret_hash, &secret) {
        (Some(hash), Some(secret)) => same(hash, &oidc::secret_hash(app, secret)),
        (None, None) => true,
        _ => false,
    };
    if !ok {
        client_event(AuditKind::OidcClientAuth, false, &client, "")
            .record(app)
            .await;
        return Err(invalid());
    }
    Ok(client)
}

/// Issues an access, a refresh and an ID token for `user_id` from the
/// session `session`: none outlives that session's absolute limit, and
/// each works only while it lives. Using them is using the session: it
/// does not idle out meanwhile.
async fn tokens(
    app: &AppState,
    client: &ClientRow,
    user_id: &str,
    family: &str,
    grant: &Grant,
    session: &SessionRow,
) -> OAuthResult<Response> {
    let t = now();
    let grant_json = serde_json::to_string(grant)?;
    let access = token::new_token();
    let refresh = token::new_token();
    for (kind, value, ttl) in [
        ("access", &access, oidc::ACCESS_TTL_S),
        ("refresh", &refresh, oidc::REFRESH_TTL_S),
    ] {
        let row = TokenRow {
            kind: kind.to_owned(),
            client_id: client.id.clone(),
            user_id: user_id.to_owned(),
            family: family.to_owned(),
            grant_data: grant_json.clone(),
            expires_at: (t + ttl).min(session.expires_at),
            session_id: Some(session.public_id.clone()),
        };
        app.store
            .insert_oidc_token(&token::hash(value), &row, t)
            .await?;
    }
    if t - session.last_seen_at >= 60 {
        app.store.touch_session(&session.id, t).await?;
    }
    let id_token = oidc::id_token(app, &client.id, user_id, grant, t).await?;
    let mut res = AppJson(json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": (t + oidc::ACCESS_TTL_S).min(session.expires_at) - t,
        "refresh_token": refresh,
        "id_token": id_token,
        "scope": grant.scope.join(" "),
    }))
    .into_response();
    res.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// A token request (RFC 6749 §4.1.3, §6), for the document. The client
/// authenticates with HTTP Basic (`client_secret_basic`) or with
/// `client_id` and `client_secret` here; a public client sends only its
/// `client_id`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct TokenRequest {
    /// `authorization_code` or `refresh_token`.
    #[schema(pattern = "^(authorization_code|refresh_token)$")]
    grant_type: String,
    /// The authorization code (`authorization_code`).
    code: Option<String>,
    /// The redirect URI of the authorization request (`authorization_code`).
    redirect_uri: Option<String>,
    /// The PKCE verifier (`authorization_code`, when a challenge was sent).
    code_verifier: Option<String>,
    /// The refresh token (`refresh_token`).
    refresh_token: Option<String>,
    /// The client, without HTTP Basic.
    client_id: Option<String>,
    /// The client's secret, without HTTP Basic.
    client_secret: Option<String>,
}

/// A revocation request (RFC 7009), for the document; the client
/// authenticates as for the token endpoint.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct RevokeRequest {
    /// The access or refresh token.
    token: String,
    /// A hint the server does not need.
    token_type_hint: Option<String>,
    /// The client, without HTTP Basic.
    client_id: Option<String>,
    /// The client's secret, without HTTP Basic.
    client_secret: Option<String>,
}

/// The token endpoint: `authorization_code` (with PKCE) and `refresh_token`
/// (rotating: a refresh token works once; a replay revokes its family).
#[utoipa::path(post, path = "/oauth2/token", tag = "oidc", operation_id = "token",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = Object, description = "The tokens"),
              (status = 400, body = OAuthErrorBody, description = "`invalid_request`, `invalid_grant` or `unsupported_grant_type`"),
              (status = 401, body = OAuthErrorBody, description = "`invalid_client`: client authentication failed")))]
#[tracing::instrument(skip_all)]
async fn token_endpoint(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    OAuthForm(form): OAuthForm,
) -> OAuthResult<Response> {
    let client = client_auth(&app, &headers, &form).await?;
    let refuse = async |why: &'static str| {
        client_event(AuditKind::OidcToken, false, &client, why)
            .ip(ip.as_deref())
            .record(&app)
            .await;
        OAuthError::body(StatusCode::BAD_REQUEST, "invalid_grant", why)
    };
    let granted = |user_id: &str, grant_type: &str| {
        client_event(AuditKind::OidcToken, true, &client, grant_type)
            .user(Some(user_id))
            .ip(ip.as_deref())
    };
    let t = now();
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let Some(code) = form.get("code") else {
                return Err(refuse("code missing").await);
            };
            let code_id = token::hash(code);
            let (client_id, user_id, grant_json, session_id) =
                match app.store.use_oidc_code(&code_id, t).await? {
                    Ok(found) => found,
                    Err(true) => {
                        // A code used twice: whatever it bought is revoked.
                        app.store.revoke_family(&code_id, t).await?;
                        return Err(refuse("authorization code used before").await);
                    }
                    Err(false) => return Err(refuse("unknown or expired authorization code").await),
                };
            let grant: Grant = serde_json::from_str(&grant_json)?;
            if client_id != client.id {
                return Err(refuse("authorization code of another client").await);
            }
            if form.get("redirect_uri") != Some(&grant.redirect_uri) {
                return Err(refuse("redirect_uri does not match").await);
            }
            let pkce = match (&grant.code_challenge, form.get("code_verifier")) {
                (Some(ch), Some(v)) => oidc::pkce_ok(ch, v),
                (None, None) => true,
                _ => false,
            };
            if !pkce {
                return Err(refuse("PKCE verifier missing or wrong").await);
            }
            if app.store.user(&user_id).await?.is_none_or(|u| u.disabled) {
                return Err(refuse("account disabled").await);
            }
            let Some(session) = live_session(&app, session_id.as_deref(), &user_id).await? else {
                return Err(refuse("the login session this code came from has ended").await);
            };
            granted(&user_id, "authorization_code").record(&app).await;
            tokens(&app, &client, &user_id, &code_id, &grant, &session).await
        }
        Some("refresh_token") => {
            let Some(rt) = form.get("refresh_token") else {
                return Err(refuse("refresh_token missing").await);
            };
            let idle_since = t - app.config.session_idle_timeout_s;
            let row = match app
                .store
                .use_refresh_token(&token::hash(rt), t, idle_since)
                .await?
            {
                RefreshUse::Used(row) => row,
                RefreshUse::Replayed(family) => {
                    app.store.revoke_family(&family, t).await?;
                    return Err(refuse("refresh token used before; its family is revoked").await);
                }
                RefreshUse::SessionEnded(family) => {
                    app.store.revoke_family(&family, t).await?;
                    return Err(refuse(
                        "the login session this token came from has ended; its family is revoked",
                    )
                    .await);
                }
                RefreshUse::Invalid => {
                    return Err(refuse("unknown, expired or revoked refresh token").await);
                }
            };
            if row.client_id != client.id {
                return Err(refuse("refresh token of another client").await);
            }
            let Some(user) = app.store.user(&row.user_id).await?.filter(|u| !u.disabled) else {
                return Err(refuse("account disabled").await);
            };
            let Some(session) = live_session(&app, row.session_id.as_deref(), &row.user_id).await?
            else {
                app.store.revoke_family(&row.family, t).await?;
                return Err(refuse(
                    "the login session this token came from has ended; its family is revoked",
                )
                .await);
            };
            let mut grant: Grant = serde_json::from_str(&row.grant_data)?;
            grant.nonce = None;
            // The level at issue time: methods past their lifetime no
            // longer count (DESIGN §4 "Ageing and risk").
            if let Some(dir) = app.store.directory(&user.directory_id).await?
                && !dir.policy.max_age_s.is_empty()
            {
                let (level, live) = crate::session::counts_at(&session, &dir.policy, t);
                grant.acr = level.min(grant.acr);
                grant.amr = oidc::amr(live);
            }
            granted(&row.user_id, "refresh_token").record(&app).await;
            tokens(&app, &client, &row.user_id, &row.family, &grant, &session).await
        }
        _ => Err(OAuthError::body(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "use authorization_code or refresh_token",
        )),
    }
}

/// The live session of `user_id` whose public id is `public_id`.
async fn live_session(
    app: &AppState,
    public_id: Option<&str>,
    user_id: &str,
) -> OAuthResult<Option<SessionRow>> {
    let Some(id) = public_id.filter(|id| !id.is_empty()) else {
        return Ok(None);
    };
    Ok(app
        .store
        .session_by_public_id(id, now(), app.config.session_idle_timeout_s)
        .await?
        .filter(|s| s.user_id == user_id))
}

/// Revokes a token (RFC 7009); a refresh token takes its family along.
#[utoipa::path(post, path = "/oauth2/revoke", tag = "oidc", operation_id = "revoke",
    request_body(content = RevokeRequest, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "Revoked, or nothing to revoke"),
              (status = 400, body = OAuthErrorBody, description = "`invalid_request`: not a form"),
              (status = 401, body = OAuthErrorBody, description = "`invalid_client`: client authentication failed")))]
async fn revoke(
    State(app): State<AppState>,
    headers: HeaderMap,
    OAuthForm(form): OAuthForm,
) -> OAuthResult<Response> {
    let client = client_auth(&app, &headers, &form).await?;
    if let Some(t) = form.get("token")
        && let Some((owner, family)) = app.store.token_owner(&token::hash(t)).await?
        && owner == client.id
    {
        app.store.revoke_family(&family, now()).await?;
        client_event(AuditKind::OidcRevoke, true, &client, "")
            .record(&app)
            .await;
    }
    Ok(StatusCode::OK.into_response())
}

#[cfg(test)]
mod tests {
    use super::form_decode;

    #[test]
    fn form_values_decode() {
        assert_eq!(form_decode("a%3Ab+c%2"), "a:b c%2");
    }
}
