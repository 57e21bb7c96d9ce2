//! Notices about account changes, sent by a channel other than the one
//! that changed: when a method is added or removed, the user hears of it by
//! email (or, without one, by SMS), so a stranger who got in cannot quietly
//! add their own way in. Best effort: a failed notice is logged, the change
//! stands.

use crate::audit;
use crate::state::AppState;
use crate::store::UserRow;
use authlevel_core::{AuditKind, Method};

/// What the notice of a change says; `None` for kinds that are no change
/// of a user's methods or contact points.
fn what(kind: AuditKind) -> Option<&'static str> {
    Some(match kind {
        AuditKind::PasswordSet => "The password was changed",
        AuditKind::PasskeyAdd => "A passkey was added",
        AuditKind::PasskeyRemove => "A passkey was removed",
        AuditKind::TotpAdd => "An authenticator app was added",
        AuditKind::TotpRemove => "The authenticator app was removed",
        AuditKind::PhoneConfirm => "A new mobile number was confirmed",
        AuditKind::EmailConfirm => "A new email address was confirmed",
        AuditKind::PhoneRemove => "The mobile number was removed",
        AuditKind::RecoveryGenerate => {
            "New recovery codes were made; the earlier ones no longer work"
        }
        AuditKind::RecoveryRevoke => "Your recovery codes were revoked by an administrator",
        AuditKind::LoginRecovery => "A recovery code was used to log in",
        AuditKind::EmailRemove => "The email address was removed",
        _ => return None,
    })
}

/// Records a change of `user`'s `method` (`kind`, from `ip`) in the audit
/// log, and when `tell` tells the user by another channel.
pub async fn method_changed(
    app: &AppState,
    user: &UserRow,
    kind: AuditKind,
    method: Method,
    ip: Option<&str>,
    tell: bool,
) {
    audit::event(kind, true)
        .on_user(user)
        .method(method)
        .ip(ip)
        .record(app)
        .await;
    if let (true, Some(what)) = (tell, what(kind)) {
        account_changed(app, user, what, method).await;
    }
}

/// Tells `user` (as they were before the change) that `what` happened
/// ("A passkey was added") to `changed`: by email, or by SMS, preferring a
/// channel other than the one that changed, so a new or removed address
/// is not the only one to hear of it.
pub async fn account_changed(app: &AppState, user: &UserRow, what: &str, changed: Method) {
    let Ok(Some(dir)) = app.store.directory(&user.directory_id).await else {
        return;
    };
    let text = format!(
        "{what} on your {} account ({}). If this was not you, sign in and remove it, or tell your administrator at once.",
        dir.name, user.username
    );
    let email = user.email.as_deref().map(|e| (Method::Email, e));
    let phone = user.phone.as_deref().map(|p| (Method::Sms, p));
    let order = if changed == Method::Email {
        [phone, email]
    } else {
        [email, phone]
    };
    let Some((channel, to)) = order.into_iter().flatten().next() else {
        return;
    };
    let sent = if channel == Method::Email {
        let name = Some(user.display_name.as_str()).filter(|n| !n.is_empty());
        app.delivery.email.send(name, to, &text).await
    } else {
        app.delivery.sms.send(to, &text).await
    };
    if let Err(e) = sent {
        tracing::warn!(error = %e, user = %user.id, "account notice not delivered");
    }
}
