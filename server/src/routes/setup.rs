//! `/api/setup…`: a one-time setup link opens enrolment (set a password, add
//! methods) for its user. It never logs anyone in.

use crate::audit;
use crate::error::{ApiError, ApiResult, AppJson};
use crate::session::{ClientIp, Cookie, Enroller};
use crate::state::AppState;
use crate::store::{SetupLinkUse, UserRow};
use crate::token::{self, now};
use authlevel_core::api::{Problem, SetupLink, SetupRequest, SetupResponse};
use authlevel_core::{ErrorCode, LoginStatus, MethodSet, evaluate};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open, status))
        .routes(routes!(finish))
}

/// Issues a setup link for `user`, superseding earlier unused ones.
pub async fn issue_link(app: &AppState, user_id: &str) -> ApiResult<SetupLink> {
    let t = now();
    app.store.revoke_setup_links(user_id, t).await?;
    let secret = token::new_token();
    let expires_at = t + app.config.setup_link_ttl_s;
    app.store
        .insert_setup_link(&token::hash(&secret), user_id, t, expires_at)
        .await?;
    Ok(SetupLink {
        url: format!("{}/setup#token={secret}", app.config.public_url),
        expires_at,
    })
}

async fn response_for(app: &AppState, user: &UserRow) -> ApiResult<SetupResponse> {
    let dir = app
        .store
        .directory(&user.directory_id)
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::NotFound))?;
    let enrolled = user.enrolled();
    Ok(SetupResponse {
        username: user.username.clone(),
        directory: dir.slug,
        policy: dir.policy,
        enrolled,
        can_reach: evaluate(&dir.policy, MethodSet::EMPTY, enrolled).status != LoginStatus::Blocked,
    })
}

/// Uses a setup link's token: the link is spent, and an enrolment cookie
/// lets its holder set a password and enrol methods.
#[utoipa::path(post, path = "/api/setup", tag = "setup", request_body = SetupRequest,
    responses((status = 200, body = SetupResponse), (status = 410, body = Problem)))]
#[tracing::instrument(skip_all)]
async fn open(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    AppJson(req): AppJson<SetupRequest>,
) -> ApiResult<Response> {
    let t = now();
    let token = req.token.trim();
    let used = if token.is_empty() || token.len() > 128 {
        SetupLinkUse::Invalid
    } else {
        app.store.use_setup_link(&token::hash(token), t).await?
    };
    let SetupLinkUse::Used(user_id) = used else {
        audit::event("setup.open", false)
            .ip(ip.as_deref())
            .detail("unknown, used or expired link")
            .record(&app)
            .await;
        return Err(ApiError::with(
            ErrorCode::SetupLinkInvalid,
            "This setup link was already used or has expired. Ask your administrator for a new one.",
        ));
    };
    let user = app
        .store
        .user(&user_id)
        .await?
        .filter(|u| !u.disabled)
        .ok_or_else(|| {
            ApiError::with(ErrorCode::SetupLinkInvalid, "This account is not active.")
        })?;
    let enrol = token::new_token();
    app.store
        .insert_enrolment(
            &token::hash(&enrol),
            &user.id,
            t,
            t + app.config.enrolment_ttl_s,
        )
        .await?;
    audit::event("setup.open", true)
        .directory(&user.directory_id)
        .user(Some(&user.id))
        .ip(ip.as_deref())
        .record(&app)
        .await;
    let body = response_for(&app, &user).await?;
    let cookie = Cookie::Enrolment.set(&app.config, &enrol, app.config.enrolment_ttl_s);
    Ok((AppendHeaders([cookie]), AppJson(body)).into_response())
}

/// The enrolment's state, for a reloaded setup page.
#[utoipa::path(get, path = "/api/setup", tag = "setup",
    responses((status = 200, body = SetupResponse), (status = 401, body = Problem)))]
async fn status(State(app): State<AppState>, who: Enroller) -> ApiResult<AppJson<SetupResponse>> {
    Ok(AppJson(response_for(&app, who.user()).await?))
}

/// Ends the enrolment; the person then logs in normally.
#[utoipa::path(post, path = "/api/setup/finish", tag = "setup", responses((status = 204)))]
async fn finish(State(app): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(t) = Cookie::Enrolment.read(&app.config, &headers) {
        app.store.delete_enrolment(&token::hash(&t)).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([Cookie::Enrolment.clear(&app.config)]),
    )
        .into_response())
}
