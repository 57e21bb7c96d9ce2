//! The own account: what a user sees of it, and changes to the display
//! name and contact points. A new mobile number or email address stays
//! pending until the code sent to it is confirmed (`login::codes`).

use crate::audit;
use crate::clock::now;
use crate::contact;
use crate::error::{ApiError, ApiResult};
use crate::login::codes::{self, Purpose};
use crate::state::AppState;
use crate::store::{UserPatch, UserRow};
use authlevel_core::api::{Me, UpdateMeRequest};
use authlevel_core::{AuditKind, ErrorCode, Method};

/// What a user sees of their own account.
pub async fn me(app: &AppState, user: &UserRow) -> ApiResult<Me> {
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
        language: user.language,
    })
}

/// A change of a [`UserPatch`] field: `Some(None)` clears it.
type Change = Option<Option<String>>;

/// The (confirmed, pending) changes for a new contact value: an empty value
/// removes the contact point; another one is normalised by `normalize` and
/// becomes pending.
fn contact_patch(
    value: &str,
    normalize: fn(&str) -> Result<String, String>,
) -> ApiResult<(Change, Change)> {
    if value.trim().is_empty() {
        Ok((Some(None), Some(None)))
    } else {
        let v = normalize(value).map_err(ApiError::invalid)?;
        Ok((None, Some(Some(v))))
    }
}

/// Changes the display name, or sets a new email address or mobile number,
/// which gets its confirmation code right away. The caller has checked
/// that a change of contact comes from a fresh login.
pub async fn update(
    app: &AppState,
    user: &UserRow,
    req: &UpdateMeRequest,
    ip: Option<&str>,
) -> ApiResult<UserRow> {
    let mut patch = UserPatch {
        language: req.language,
        ..UserPatch::default()
    };
    if let Some(name) = &req.display_name {
        patch.display_name = Some(contact::display_name(name).map_err(ApiError::invalid)?);
    }
    if let Some(email) = &req.email {
        (patch.email, patch.pending_email) = contact_patch(email, contact::normalize_email)?;
    }
    if let Some(phone) = &req.phone {
        (patch.phone, patch.pending_phone) = contact_patch(phone, contact::normalize_phone)?;
    }
    let updated = app
        .store
        .update_user(&user.id, &patch, now())
        .await?
        .ok_or_else(|| ApiError::code(ErrorCode::NotFound))?;
    let dir = crate::login::directory_of(app, user).await?;
    for (pending, purpose) in [
        (&patch.pending_phone, Purpose::ConfirmPhone),
        (&patch.pending_email, Purpose::ConfirmEmail),
    ] {
        if let Some(Some(to)) = pending {
            codes::send(app, &dir, &updated, purpose, to, None, ip).await?;
        }
    }
    // A removed contact point is a removed method: the user hears of it.
    for (removed, kind, method, words) in [
        (
            &patch.email,
            AuditKind::EmailRemove,
            Method::Email,
            crate::text::changed_email_removed as crate::notify::What,
        ),
        (
            &patch.phone,
            AuditKind::PhoneRemove,
            Method::Sms,
            crate::text::changed_phone_removed,
        ),
    ] {
        let had = match method {
            Method::Email => user.email.is_some(),
            _ => user.phone.is_some(),
        };
        if matches!(removed, Some(None)) && had {
            crate::notify::method_changed(app, user, kind, method, ip, Some(words)).await;
        }
    }
    if req.email.is_some() || req.phone.is_some() {
        audit::event(AuditKind::ProfileContact, true)
            .on_user(user)
            .ip(ip)
            .detail(match (req.email.is_some(), req.phone.is_some()) {
                (true, true) => "email and phone changed",
                (true, false) => "email changed",
                _ => "phone changed",
            })
            .record(app)
            .await;
    }
    Ok(updated)
}
