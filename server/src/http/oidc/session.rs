//! What an application asks about a logged-in user: the userinfo endpoint,
//! and RP-initiated logout.

use super::{OAuthResult, Params, page, redirect, with_query};
use crate::audit;
use crate::clock::now;
use crate::http::cookies::Cookie;
use crate::http::error::AppJson;
use crate::login::Browser;
use crate::oidc::{self, Grant};
use crate::session;
use crate::state::AppState;
use crate::token;
use authlevel_core::AuditKind;
use axum::extract::{Query, State};
use axum::http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(userinfo_get, userinfo_post))
        .routes(routes!(logout))
}

async fn userinfo(app: &AppState, headers: &HeaderMap) -> OAuthResult<Response> {
    let unauthorized = || {
        let mut res = StatusCode::UNAUTHORIZED.into_response();
        res.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
        res
    };
    let Some(bearer) = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return Ok(unauthorized());
    };
    let Some(row) = app
        .store
        .oidc_token(&token::hash(bearer.trim()), "access", now())
        .await?
    else {
        return Ok(unauthorized());
    };
    let Some(user) = app.store.user(&row.user_id).await?.filter(|u| !u.disabled) else {
        return Ok(unauthorized());
    };
    let grant: Grant = serde_json::from_str(&row.grant_data)?;
    let has = |s: &str| grant.scope.iter().any(|g| g == s);
    let mut claims = json!({"sub": user.id});
    if has("profile") {
        claims["name"] = json!(user.display_name);
        claims["preferred_username"] = json!(user.username);
    }
    if has("email")
        && let Some(e) = &user.email
    {
        claims["email"] = json!(e);
        claims["email_verified"] = json!(true);
    }
    if has("phone")
        && let Some(p) = &user.phone
    {
        claims["phone_number"] = json!(p);
        claims["phone_number_verified"] = json!(true);
    }
    Ok(AppJson(claims).into_response())
}

/// Claims about the user of an access token, by its scopes.
#[utoipa::path(get, path = "/oauth2/userinfo", tag = "oidc", responses((status = 200, body = Object), (status = 401)))]
async fn userinfo_get(State(app): State<AppState>, headers: HeaderMap) -> OAuthResult<Response> {
    userinfo(&app, &headers).await
}

/// Claims about the user of an access token (POST form).
#[utoipa::path(post, path = "/oauth2/userinfo", tag = "oidc", responses((status = 200, body = Object), (status = 401)))]
async fn userinfo_post(State(app): State<AppState>, headers: HeaderMap) -> OAuthResult<Response> {
    userinfo(&app, &headers).await
}

/// RP-initiated logout: ends the session on the server, then returns to a
/// registered post-logout URI of the client the ID token names.
#[utoipa::path(get, path = "/oauth2/logout", tag = "oidc",
    responses((status = 303, description = "To the registered post-logout URI"), (status = 200, description = "A logged-out page")))]
async fn logout(
    State(app): State<AppState>,
    browser: Browser,
    Query(p): Query<Params>,
) -> OAuthResult<Response> {
    let c = &app.config;
    if let Some(t) = &browser.session {
        let id = token::hash(t);
        if let Some(a) = session::load(&app, Some(t)).await? {
            audit::event(AuditKind::Logout, true)
                .user(Some(&a.user.id))
                .ip(browser.ip())
                .detail("OpenID Connect logout")
                .record(&app)
                .await;
        }
        app.store.delete_session(&id).await?;
    }
    let clear = AppendHeaders([Cookie::Session.clear(c), Cookie::Flow.clear(c)]);
    let hint = match p.get("id_token_hint") {
        Some(jwt) => oidc::verified_claims(&app, jwt).await,
        None => None,
    };
    let client_id = p.get("client_id").cloned().or_else(|| {
        hint.as_ref()
            .and_then(|h| h["aud"].as_str().map(str::to_owned))
    });
    if let (Some(uri), Some(cid)) = (p.get("post_logout_redirect_uri"), client_id)
        && let Some(client) = app.store.client(&cid).await?
        && client.post_logout_redirect_uris.iter().any(|u| u == uri)
    {
        let to = match p.get("state") {
            Some(s) => with_query(uri, &[("state", s)]),
            None => uri.clone(),
        };
        return Ok((clear, redirect(&to)).into_response());
    }
    Ok((
        clear,
        page(
            StatusCode::OK,
            "You are logged out",
            "You can close this window.",
        ),
    )
        .into_response())
}
