//! `/api/setup…`: a one-time setup link opens enrolment (set a password, add
//! methods) for its user. It never logs anyone in.

use super::cookies::Cookie;
use super::error::AppJson;
use crate::error::ApiResult;
use crate::login::Browser;
use crate::session::Enroller;
use crate::setup;
use crate::state::AppState;
use authlevel_core::api::{Problem, SetupRequest, SetupResponse};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Response};

/// Uses a setup link's token: the link is spent, and an enrolment cookie
/// lets its holder set a password and enrol methods.
#[utoipa::path(post, path = "/api/setup", tag = "setup", operation_id = "setup_open",
    request_body = SetupRequest,
    responses((status = 200, body = SetupResponse),
              (status = 410, body = Problem, description = "`setup_link_invalid`: the link is unknown, used or expired")))]
#[tracing::instrument(skip_all)]
pub(super) async fn open(
    State(app): State<AppState>,
    browser: Browser,
    AppJson(req): AppJson<SetupRequest>,
) -> ApiResult<Response> {
    let (user, enrolment) = setup::open(&app, &req.token, browser.ip()).await?;
    let body = setup::state_of(&app, &user, browser.session.as_deref()).await?;
    let cookie = Cookie::Enrolment.set(&app.config, &enrolment, app.config.enrolment_ttl_s);
    Ok((AppendHeaders([cookie]), AppJson(body)).into_response())
}

/// The enrolment's state, for a reloaded setup page.
#[utoipa::path(get, path = "/api/setup", tag = "setup", operation_id = "setup_status",
    responses((status = 200, body = SetupResponse)))]
pub(super) async fn status(
    State(app): State<AppState>,
    who: Enroller,
    browser: Browser,
) -> ApiResult<AppJson<SetupResponse>> {
    Ok(AppJson(
        setup::state_of(&app, who.user(), browser.session.as_deref()).await?,
    ))
}

/// Ends the enrolment; the person then logs in normally.
#[utoipa::path(post, path = "/api/setup/finish", tag = "setup", operation_id = "setup_finish",
    responses((status = 204, description = "Ended (also without an enrolment)")))]
pub(super) async fn finish(State(app): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(t) = Cookie::Enrolment.read(&app.config, &headers) {
        setup::finish(&app, &t).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        AppendHeaders([Cookie::Enrolment.clear(&app.config)]),
    )
        .into_response())
}
