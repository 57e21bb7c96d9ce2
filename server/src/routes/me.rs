//! `/api/me…`: the own profile and password. The enrolment routes accept a
//! setup link's enrolment cookie as well as a session.

use crate::audit;
use crate::contact;
use crate::error::{ApiError, ApiResult, AppJson};
use crate::otp::{self, Purpose};
use crate::password;
use crate::session::{Authenticated, ClientIp, Enroller};
use crate::state::AppState;
use crate::store::{UserPatch, UserRow};
use crate::token::now;
use authlevel_core::ErrorCode;
use authlevel_core::api::{ChangePasswordRequest, Me, Problem, UpdateMeRequest};
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_me, patch_me))
        .routes(routes!(change_password))
}

async fn me_of(app: &AppState, user: &UserRow) -> ApiResult<Me> {
    let dir = app.store.directory(&user.directory_id).await?;
    Ok(Me {
        id: user.id.clone(),
        username: user.username.clone(),
        directory: dir.map(|d| d.slug).unwrap_or_default(),
        role: user.role,
        display_name: user.display_name.clone(),
        email: user.email.clone(),
        phone: user.phone.clone(),
        pending_email: user.pending_email.clone(),
        pending_phone: user.pending_phone.clone(),
        enrolled: user.enrolled(),
    })
}

/// The own profile.
#[utoipa::path(get, path = "/api/me", tag = "me",
    responses((status = 200, body = Me), (status = 401, body = Problem)))]
async fn get_me(State(app): State<AppState>, auth: Authenticated) -> ApiResult<AppJson<Me>> {
    Ok(AppJson(me_of(&app, &auth.user).await?))
}

/// Cleans a display name: trimmed, 1 to 100 characters, no control characters.
pub fn display_name(input: &str) -> ApiResult<String> {
    let n = input.trim();
    if n.is_empty() || n.chars().count() > 100 || n.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "A display name has 1 to 100 characters and no line breaks.",
        ));
    }
    Ok(n.to_owned())
}

/// Changes the display name, or sets a new email address or mobile number,
/// which stays pending until the code sent to it (right away) is confirmed
/// at `/api/me/{phone|email}/verify`. A new phone or email needs a recent login.
#[utoipa::path(patch, path = "/api/me", tag = "me", request_body = UpdateMeRequest,
    responses((status = 200, body = Me), (status = 400, body = Problem), (status = 403, body = Problem)))]
async fn patch_me(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    who: Enroller,
    AppJson(req): AppJson<UpdateMeRequest>,
) -> ApiResult<AppJson<Me>> {
    let user = who.user().clone();
    let mut patch = UserPatch::default();
    if let Some(name) = &req.display_name {
        patch.display_name = Some(display_name(name)?);
    }
    if let Some(email) = &req.email {
        who.require_fresh(&app.config)?;
        if email.trim().is_empty() {
            patch.email = Some(None);
            patch.pending_email = Some(None);
        } else {
            patch.pending_email = Some(Some(
                contact::normalize_email(email).map_err(ApiError::invalid)?,
            ));
        }
    }
    if let Some(phone) = &req.phone {
        who.require_fresh(&app.config)?;
        if phone.trim().is_empty() {
            patch.phone = Some(None);
            patch.pending_phone = Some(None);
        } else {
            patch.pending_phone = Some(Some(
                contact::normalize_phone(phone).map_err(ApiError::invalid)?,
            ));
        }
    }
    let updated = app
        .store
        .update_user(&user.id, &patch, now())
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::NotFound))?;
    // A new number or address gets its confirmation code right away.
    let dir = app
        .store
        .directory(&user.directory_id)
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::NotFound))?;
    if let Some(Some(phone)) = &patch.pending_phone {
        otp::send(
            &app,
            &dir,
            &updated,
            Purpose::ConfirmPhone,
            phone,
            None,
            ip.as_deref(),
        )
        .await?;
    }
    if let Some(Some(email)) = &patch.pending_email {
        otp::send(
            &app,
            &dir,
            &updated,
            Purpose::ConfirmEmail,
            email,
            None,
            ip.as_deref(),
        )
        .await?;
    }
    if req.email.is_some() || req.phone.is_some() {
        audit::event("profile.contact", true)
            .directory(&user.directory_id)
            .user(Some(&user.id))
            .ip(ip.as_deref())
            .detail(match (req.email.is_some(), req.phone.is_some()) {
                (true, true) => "email and phone changed",
                (true, false) => "email changed",
                _ => "phone changed",
            })
            .record(&app)
            .await;
    }
    Ok(AppJson(me_of(&app, &updated).await?))
}

/// Sets a new password. From a session it needs a recent login (that login
/// is the proof of identity); from a setup link's enrolment it is how the
/// first password is set.
#[utoipa::path(post, path = "/api/me/password", tag = "me", request_body = ChangePasswordRequest,
    responses((status = 204), (status = 400, body = Problem), (status = 403, body = Problem)))]
#[tracing::instrument(skip_all)]
async fn change_password(
    State(app): State<AppState>,
    ClientIp(ip): ClientIp,
    who: Enroller,
    AppJson(req): AppJson<ChangePasswordRequest>,
) -> ApiResult<StatusCode> {
    who.require_fresh(&app.config)?;
    let user = who.user();
    password::check_new(&req.new_password, &user.username)
        .map_err(|rule| ApiError::with(ErrorCode::WeakPassword, rule.to_string()))?;
    let hash = app
        .hasher
        .hash(&req.new_password)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    app.store.set_password_hash(&user.id, &hash, now()).await?;
    audit::event("password.set", true)
        .directory(&user.directory_id)
        .user(Some(&user.id))
        .method(authlevel_core::Method::Password)
        .ip(ip.as_deref())
        .record(&app)
        .await;
    // A setup link sets a first (or recovery) password: the person was sent
    // the link; a notice is for a change made from a logged-in session.
    if matches!(who, Enroller::Session(_)) {
        crate::notify::account_changed(&app, user, "The password was changed").await;
    }
    Ok(StatusCode::NO_CONTENT)
}
