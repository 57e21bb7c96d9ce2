//! SMS and email codes over HTTP: the login steps, and confirming a new
//! mobile number or email address.

use crate::audit;
use crate::error::{ApiError, ApiResult, AppJson};
use crate::login;
use crate::otp::{self, Purpose};
use crate::routes::login::answer;
use crate::session::{Authenticated, ClientIp, Cookie, Enroller};
use crate::state::AppState;
use crate::store::UserPatch;
use crate::token::now;
use authlevel_core::api::{CodeRequest, LoginState, Problem, Role, SendCodeResponse};
use authlevel_core::{ErrorCode, Method};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
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

async fn send(
    app: &AppState,
    headers: &HeaderMap,
    ip: Option<&str>,
    method: Method,
) -> ApiResult<AppJson<SendCodeResponse>> {
    let flow_token = Cookie::Flow.read(&app.config, headers);
    let (flow, dir, user) = login::identified_flow(app, flow_token.as_deref(), method).await?;
    let destination = match method {
        Method::Sms => user.phone.clone(),
        _ => user.email.clone(),
    }
    .ok_or_else(|| ApiError::code(ErrorCode::MethodNotOffered))?;
    let sent = otp::send(
        app,
        &dir,
        &user,
        Purpose::login(method),
        &destination,
        Some(&flow.id),
        ip,
    )
    .await?;
    Ok(AppJson(sent))
}

/// Sends an SMS code for the login in progress (only after its first step).
#[utoipa::path(post, path = "/api/login/sms/send", tag = "login",
    responses((status = 200, body = SendCodeResponse), (status = 409, body = Problem), (status = 429, body = Problem), (status = 502, body = Problem)))]
async fn sms_send(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> ApiResult<AppJson<SendCodeResponse>> {
    send(&app, &headers, ip.as_deref(), Method::Sms).await
}

/// Sends an email code for the login in progress (only after its first step).
#[utoipa::path(post, path = "/api/login/email/send", tag = "login",
    responses((status = 200, body = SendCodeResponse), (status = 409, body = Problem), (status = 429, body = Problem), (status = 502, body = Problem)))]
async fn email_send(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> ApiResult<AppJson<SendCodeResponse>> {
    send(&app, &headers, ip.as_deref(), Method::Email).await
}

async fn verify(
    app: &AppState,
    headers: &HeaderMap,
    ip: Option<&str>,
    method: Method,
    code: &str,
) -> ApiResult<Response> {
    let flow_token = Cookie::Flow.read(&app.config, headers);
    let (flow, dir, user) = login::identified_flow(app, flow_token.as_deref(), method).await?;
    match otp::check(app, &user, Purpose::login(method), Some(&flow.id), code).await? {
        Ok((tx, _)) => {
            let prior = login::Prior::Stored(&flow);
            let outcome = login::advance(app, tx, &dir, &user, prior, method, ip).await?;
            Ok(answer(app, headers, outcome).await)
        }
        Err(refusal) => {
            let _ = login::failed(app, &dir, &user, method, ip).await;
            Err(refusal.error())
        }
    }
}

/// Verifies the SMS code of the login in progress.
#[utoipa::path(post, path = "/api/login/sms/verify", tag = "login", request_body = CodeRequest,
    responses((status = 200, body = LoginState), (status = 401, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all)]
async fn sms_verify(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(req): AppJson<CodeRequest>,
) -> ApiResult<Response> {
    verify(&app, &headers, ip.as_deref(), Method::Sms, &req.code).await
}

/// Verifies the email code of the login in progress.
#[utoipa::path(post, path = "/api/login/email/verify", tag = "login", request_body = CodeRequest,
    responses((status = 200, body = LoginState), (status = 401, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all)]
async fn email_verify(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(req): AppJson<CodeRequest>,
) -> ApiResult<Response> {
    verify(&app, &headers, ip.as_deref(), Method::Email, &req.code).await
}

async fn confirm(
    app: &AppState,
    who: &Enroller,
    ip: Option<&str>,
    method: Method,
    code: &str,
) -> ApiResult<StatusCode> {
    who.require_fresh(&app.config)?;
    let user = who.user();
    let (purpose, pending) = match method {
        Method::Sms => (Purpose::ConfirmPhone, user.pending_phone.clone()),
        _ => (Purpose::ConfirmEmail, user.pending_email.clone()),
    };
    let Some(pending) = pending else {
        return Err(ApiError::with(
            ErrorCode::Conflict,
            "Nothing is waiting for confirmation; enter the new value first.",
        ));
    };
    let destination = match otp::check(app, user, purpose, None, code).await? {
        Ok((tx, d)) => {
            tx.commit().await?;
            d
        }
        Err(refusal) => return Err(refusal.error()),
    };
    if destination != pending {
        return Err(otp::Refusal::NoCode.error());
    }
    let patch = match method {
        Method::Sms => UserPatch {
            phone: Some(Some(pending)),
            pending_phone: Some(None),
            ..UserPatch::default()
        },
        _ => UserPatch {
            email: Some(Some(pending)),
            pending_email: Some(None),
            ..UserPatch::default()
        },
    };
    app.store.update_user(&user.id, &patch, now()).await?;
    audit::event(
        if method == Method::Sms {
            "phone.confirm"
        } else {
            "email.confirm"
        },
        true,
    )
    .directory(&user.directory_id)
    .user(Some(&user.id))
    .method(method)
    .ip(ip)
    .record(app)
    .await;
    let what = if method == Method::Sms {
        "A new mobile number was confirmed"
    } else {
        "A new email address was confirmed"
    };
    crate::notify::account_changed(app, user, what).await;
    Ok(StatusCode::NO_CONTENT)
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
    confirm(&app, &who, ip.as_deref(), Method::Sms, &req.code).await
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
    confirm(&app, &who, ip.as_deref(), Method::Email, &req.code).await
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
    if auth.user.role != Role::Admin {
        return Err(ApiError::code(ErrorCode::Forbidden));
    }
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
