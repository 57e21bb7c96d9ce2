//! SMS and email codes over HTTP: the login steps, confirming a new mobile
//! number or email address, and the development outbox.

use super::error::AppJson;
use super::extract::ClientIp;
use super::login::answer;
use crate::error::{ApiError, ApiResult};
use crate::login::{Browser, codes};
use crate::session::{Authenticated, Enroller};
use crate::state::AppState;
use authlevel_core::api::{CodeRequest, LoginState, Problem, SendCodeResponse};
use authlevel_core::{ErrorCode, Method};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sms_send))
        .routes(routes!(email_send))
        .routes(routes!(sms_verify))
        .routes(routes!(email_verify))
        .routes(routes!(phone_confirm))
        .routes(routes!(email_confirm))
        .routes(routes!(dev_outbox))
}

/// Sends an SMS code for the login in progress (only after its first step).
#[utoipa::path(post, path = "/api/login/sms/send", tag = "login",
    responses((status = 200, body = SendCodeResponse), (status = 409, body = Problem), (status = 429, body = Problem), (status = 502, body = Problem)))]
async fn sms_send(
    State(app): State<AppState>,
    browser: Browser,
) -> ApiResult<AppJson<SendCodeResponse>> {
    Ok(AppJson(
        codes::send_for_login(&app, &browser, Method::Sms).await?,
    ))
}

/// Sends an email code for the login in progress (only after its first step).
#[utoipa::path(post, path = "/api/login/email/send", tag = "login",
    responses((status = 200, body = SendCodeResponse), (status = 409, body = Problem), (status = 429, body = Problem), (status = 502, body = Problem)))]
async fn email_send(
    State(app): State<AppState>,
    browser: Browser,
) -> ApiResult<AppJson<SendCodeResponse>> {
    Ok(AppJson(
        codes::send_for_login(&app, &browser, Method::Email).await?,
    ))
}

/// Verifies the SMS code of the login in progress.
#[utoipa::path(post, path = "/api/login/sms/verify", tag = "login", request_body = CodeRequest,
    responses((status = 200, body = LoginState), (status = 401, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all)]
async fn sms_verify(
    State(app): State<AppState>,
    browser: Browser,
    AppJson(req): AppJson<CodeRequest>,
) -> ApiResult<Response> {
    let outcome = codes::verify(&app, &browser, Method::Sms, &req.code).await?;
    Ok(answer(&app.config, outcome))
}

/// Verifies the email code of the login in progress.
#[utoipa::path(post, path = "/api/login/email/verify", tag = "login", request_body = CodeRequest,
    responses((status = 200, body = LoginState), (status = 401, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all)]
async fn email_verify(
    State(app): State<AppState>,
    browser: Browser,
    AppJson(req): AppJson<CodeRequest>,
) -> ApiResult<Response> {
    let outcome = codes::verify(&app, &browser, Method::Email, &req.code).await?;
    Ok(answer(&app.config, outcome))
}

/// Confirms a new mobile number with the code sent to it.
#[utoipa::path(post, path = "/api/me/phone/verify", tag = "me", request_body = CodeRequest,
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all)]
async fn phone_confirm(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    who: Enroller,
    AppJson(req): AppJson<CodeRequest>,
) -> ApiResult<StatusCode> {
    who.require_fresh(&app.config)?;
    codes::confirm(&app, who.user(), Method::Sms, &req.code, ip.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Confirms a new email address with the code sent to it.
#[utoipa::path(post, path = "/api/me/email/verify", tag = "me", request_body = CodeRequest,
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all)]
async fn email_confirm(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    who: Enroller,
    AppJson(req): AppJson<CodeRequest>,
) -> ApiResult<StatusCode> {
    who.require_fresh(&app.config)?;
    codes::confirm(&app, who.user(), Method::Email, &req.code, ip.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A message the development delivery printed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OutboxMessage {
    /// When (Unix seconds).
    pub at: i64,
    /// `sms` or `email`.
    pub channel: String,
    /// The number or address.
    pub to: String,
    /// The text, with its code.
    pub message: String,
}

/// The development outbox: what the `log` delivery sent. Only in dev mode,
/// only for admins.
#[utoipa::path(get, path = "/api/admin/dev/outbox", tag = "admin",
    responses((status = 200, body = Vec<OutboxMessage>), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn dev_outbox(
    State(app): State<AppState>,
    auth: Authenticated,
) -> ApiResult<AppJson<Vec<OutboxMessage>>> {
    auth.require_admin()?;
    if !app.config.dev {
        return Err(ApiError::with(
            ErrorCode::NotFound,
            "The outbox exists in development mode only.",
        ));
    }
    let rows = app.store.outbox(50).await?;
    Ok(AppJson(
        rows.into_iter()
            .map(|(at, channel, to, message)| OutboxMessage {
                at,
                channel,
                to,
                message,
            })
            .collect(),
    ))
}
