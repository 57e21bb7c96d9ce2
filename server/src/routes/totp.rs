//! The authenticator app: enrolment (`/api/me/totp…`) and the login step
//! (`/api/login/totp/verify`).

use crate::audit;
use crate::error::{ApiError, ApiResult, AppJson};
use crate::login;
use crate::routes::login::answer;
use crate::session::{ClientIp, Cookie, Enroller};
use crate::state::AppState;
use crate::token::now;
use crate::totp;
use authlevel_core::api::{CodeRequest, LoginState, Problem, TotpSetupResponse};
use authlevel_core::{ErrorCode, Method};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(setup))
        .routes(routes!(confirm))
        .routes(routes!(remove))
        .routes(routes!(verify))
}

/// Starts setting up an authenticator app: a new secret, its `otpauth://`
/// URI and QR code. It counts only after `confirm`. Needs a recent login.
#[utoipa::path(post, path = "/api/me/totp/setup", tag = "me",
    responses((status = 200, body = TotpSetupResponse), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn setup(
    State(app): State<AppState>,
    who: Enroller,
) -> ApiResult<AppJson<TotpSetupResponse>> {
    who.require_fresh(&app.config)?;
    let user = who.user();
    let dir = app
        .store
        .directory(&user.directory_id)
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::NotFound))?;
    let secret = totp::new_secret();
    let sealed = app
        .secrets
        .seal(&secret, &user.id)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    app.store.set_pending_totp(&user.id, &sealed, now()).await?;
    let uri = totp::otpauth_uri(&secret, &dir.name, &user.username);
    let qr_svg = totp::qr_svg(&uri).ok_or_else(|| ApiError::Internal("QR code".into()))?;
    Ok(AppJson(TotpSetupResponse {
        secret: totp::base32(&secret),
        otpauth_uri: uri,
        qr_svg,
    }))
}

/// Confirms the new secret with a code from the app; from then on the app
/// is offered at login.
#[utoipa::path(post, path = "/api/me/totp/confirm", tag = "me", request_body = CodeRequest,
    responses((status = 204), (status = 401, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all)]
async fn confirm(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    who: Enroller,
    AppJson(req): AppJson<CodeRequest>,
) -> ApiResult<StatusCode> {
    who.require_fresh(&app.config)?;
    let user = who.user();
    let Some(sealed) = app.store.totp(&user.id).await?.and_then(|r| r.pending_enc) else {
        return Err(ApiError::with(
            ErrorCode::Conflict,
            "Start the authenticator-app setup first.",
        ));
    };
    let secret = app
        .secrets
        .open(&sealed, &user.id)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let Some(step) = totp::matching_step(&secret, &req.code, now()) else {
        audit::event("totp.confirm", false)
            .directory(&user.directory_id)
            .user(Some(&user.id))
            .method(Method::Totp)
            .ip(ip.as_deref())
            .record(&app)
            .await;
        return Err(ApiError::with(
            ErrorCode::InvalidCode,
            "That code does not match. Check the app shows this account and that the phone's clock is right.",
        ));
    };
    if !app
        .store
        .confirm_totp(&user.id, &sealed, step, now())
        .await?
    {
        return Err(ApiError::with(
            ErrorCode::Conflict,
            "The setup changed meanwhile; start it again.",
        ));
    }
    audit::event("totp.add", true)
        .directory(&user.directory_id)
        .user(Some(&user.id))
        .method(Method::Totp)
        .ip(ip.as_deref())
        .record(&app)
        .await;
    crate::notify::account_changed(&app, user, "An authenticator app was added").await;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the authenticator app. Needs a recent login.
#[utoipa::path(delete, path = "/api/me/totp", tag = "me",
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn remove(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    who: Enroller,
) -> ApiResult<StatusCode> {
    who.require_fresh(&app.config)?;
    let user = who.user();
    if !app.store.delete_totp(&user.id).await? {
        return Err(ApiError::with(
            ErrorCode::NotFound,
            "No authenticator app is set up.",
        ));
    }
    audit::event("totp.remove", true)
        .directory(&user.directory_id)
        .user(Some(&user.id))
        .method(Method::Totp)
        .ip(ip.as_deref())
        .record(&app)
        .await;
    crate::notify::account_changed(&app, user, "The authenticator app was removed").await;
    Ok(StatusCode::NO_CONTENT)
}

/// The authenticator-app step of a login begun with the password or a passkey.
#[utoipa::path(post, path = "/api/login/totp/verify", tag = "login", request_body = CodeRequest,
    responses((status = 200, body = LoginState), (status = 401, body = Problem), (status = 409, body = Problem)))]
#[tracing::instrument(skip_all)]
async fn verify(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    AppJson(req): AppJson<CodeRequest>,
) -> ApiResult<Response> {
    let flow_token = Cookie::Flow.read(&app.config, &headers);
    let (flow, dir, user) =
        login::identified_flow(&app, flow_token.as_deref(), Method::Totp).await?;
    let secret = match app.store.totp(&user.id).await?.and_then(|r| r.secret_enc) {
        Some(sealed) => app
            .secrets
            .open(&sealed, &user.id)
            .map_err(|e| ApiError::Internal(e.to_string()))?,
        None => return Err(login::failed(&app, &dir, &user, Method::Totp, ip.as_deref()).await),
    };
    let method = Method::Totp.as_str();
    let locked = app.store.is_locked(&user.id, method, now()).await?;
    let mut tx = app.store.begin().await?;
    let accepted = match totp::matching_step(&secret, &req.code, now()) {
        Some(step) if !locked => tx.consume_totp_step(&user.id, step).await?,
        _ => false,
    };
    let c = &app.config;
    if !accepted {
        // Ended before the count, which writes outside it.
        tx.rollback().await?;
        app.store
            .record_failure(&user.id, method, now(), c.failure_limit, c.lockout_s)
            .await?;
        return Err(login::failed(&app, &dir, &user, Method::Totp, ip.as_deref()).await);
    }
    tx.reset_failures(&user.id, method).await?;
    let prior = login::Prior::Stored(&flow);
    let outcome = login::advance(&app, tx, &dir, &user, prior, Method::Totp, ip.as_deref()).await?;
    Ok(answer(&app, &headers, outcome).await)
}
