//! Recovery codes over HTTP: the own set (`/api/me/recovery-codes`), the
//! login step, and an administrator's revocation.

use crate::error::ApiResult;
use crate::http::answers::router;
use crate::http::error::AppJson;
use crate::http::extract::{Fresh, UserAdmin};
use crate::http::login::login_step;
use crate::methods::recovery;
use crate::session::Enroller;
use crate::state::AppState;
use authlevel_core::api::{CodeRequest, LoginState, Problem, RecoveryCodes, RecoveryCodesStatus};
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;

/// Recovery codes' routes.
pub fn routes() -> OpenApiRouter<AppState> {
    router![status, generate, recovery_verify, revoke]
}

/// How many of the own recovery codes are left.
#[utoipa::path(get, path = "/api/me/recovery-codes", tag = "me", operation_id = "recovery_codes_status",
    responses((status = 200, body = RecoveryCodesStatus)))]
async fn status(who: Enroller) -> ApiResult<AppJson<RecoveryCodesStatus>> {
    Ok(AppJson(RecoveryCodesStatus {
        remaining: who.user().recovery_left,
    }))
}

/// A new set of recovery codes, shown this once; it replaces the old set.
/// Needs a fresh login.
#[utoipa::path(post, path = "/api/me/recovery-codes", tag = "me", operation_id = "recovery_codes_generate",
    responses((status = 200, body = RecoveryCodes)))]
async fn generate(who: Fresh) -> ApiResult<AppJson<RecoveryCodes>> {
    // From a setup link's enrolment the person is setting up their own
    // account; a notice is for a change from a logged-in session.
    let tell = matches!(who.who, Enroller::Session(_));
    Ok(AppJson(RecoveryCodes {
        codes: recovery::generate(&who.app, who.user(), who.ip(), tell).await?,
    }))
}

login_step!(
    /// The recovery-code step of a login begun with the password or a passkey.
    recovery_verify = "/api/login/recovery/verify", CodeRequest,
    401 = "`invalid_code`: the code is wrong or used (or the method is locked)",
    409 = "`no_login` or `method_not_offered`: no login in progress, or recovery codes are not open in it",
    |app, browser, req| recovery::verify(&app, &browser, &req.code)
);

/// Revokes a user's unused recovery codes.
#[utoipa::path(delete, path = "/api/admin/users/{id}/recovery-codes", tag = "admin", operation_id = "recovery_codes_revoke",
    params(("id" = String, Path, description = "User id")),
    responses((status = 204, description = "Revoked")))]
async fn revoke(State(app): State<AppState>, admin: UserAdmin) -> ApiResult<StatusCode> {
    recovery::revoke(&app, &admin.user, &admin.auth.user.id, admin.ip.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}
