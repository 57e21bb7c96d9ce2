//! The password over HTTP: the login step (`/api/login/password`) and a
//! new password (`/api/me/password`).

use crate::error::ApiResult;
use crate::http::answers::router;
use crate::http::error::AppJson;
use crate::http::extract::{Fresh, RateLimited};
use crate::login::Browser;
use crate::session::Enroller;
use crate::state::AppState;
use authlevel_core::api::{ChangePasswordRequest, LoginState, PasswordLoginRequest, Problem};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;

/// The password's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    router![password_login, change_password]
}

/// The password step. Answers the login's state; when the level is reached,
/// the session cookie is set and the flow cookie removed.
#[utoipa::path(post, path = "/api/login/password", tag = "login", request_body = PasswordLoginRequest,
    responses((status = 200, body = LoginState),
              (status = 401, body = Problem, description = "`invalid_credentials`: wrong username or password (also for unknown, locked or disabled accounts)"),
              (status = 409, body = Problem, description = "`method_not_offered`: the directory does not use passwords")))]
#[tracing::instrument(skip_all)]
async fn password_login(
    State(app): State<AppState>,
    browser: Browser,
    _: RateLimited,
    AppJson(req): AppJson<PasswordLoginRequest>,
) -> ApiResult<Response> {
    crate::http::login::answer(&app.config, super::step(&app, &browser, &req).await)
}

/// Sets a new password. From a session it needs a recent login (that login
/// is the proof of identity); from a setup link's enrolment it is how the
/// first password is set.
#[utoipa::path(post, path = "/api/me/password", tag = "me", operation_id = "change_password",
    request_body = ChangePasswordRequest,
    responses((status = 204, description = "Set"),
              (status = 400, body = Problem, description = "`weak_password`: a common password, one character repeated, or one that holds the username")))]
#[tracing::instrument(skip_all)]
async fn change_password(
    fresh: Fresh,
    AppJson(req): AppJson<ChangePasswordRequest>,
) -> ApiResult<StatusCode> {
    // A setup link sets a first (or recovery) password: the person was sent
    // the link; a notice is for a change made from a logged-in session.
    let notify = matches!(fresh.who, Enroller::Session(_));
    super::set(
        &fresh.app,
        fresh.user(),
        &req.new_password,
        fresh.ip(),
        notify,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
