//! Notices about account changes, sent by a channel other than the one
//! that changed: when a method is added or removed, the user hears of it by
//! email (or, without one, by SMS), so a stranger who got in cannot quietly
//! add their own way in. Best effort: a failed notice is logged, the change
//! stands.

use crate::audit;
use crate::state::AppState;
use crate::store::UserRow;
use authlevel_core::{AuditKind, Lang, Method};

/// A notice's "what happened", written in the language given.
pub type What = fn(Lang) -> String;

/// Records a change of `user`'s `method` (`kind`, from `ip`) in the audit
/// log and, with `notice` (the method's words for what happened), tells
/// the user by another channel.
pub async fn method_changed(
    app: &AppState,
    user: &UserRow,
    kind: AuditKind,
    method: Method,
    ip: Option<&str>,
    notice: Option<What>,
) {
    audit::event(kind, true)
        .on_user(user)
        .method(method)
        .ip(ip)
        .record(app)
        .await;
    if let Some(what) = notice {
        account_changed(app, user, what, method).await;
    }
}

/// `user` added a device `method` (a passkey, an authenticator app):
/// audited, and told in the words `what`.
pub async fn added(app: &AppState, user: &UserRow, method: Method, ip: Option<&str>, what: What) {
    method_changed(app, user, AuditKind::Added(method), method, ip, Some(what)).await;
}

/// A device `method` of `user` was removed: audited, and told in the
/// words `what`.
pub async fn removed(app: &AppState, user: &UserRow, method: Method, ip: Option<&str>, what: What) {
    method_changed(
        app,
        user,
        AuditKind::Removed(method),
        method,
        ip,
        Some(what),
    )
    .await;
}

/// Tells `user` that guesses from browsers they never logged in from
/// (`attempts` in a row) locked their password, and how to log in all the
/// same (SECURITY 32): by email, or without one by SMS. Audited.
pub async fn locked_out(app: &AppState, user: &UserRow, attempts: i64) {
    audit::event(AuditKind::AccountLocked, true)
        .on_user(user)
        .method(Method::Password)
        .detail(format!(
            "{attempts} wrong passwords in a row; the user was told"
        ))
        .record(app)
        .await;
    let Ok(Some(dir)) = app.store.directory(&user.directory_id).await else {
        return;
    };
    let lang = crate::lang::for_user(user.language);
    let minutes = (app.config.lockout_s + 59) / 60;
    let text = crate::text::locked_notice(lang, &dir.name, &user.username, attempts, minutes);
    let sent = match (&user.email, &user.phone) {
        (Some(to), _) => {
            let name = Some(user.display_name.as_str()).filter(|n| !n.is_empty());
            let subject = crate::text::subject_locked(lang, &dir.name);
            app.delivery.email.send(name, to, &subject, &text).await
        }
        (None, Some(to)) => app.delivery.sms.send(to, &text).await,
        (None, None) => return,
    };
    if let Err(e) = sent {
        tracing::warn!(error = %e, user = %user.id, "lockout notice not delivered");
    }
}

/// Tells `user` (as they were before the change) that `what` happened
/// ("A passkey was added") to `changed`, in their language: by email, or by
/// SMS, preferring a channel other than the one that changed, so a new or
/// removed address is not the only one to hear of it.
pub async fn account_changed(app: &AppState, user: &UserRow, what: What, changed: Method) {
    let Ok(Some(dir)) = app.store.directory(&user.directory_id).await else {
        return;
    };
    let lang = crate::lang::for_user(user.language);
    let text = crate::text::notice(lang, what(lang), &dir.name, &user.username);
    let subject = crate::text::subject_notice(lang, &dir.name);
    tell(app, user, &subject, &text, changed).await;
}

/// Sends `user` the notice `text` (by email with `subject`, or by SMS),
/// preferring a channel other than `changed`. A failure is logged: the
/// change it tells of has happened.
pub async fn tell(app: &AppState, user: &UserRow, subject: &str, text: &str, changed: Method) {
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
        app.delivery.email.send(name, to, subject, text).await
    } else {
        app.delivery.sms.send(to, text).await
    };
    if let Err(e) = sent {
        tracing::warn!(error = %e, user = %user.id, "account notice not delivered");
    }
}
