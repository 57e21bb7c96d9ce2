//! Passkeys over HTTP: `/api/login/passkey/start|finish` and
//! `/api/me/passkeys…`.

use super::cookies::Cookie;
use super::error::AppJson;
use super::extract::Fresh;
use super::login::answer;
use crate::error::{ApiError, ApiResult};
use crate::login::{Browser, passkey};
use crate::session::Enroller;
use crate::state::AppState;
use crate::store::PasskeyRow;
use authlevel_core::ErrorCode;
use authlevel_core::api::{
    LoginState, PasskeyInfo, PasskeyStartRequest, Problem, RenamePasskeyRequest,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{AppendHeaders, IntoResponse, Response};
use serde::Deserialize;
use webauthn_rs::prelude::{
    CreationChallengeResponse, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse,
};

fn info(row: &PasskeyRow) -> PasskeyInfo {
    PasskeyInfo {
        id: row.id.clone(),
        name: row.name.clone(),
        created_at: row.created_at,
        last_used_at: row.last_used_at,
    }
}

/// WebAuthn request options for a passkey step: discoverable without a
/// username, else the account's passkeys; after the password, the user's.
#[utoipa::path(post, path = "/api/login/passkey/start", tag = "login", request_body = PasskeyStartRequest,
    responses((status = 200, description = "WebAuthn `CredentialRequestOptions` (publicKey)", body = Object),
              (status = 409, body = Problem)))]
pub(super) async fn login_start(
    State(app): State<AppState>,
    browser: Browser,
    AppJson(req): AppJson<PasskeyStartRequest>,
) -> ApiResult<Response> {
    let (rcr, ceremony): (RequestChallengeResponse, _) =
        passkey::login_start(&app, &browser, &req).await?;
    let cookie = Cookie::Passkey.set(&app.config, &ceremony, passkey::CEREMONY_TTL_S);
    Ok((AppendHeaders([cookie]), AppJson(rcr)).into_response())
}

/// The signed assertion; answers the login's state.
#[utoipa::path(post, path = "/api/login/passkey/finish", tag = "login",
    request_body(content = Object, description = "WebAuthn `PublicKeyCredential` (assertion)"),
    responses((status = 200, body = LoginState), (status = 401, body = Problem), (status = 409, body = Problem)))]
pub(super) async fn login_finish(
    State(app): State<AppState>,
    browser: Browser,
    AppJson(cred): AppJson<PublicKeyCredential>,
) -> ApiResult<Response> {
    let c = &app.config;
    let mut response = answer(c, passkey::login_finish(&app, &browser, &cred).await)?;
    let (name, value) = Cookie::Passkey.clear(c);
    response.headers_mut().append(name, value);
    Ok(response)
}

/// The own passkeys.
#[utoipa::path(get, path = "/api/me/passkeys", tag = "me",
    responses((status = 200, body = Vec<PasskeyInfo>), (status = 401, body = Problem)))]
pub(super) async fn list(
    State(app): State<AppState>,
    who: Enroller,
) -> ApiResult<AppJson<Vec<PasskeyInfo>>> {
    Ok(AppJson(
        passkey::list(&app, who.user())
            .await?
            .iter()
            .map(info)
            .collect(),
    ))
}

/// WebAuthn creation options for a new passkey. Needs a recent login.
#[utoipa::path(post, path = "/api/me/passkeys/register/start", tag = "me",
    responses((status = 200, description = "WebAuthn `CredentialCreationOptions` (publicKey)", body = Object),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
pub(super) async fn register_start(
    State(app): State<AppState>,
    who: Fresh,
) -> ApiResult<AppJson<CreationChallengeResponse>> {
    Ok(AppJson(passkey::register_start(&app, who.user()).await?))
}

/// Body of `POST /api/me/passkeys/register/finish`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RegisterFinish {
    /// The WebAuthn `PublicKeyCredential` (attestation).
    #[schema(value_type = Object)]
    pub credential: RegisterPublicKeyCredential,
    /// A name for the passkey ("Laptop"); "Passkey" when absent.
    #[serde(default)]
    pub name: Option<String>,
}

/// Registers the new passkey. A credential registered to any account is refused.
#[utoipa::path(post, path = "/api/me/passkeys/register/finish", tag = "me", request_body = RegisterFinish,
    responses((status = 201, body = PasskeyInfo), (status = 400, body = Problem), (status = 409, body = Problem)))]
pub(super) async fn register_finish(
    State(app): State<AppState>,
    who: Fresh,
    AppJson(req): AppJson<RegisterFinish>,
) -> ApiResult<(StatusCode, AppJson<PasskeyInfo>)> {
    let row = passkey::register_finish(
        &app,
        who.user(),
        &req.credential,
        req.name.as_deref(),
        who.ip(),
    )
    .await?;
    Ok((StatusCode::CREATED, AppJson(info(&row))))
}

/// Renames a passkey.
#[utoipa::path(patch, path = "/api/me/passkeys/{id}", tag = "me", request_body = RenamePasskeyRequest,
    params(("id" = String, Path, description = "Passkey id")),
    responses((status = 204), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn rename(
    State(app): State<AppState>,
    who: Enroller,
    Path(id): Path<String>,
    AppJson(req): AppJson<RenamePasskeyRequest>,
) -> ApiResult<StatusCode> {
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "A passkey's name has 1 to 64 characters.",
        ));
    }
    if !app.store.rename_passkey(&who.user().id, &id, name).await? {
        return Err(ApiError::with(ErrorCode::NotFound, "No such passkey."));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a passkey. Needs a recent login.
#[utoipa::path(delete, path = "/api/me/passkeys/{id}", tag = "me",
    params(("id" = String, Path, description = "Passkey id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(super) async fn remove(
    State(app): State<AppState>,
    who: Fresh,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    passkey::remove(&app, who.user(), &id, who.ip()).await?;
    Ok(StatusCode::NO_CONTENT)
}
