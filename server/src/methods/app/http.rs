//! The approval app over HTTP: pairing from the profile (`/api/me/app…`),
//! the app's own routes (`/api/app/…`, with its token as
//! `Authorization: Bearer`), and the login step's send
//! (`/api/login/app/send`; the step itself completes on `GET /api/login`).

use super::store::{ApprovalRow, DeviceRow};
use crate::error::{ApiError, ApiResult};
use crate::http::answers::{Answers, router};
use crate::http::error::AppJson;
use crate::http::extract::{ClientIp, Fresh, PathId, RateLimited};
use crate::limits;
use crate::login::Browser;
use crate::methods::app;
use crate::methods::passkey::http::{Assertion, Attestation};
use crate::session::Enroller;
use crate::state::AppState;
use crate::token;
use authlevel_core::ErrorCode;
use authlevel_core::api::{
    AppDevice, AppPairLink, AppPairStart, AppPaired, AppPushRequest, AppSent, ApprovalDecision,
    Problem, PushSubscription, VapidKey,
};
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use webauthn_rs::prelude::{
    CreationChallengeResponse, PublicKeyCredential, RegisterPublicKeyCredential,
};

/// The approval app's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    router![
        pair,
        devices,
        remove,
        pair_start,
        pair_finish,
        vapid,
        set_push,
        approvals,
        answer,
        app_send
    ]
}

/// The phone whose app sent the request: its token, as
/// `Authorization: Bearer`, names it; else 401.
pub struct PairedPhone {
    /// The phone.
    pub device: DeviceRow,
    /// The client's address.
    pub ip: Option<String>,
}

impl FromRequestParts<AppState> for PairedPhone {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<PairedPhone> {
        let ClientIp(ip) = ClientIp::from_request_parts(parts, state)
            .await
            .unwrap_or(ClientIp(None));
        let token = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let device = match token {
            Some(t) => state.store.device_by_token(&token::hash(t)).await?,
            None => None,
        };
        let device = device.ok_or_else(|| ApiError::code(ErrorCode::Unauthorized))?;
        Ok(PairedPhone { device, ip })
    }
}

impl Answers for PairedPhone {
    const ALWAYS: &[ErrorCode] = &[ErrorCode::Unauthorized];
}

/// A one-time link (and its QR code) that pairs a phone with the approval
/// app, valid 10 minutes. Needs a recent login (or a setup link).
#[utoipa::path(post, path = "/api/me/app/pair", tag = "me", operation_id = "app_pair_link",
    responses((status = 200, body = AppPairLink)))]
async fn pair(who: Fresh) -> ApiResult<AppJson<AppPairLink>> {
    Ok(AppJson(app::pair_link(&who.app, who.user()).await?))
}

/// The own paired phones.
#[utoipa::path(get, path = "/api/me/app/devices", tag = "me", operation_id = "app_devices",
    responses((status = 200, body = Vec<AppDevice>)))]
async fn devices(
    State(state): State<AppState>,
    who: Enroller,
) -> ApiResult<AppJson<Vec<AppDevice>>> {
    Ok(AppJson(app::devices(&state, who.user()).await?))
}

/// Removes a paired phone; the user is told. Needs a recent login.
#[utoipa::path(delete, path = "/api/me/app/devices/{id}", tag = "me", operation_id = "app_device_remove",
    params(("id" = String, Path, description = "The phone's id from the list")),
    responses((status = 204, description = "Removed"), (status = 404, body = Problem, description = "No such phone of this user")))]
async fn remove(who: Fresh, PathId(id): PathId) -> ApiResult<StatusCode> {
    app::remove(&who.app, who.user(), &id, who.ip()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The app, opening a pairing link: the device key's WebAuthn creation
/// options (user verification required, not discoverable). Once per link.
#[utoipa::path(post, path = "/api/app/pair/start", tag = "app", operation_id = "app_pair_start",
    request_body = AppPairStart,
    responses((status = 200, description = "WebAuthn `CredentialCreationOptions` (publicKey)", body = Object),
              (status = 410, body = Problem, description = "`setup_link_invalid`: the pairing link was used, or has expired")))]
async fn pair_start(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    _: RateLimited,
    AppJson(req): AppJson<AppPairStart>,
) -> ApiResult<AppJson<CreationChallengeResponse>> {
    anonymous_limit(&state, ip.as_deref()).await?;
    Ok(AppJson(app::pair_start(&state, &req.token).await?))
}

/// Body of `POST /api/app/pair/finish`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairFinish {
    /// The pairing link's token.
    pub token: String,
    /// The device key (`PublicKeyCredential` of `navigator.credentials.create`).
    #[schema(value_type = Attestation)]
    pub credential: RegisterPublicKeyCredential,
    /// The phone's name ("Phone" when blank), up to 64 characters.
    pub name: String,
    /// Its Web Push subscription, when the browser gave one.
    #[serde(default)]
    #[schema(nullable = false)]
    pub push: Option<PushSubscription>,
}

/// The app, finishing pairing: its device key, name and push subscription.
/// Answers the token the app keeps (shown once); the user is told.
#[utoipa::path(post, path = "/api/app/pair/finish", tag = "app", operation_id = "app_pair_finish",
    request_body = PairFinish,
    responses((status = 201, body = AppPaired),
              (status = 400, body = Problem, description = "`invalid_input`: the device key does not verify, or the push subscription cannot be used"),
              (status = 409, body = Problem, description = "`conflict`: this phone's key is paired already"),
              (status = 410, body = Problem, description = "`setup_link_invalid`: the pairing link was used, or has expired")))]
async fn pair_finish(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    _: RateLimited,
    AppJson(req): AppJson<PairFinish>,
) -> ApiResult<(StatusCode, AppJson<AppPaired>)> {
    anonymous_limit(&state, ip.as_deref()).await?;
    let pairing = app::Pairing {
        token: &req.token,
        credential: &req.credential,
        name: &req.name,
        push: req.push.as_ref(),
    };
    let paired = app::pair_finish(&state, pairing, ip.as_deref()).await?;
    Ok((StatusCode::CREATED, AppJson(paired)))
}

/// The pairing routes answer anyone holding a link: held to the
/// per-address limit of anonymous writes.
async fn anonymous_limit(state: &AppState, ip: Option<&str>) -> ApiResult<()> {
    let mut tx = state.store.begin().await?;
    let limit = limits::anonymous_write(state, ip);
    limits::take(
        &mut tx,
        limits::MINUTE,
        &limit,
        crate::text::too_many_sign_in_requests,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The server's VAPID public key, for the app's push subscription.
#[utoipa::path(get, path = "/api/app/vapid", tag = "app", operation_id = "app_vapid",
    responses((status = 200, body = VapidKey)))]
async fn vapid(State(state): State<AppState>) -> ApiResult<AppJson<VapidKey>> {
    let key = app::push::vapid_key(&state).ok_or_else(|| ApiError::code(ErrorCode::Internal))?;
    Ok(AppJson(VapidKey {
        public_key: app::push::public_key(&key),
    }))
}

/// The app's new push subscription, in place of the one before.
#[utoipa::path(put, path = "/api/app/push", tag = "app", operation_id = "app_set_push",
    request_body = AppPushRequest,
    responses((status = 204, description = "Replaced"),
              (status = 400, body = Problem, description = "`invalid_input`: the push subscription cannot be used")))]
async fn set_push(
    State(state): State<AppState>,
    phone: PairedPhone,
    AppJson(req): AppJson<AppPushRequest>,
) -> ApiResult<StatusCode> {
    app::set_push(&state, &phone.device, &req.push).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An approval waiting for the app's answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PendingApproval {
    /// Its id.
    pub id: String,
    /// The directory the login is for.
    pub directory: String,
    /// The application that asked for the login, if one did.
    pub client: Option<String>,
    /// The browser's address.
    pub ip: Option<String>,
    /// The browser's `User-Agent`.
    pub user_agent: Option<String>,
    /// When it was sent (Unix seconds).
    pub created_at: i64,
    /// When it expires (Unix seconds).
    pub expires_at: i64,
    /// Three numbers, one of which the login page shows.
    pub choices: Vec<u8>,
    /// The WebAuthn `CredentialRequestOptions` the device key signs.
    #[schema(value_type = Object)]
    pub challenge: serde_json::Value,
}

fn pending(a: ApprovalRow) -> PendingApproval {
    PendingApproval {
        choices: a
            .choices
            .split(',')
            .filter_map(|n| n.parse().ok())
            .collect(),
        challenge: serde_json::from_str(&a.challenge).unwrap_or_default(),
        id: a.id,
        directory: a.directory,
        client: a.client_name,
        ip: a.ip,
        user_agent: a.user_agent,
        created_at: a.created_at,
        expires_at: a.expires_at,
    }
}

/// The approvals waiting for this phone's user, newest first: what the app
/// shows when opened, with or without push.
#[utoipa::path(get, path = "/api/app/approvals", tag = "app", operation_id = "app_approvals",
    responses((status = 200, body = Vec<PendingApproval>)))]
async fn approvals(
    State(state): State<AppState>,
    phone: PairedPhone,
) -> ApiResult<AppJson<Vec<PendingApproval>>> {
    let rows = state
        .store
        .pending_approvals(&phone.device.user_id, crate::clock::now())
        .await?;
    Ok(AppJson(rows.into_iter().map(pending).collect()))
}

/// Body of `POST /api/app/approvals/{id}`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalAnswer {
    /// The number picked.
    pub choice: u8,
    /// The answer.
    pub decision: ApprovalDecision,
    /// To approve: the device key's assertion over the approval's
    /// challenge (`PublicKeyCredential` of `navigator.credentials.get`),
    /// with user verification.
    #[serde(default)]
    #[schema(value_type = Option<Assertion>, nullable = false)]
    pub assertion: Option<PublicKeyCredential>,
}

/// The app's answer to an approval: approve (the number on the login page,
/// signed), decline, or "this wasn't me" (the login ends and the user is
/// told). A wrong number ends the approval and counts as a failure.
#[utoipa::path(post, path = "/api/app/approvals/{id}", tag = "app", operation_id = "app_answer",
    params(("id" = String, Path, description = "The approval's id")),
    request_body = ApprovalAnswer,
    responses((status = 204, description = "Answered"),
              (status = 401, body = Problem, description = "`invalid_code`: the wrong number, or a signature that does not verify; the approval has ended"),
              (status = 404, body = Problem, description = "No such approval for this phone"),
              (status = 409, body = Problem, description = "`conflict`: the approval was answered already (by this or another phone), or has expired")))]
async fn answer(
    State(state): State<AppState>,
    phone: PairedPhone,
    PathId(id): PathId,
    AppJson(req): AppJson<ApprovalAnswer>,
) -> ApiResult<StatusCode> {
    let a = app::Answer {
        choice: req.choice,
        decision: req.decision,
        assertion: req.assertion.as_ref(),
    };
    app::answer(&state, &phone.device, &id, a, phone.ip.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sends an approval of the login in progress to the paired phones (only
/// after its first step): the number to pick, and where it went. The step
/// completes on `GET /api/login` once a phone approved it.
#[utoipa::path(post, path = "/api/login/app/send", tag = "login", operation_id = "app_send",
    responses((status = 200, body = AppSent),
              (status = 409, body = Problem, description = "`no_login` or `method_not_offered`: no login in progress, or the app is not open in it"),
              (status = 502, body = Problem, description = "`delivery_failed`: no push reached a phone; its app shows the approval when opened")))]
async fn app_send(
    State(state): State<AppState>,
    browser: Browser,
    _: RateLimited,
) -> ApiResult<AppJson<AppSent>> {
    Ok(AppJson(app::send(&state, &browser).await?))
}
