//! Passkeys over HTTP: `/api/login/passkey/start|finish` and
//! `/api/me/passkeys…`.

use super::store::PasskeyRow;
use crate::error::{ApiError, ApiResult};
use crate::http::answers::router;
use crate::http::cookies::Cookie;
use crate::http::error::AppJson;
use crate::http::extract::{Fresh, PathId, RateLimited};
use crate::http::login::answer;
use crate::login::Browser;
use crate::methods::passkey;
use crate::session::Enroller;
use crate::state::AppState;
use authlevel_core::ErrorCode;
use authlevel_core::api::{
    LoginState, PasskeyInfo, PasskeyStartRequest, Problem, RenamePasskeyRequest,
};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{AppendHeaders, IntoResponse, Response};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use webauthn_rs::prelude::{
    CreationChallengeResponse, PublicKeyCredential, RegisterPublicKeyCredential,
    RequestChallengeResponse,
};

/// A passkey's routes.
pub fn routes() -> OpenApiRouter<AppState> {
    router![
        login_start,
        login_finish,
        list,
        register_start,
        register_finish,
        rename,
        remove
    ]
}

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
#[utoipa::path(post, path = "/api/login/passkey/start", tag = "login", operation_id = "passkey_login_start",
    request_body = PasskeyStartRequest,
    responses((status = 200, description = "WebAuthn `CredentialRequestOptions` (publicKey)", body = Object),
              (status = 404, body = Problem, description = "No directory has this slug"),
              (status = 409, body = Problem, description = "`method_not_offered`: passkeys are off in this directory, or not open in this login")))]
async fn login_start(
    State(app): State<AppState>,
    browser: Browser,
    _: RateLimited,
    AppJson(req): AppJson<PasskeyStartRequest>,
) -> ApiResult<Response> {
    let (rcr, ceremony): (RequestChallengeResponse, _) =
        passkey::login_start(&app, &browser, &req).await?;
    let cookie = Cookie::Passkey.set(&app.config, &ceremony, passkey::CEREMONY_TTL_S);
    Ok((AppendHeaders([cookie]), AppJson(rcr)).into_response())
}

/// The signed assertion; answers the login's state.
#[utoipa::path(post, path = "/api/login/passkey/finish", tag = "login", operation_id = "passkey_login_finish",
    request_body(content = Assertion, description = "WebAuthn `PublicKeyCredential` (assertion)"),
    responses((status = 200, body = LoginState),
              (status = 401, body = Problem, description = "`invalid_credentials`: the assertion does not verify, or names no usable passkey"),
              (status = 409, body = Problem, description = "`no_login`: no passkey sign-in was started (or it expired); `method_not_offered`")))]
async fn login_finish(
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
#[utoipa::path(get, path = "/api/me/passkeys", tag = "me", operation_id = "list_passkeys",
    responses((status = 200, body = Vec<PasskeyInfo>)))]
async fn list(State(app): State<AppState>, who: Enroller) -> ApiResult<AppJson<Vec<PasskeyInfo>>> {
    Ok(AppJson(
        passkey::list(&app, who.user())
            .await?
            .iter()
            .map(info)
            .collect(),
    ))
}

/// WebAuthn creation options for a new passkey. Needs a recent login.
#[utoipa::path(post, path = "/api/me/passkeys/register/start", tag = "me", operation_id = "passkey_register_start",
    responses((status = 200, description = "WebAuthn `CredentialCreationOptions` (publicKey)", body = Object)))]
async fn register_start(who: Fresh) -> ApiResult<AppJson<CreationChallengeResponse>> {
    Ok(AppJson(
        passkey::register_start(&who.app, who.user()).await?,
    ))
}

/// Body of `POST /api/me/passkeys/register/finish`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RegisterFinish {
    /// The WebAuthn `PublicKeyCredential` (attestation).
    #[schema(value_type = Attestation)]
    pub credential: RegisterPublicKeyCredential,
    /// A name for the passkey ("Laptop"); "Passkey" when absent or blank.
    #[serde(default)]
    pub name: Option<String>,
}

/// Registers the new passkey. A credential registered to any account is refused.
#[utoipa::path(post, path = "/api/me/passkeys/register/finish", tag = "me", operation_id = "passkey_register_finish",
    request_body = RegisterFinish,
    responses((status = 201, body = PasskeyInfo),
              (status = 400, body = Problem, description = "`invalid_input`: the attestation does not verify against the started registration"),
              (status = 409, body = Problem, description = "`conflict`: no registration was started (or it expired), or the passkey is registered already")))]
async fn register_finish(
    who: Fresh,
    AppJson(req): AppJson<RegisterFinish>,
) -> ApiResult<(StatusCode, AppJson<PasskeyInfo>)> {
    let row = passkey::register_finish(
        &who.app,
        who.user(),
        &req.credential,
        req.name.as_deref(),
        who.ip(),
    )
    .await?;
    Ok((StatusCode::CREATED, AppJson(info(&row))))
}

/// Renames a passkey.
#[utoipa::path(patch, path = "/api/me/passkeys/{id}", tag = "me", operation_id = "passkey_rename",
    request_body = RenamePasskeyRequest,
    params(("id" = String, Path, description = "Passkey id")),
    responses((status = 204, description = "Renamed"), (status = 404, body = Problem, description = "No such passkey of this user")))]
async fn rename(
    State(app): State<AppState>,
    who: Enroller,
    PathId(id): PathId,
    AppJson(req): AppJson<RenamePasskeyRequest>,
) -> ApiResult<StatusCode> {
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(ApiError::text(
            ErrorCode::InvalidInput,
            super::words::passkey_name_length,
        ));
    }
    if !app.store.rename_passkey(&who.user().id, &id, name).await? {
        return Err(ApiError::text(
            ErrorCode::NotFound,
            super::words::no_such_passkey,
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a passkey. Needs a recent login.
#[utoipa::path(delete, path = "/api/me/passkeys/{id}", tag = "me", operation_id = "passkey_remove",
    params(("id" = String, Path, description = "Passkey id")),
    responses((status = 204, description = "Removed"), (status = 404, body = Problem, description = "No such passkey of this user")))]
async fn remove(who: Fresh, PathId(id): PathId) -> ApiResult<StatusCode> {
    passkey::remove(&who.app, who.user(), &id, who.ip()).await?;
    Ok(StatusCode::NO_CONTENT)
}

// The shapes below are for the document only: what webauthn-rs reads of
// a credential. Its binary fields are base64url without padding, and
// canonical (the unused bits of the last character are zero): a field
// marked `base64url` carries that pattern.

/// Declares a shape of the document (a struct nothing builds) whose fields
/// marked `base64url` are canonical unpadded base64url strings.
macro_rules! webauthn_shape {
    ($(#[$meta:meta])* struct $name:ident { $($fields:tt)* }) => {
        webauthn_shape!(@field [$(#[$meta])* struct $name] [] $($fields)*);
    };
    (@field $head:tt [$($done:tt)*]
        $(#[doc = $doc:literal])* base64url $(#[schema($($attr:tt)*)])? $field:ident: $ty:ty,
        $($rest:tt)*) => {
        webauthn_shape!(@field $head [$($done)*
            $(#[doc = $doc])*
            #[schema($($($attr)*,)? pattern = "^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-][AQgw]|[A-Za-z0-9_-]{2}[AEIMQUYcgkosw048])?$")]
            $field: $ty,
        ] $($rest)*);
    };
    (@field $head:tt [$($done:tt)*] $(#[$attr:meta])* $field:ident: $ty:ty, $($rest:tt)*) => {
        webauthn_shape!(@field $head [$($done)* $(#[$attr])* $field: $ty,] $($rest)*);
    };
    (@field [$(#[$meta:meta])* struct $name:ident] [$($done:tt)*]) => {
        $(#[$meta])*
        #[derive(utoipa::ToSchema)]
        #[allow(dead_code)]
        pub struct $name { $($done)* }
    };
}

webauthn_shape! {
    /// The shape of a WebAuthn assertion (`PublicKeyCredential` of
    /// `navigator.credentials.get`) as webauthn-rs reads it.
    struct Assertion {
        /// The credential id, base64url.
        id: String,
        /// The credential id.
        base64url #[schema(rename = "rawId")] raw_id: String,
        /// The authenticator's answer.
        response: AssertionResponse,
        /// `public-key`.
        #[schema(rename = "type")]
        kind: String,
        /// Client extension outputs.
        #[schema(nullable = false)]
        extensions: Option<AssertionExtensions>,
    }
}

webauthn_shape! {
    /// `AuthenticatorAssertionResponse`.
    struct AssertionResponse {
        /// Authenticator data.
        base64url #[schema(rename = "authenticatorData")] authenticator_data: String,
        /// The client data the signature covers.
        base64url #[schema(rename = "clientDataJSON")] client_data_json: String,
        /// The signature.
        base64url signature: String,
        /// The user handle, for a discoverable passkey.
        base64url #[schema(rename = "userHandle")] user_handle: Option<String>,
    }
}

/// Client extension outputs of an assertion this server reads.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct AssertionExtensions {
    /// Whether the `appid` extension was used.
    appid: Option<bool>,
}

webauthn_shape! {
    /// The shape of a WebAuthn attestation (`PublicKeyCredential` of
    /// `navigator.credentials.create`) as webauthn-rs reads it.
    struct Attestation {
        /// The credential id, base64url.
        id: String,
        /// The credential id.
        base64url #[schema(rename = "rawId")] raw_id: String,
        /// The authenticator's answer.
        response: AttestationResponse,
        /// `public-key`.
        #[schema(rename = "type")]
        kind: String,
    }
}

webauthn_shape! {
    /// `AuthenticatorAttestationResponse`.
    struct AttestationResponse {
        /// The attestation object (CBOR).
        base64url #[schema(rename = "attestationObject")] attestation_object: String,
        /// The client data the attestation covers.
        base64url #[schema(rename = "clientDataJSON")] client_data_json: String,
    }
}
