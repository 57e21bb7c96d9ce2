//! Notices about account changes, sent by a channel other than the one
//! that changed: when a method is added or removed, the user hears of it by
//! email (or, without one, by SMS), so a stranger who got in cannot quietly
//! add their own way in. Best effort: a failed notice is logged, the change
//! stands.

use crate::state::AppState;
use crate::store::UserRow;

/// Tells `user` that `what` happened ("A passkey was added").
pub async fn account_changed(app: &AppState, user: &UserRow, what: &str) {
    let Ok(Some(dir)) = app.store.directory(&user.directory_id).await else {
        return;
    };
    let text = format!(
        "{what} on your {} account ({}). If this was not you, sign in and remove it, or tell your administrator at once.",
        dir.name, user.username
    );
    let sent = if let Some(email) = &user.email {
        let name = Some(user.display_name.as_str()).filter(|n| !n.is_empty());
        app.delivery.email.send(name, email, &text).await
    } else if let Some(phone) = &user.phone {
        app.delivery.sms.send(phone, &text).await
    } else {
        return;
    };
    if let Err(e) = sent {
        tracing::warn!(error = %e, user = %user.id, "account notice not delivered");
    }
}
