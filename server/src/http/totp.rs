//! The authenticator app over HTTP: enrolment (`/api/me/totp…`) and the
//! login step (`/api/login/totp/verify`).

use super::error::AppJson;
use super::extract::Fresh;
use super::login::answer;
use crate::error::ApiResult;
use crate::login::{Browser, totp};
use crate::state::AppState;
use authlevel_core::api::{CodeRequest, LoginState, Problem, TotpSetupResponse};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

/// Starts setting up an authenticator app: a new secret, its `otpauth://`
/// URI and QR code. It counts only after `confirm`. Needs a recent login.
#[utoipa::path(post, path = "/api/me/totp/setup", tag = "me",
    responses((status = 200, body = TotpSetupResponse), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub(super) async fn setup(
    State(app): State<AppState>,
    who: Fresh,
) -> ApiResult<AppJson<TotpSetupResponse>> {
    Ok(AppJson(totp::setup(&app, who.user()).await?))
}

/// Confirms the new secret with a code from the app; from then on the app
/// is offered at login.
#[utoipa::path(post, path = "/api/me/totp/confirm", tag = "me", request_body = CodeRequest,
    responses((status = 204), (status = 401, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all)]
pub(super) async fn confirm(
    State(app): State<AppState>,
    who: Fresh,
    AppJson(req): AppJson<CodeRequest>,
) -> ApiResult<StatusCode> {
    totp::confirm(&app, who.user(), &req.code, who.ip()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the authenticator app. Needs a recent login.
#[utoipa::path(delete, path = "/api/me/totp", tag = "me",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn remove(State(app): State<AppState>, who: Fresh) -> ApiResult<StatusCode> {
    totp::remove(&app, who.user(), who.ip()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The authenticator-app step of a login begun with the password or a passkey.
#[utoipa::path(post, path = "/api/login/totp/verify", tag = "login", request_body = CodeRequest,
    responses((status = 200, body = LoginState), (status = 401, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all)]
pub(super) async fn verify(
    State(app): State<AppState>,
    browser: Browser,
    AppJson(req): AppJson<CodeRequest>,
) -> ApiResult<Response> {
    answer(&app.config, totp::verify(&app, &browser, &req.code).await)
}
