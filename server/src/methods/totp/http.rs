//! The authenticator app over HTTP: enrolment (`/api/me/totp…`) and the
//! login step (`/api/login/totp/verify`).

use crate::error::ApiResult;
use crate::http::answers::router;
use crate::http::error::AppJson;
use crate::http::extract::Fresh;
use crate::http::login::login_step;
use crate::methods::totp;
use crate::state::AppState;
use authlevel_core::api::{CodeRequest, LoginState, Problem, TotpSetupResponse};
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;

/// The authenticator app's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    router![setup, confirm, remove, totp_verify]
}

/// Starts setting up an authenticator app: a new secret, its `otpauth://`
/// URI and QR code. It counts only after `confirm`. Needs a recent login.
#[utoipa::path(post, path = "/api/me/totp/setup", tag = "me", operation_id = "totp_setup",
    responses((status = 200, body = TotpSetupResponse)))]
async fn setup(who: Fresh) -> ApiResult<AppJson<TotpSetupResponse>> {
    Ok(AppJson(totp::setup(&who.app, who.user()).await?))
}

/// Confirms the new secret with a code from the app; from then on the app
/// is offered at login.
#[utoipa::path(post, path = "/api/me/totp/confirm", tag = "me", operation_id = "totp_confirm",
    request_body = CodeRequest,
    responses((status = 204, description = "Confirmed: the app is offered at login"),
              (status = 401, body = Problem, description = "`invalid_code`: the code is wrong"),
              (status = 409, body = Problem, description = "`no_login`: no setup was started (or it expired)")))]
#[tracing::instrument(skip_all)]
async fn confirm(who: Fresh, AppJson(req): AppJson<CodeRequest>) -> ApiResult<StatusCode> {
    totp::confirm(&who.app, who.user(), &req.code, who.ip()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the authenticator app. Needs a recent login.
#[utoipa::path(delete, path = "/api/me/totp", tag = "me", operation_id = "totp_remove",
    responses((status = 204, description = "Removed"), (status = 404, body = Problem, description = "No authenticator app is set up")))]
async fn remove(who: Fresh) -> ApiResult<StatusCode> {
    totp::remove(&who.app, who.user(), who.ip()).await?;
    Ok(StatusCode::NO_CONTENT)
}

login_step!(
    /// The authenticator-app step of a login begun with the password or a passkey.
    totp_verify = "/api/login/totp/verify", CodeRequest,
    401 = "`invalid_code`: the code is wrong (or the method is locked)",
    409 = "`no_login` or `method_not_offered`: no login in progress, or the app is not open in it",
    |app, browser, req| totp::verify(&app, &browser, &req.code)
);
