//! The Activity tab of a directory: its newest audit events (logins,
//! failures, changes by administrators), with user names in place of ids
//! and the time in the browser's own zone.

use crate::api;
use crate::components::{Busy, BusyButton, Feedback, FeedbackView};
use authlevel_core::AuditKind;
use authlevel_core::api::AuditEvent;
use leptos::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// How many events the page shows.
const SHOWN: u32 = 50;

/// What an event kind means, in words. Exhaustive: a new kind needs words.
fn describe(kind: AuditKind) -> &'static str {
    match kind {
        AuditKind::LoginComplete => "logged in",
        AuditKind::LoginPassword => "password step",
        AuditKind::LoginPasskey => "passkey step",
        AuditKind::LoginRecovery => "recovery code step",
        AuditKind::LoginSms => "SMS code step",
        AuditKind::LoginEmail => "email code step",
        AuditKind::LoginTotp => "authenticator app step",
        AuditKind::Logout => "logged out",
        AuditKind::CodeSend => "code sent",
        AuditKind::CodeQuota => "code quota reached",
        AuditKind::PolicyUpdate => "policy changed",
        AuditKind::UserCreate => "user created",
        AuditKind::UsersImport => "users imported",
        AuditKind::UsersBulk => "action on many users",
        AuditKind::DirectoryRename => "directory renamed",
        AuditKind::UserUpdate => "user changed",
        AuditKind::UserDelete => "user deleted",
        AuditKind::UserUnlock => "user unlocked",
        AuditKind::UserEndSessions => "sessions ended",
        AuditKind::PasskeyAdd => "passkey added",
        AuditKind::PasskeyRemove => "passkey removed",
        AuditKind::PasswordSet => "password set",
        AuditKind::TotpAdd | AuditKind::TotpConfirm => "authenticator app set up",
        AuditKind::RecoveryGenerate => "recovery codes made",
        AuditKind::RecoveryRevoke => "recovery codes revoked",
        AuditKind::TotpRemove => "authenticator app removed",
        AuditKind::PhoneConfirm => "phone number confirmed",
        AuditKind::EmailConfirm => "email address confirmed",
        AuditKind::PhoneRemove => "mobile number removed",
        AuditKind::EmailRemove => "email address removed",
        AuditKind::SessionEnd => "session ended by the user",
        AuditKind::ProfileContact => "contact details changed",
        AuditKind::SetupOpen => "setup link opened",
        AuditKind::UserSetupLink => "setup link issued",
        AuditKind::DirectoryCreate => "directory created",
        AuditKind::Bootstrap => "first start",
        AuditKind::OidcAuthorize => "application asked for a login",
        AuditKind::OidcToken => "application got tokens",
        AuditKind::OidcClientAuth => "application authentication",
        AuditKind::OidcRevoke => "token revoked",
        AuditKind::OidcRotateKeys => "signing keys rotated",
        AuditKind::ClientCreate => "application registered",
        AuditKind::ClientDelete => "application removed",
    }
}

/// The newest events of `directory_id`.
#[component]
pub fn AuditLog(#[prop(into)] directory_id: String) -> impl IntoView {
    let busy = Busy::get();
    let feedback = Feedback::new();
    let events = RwSignal::new(Vec::<AuditEvent>::new());
    let names = RwSignal::new(HashMap::<String, String>::new());
    let dir = StoredValue::new(directory_id);
    let load = move || {
        let dir = dir.get_value();
        busy.spawn(async move {
            let list = match api::audit(dir, SHOWN).await {
                Ok(list) => list,
                Err(e) => return feedback.fail(e),
            };
            // The names of the users the events name (a directory may have
            // many more), each asked for once.
            let mut known = names.get_untracked();
            let ids: BTreeSet<String> = list
                .iter()
                .flat_map(|e| [e.user_id.clone(), e.actor_id.clone()])
                .flatten()
                .filter(|id| !known.contains_key(id))
                .collect();
            for id in ids {
                // A deleted user stays unnamed.
                if let Ok(u) = api::user(id).await {
                    known.insert(u.id, u.username);
                }
            }
            names.set(known);
            events.set(list);
        });
    };
    load();
    let name = move |id: &Option<String>| {
        id.as_ref().map(|id| {
            names.with(|n| {
                n.get(id)
                    .cloned()
                    .unwrap_or_else(|| "a deleted user".into())
            })
        })
    };
    view! {
        <h2 id="activity">"Recent activity"</h2>
        <FeedbackView feedback />
        <BusyButton class="secondary" on_click=move |_| load()>"Refresh"</BusyButton>
        <ul class="audit-list">
            {move || {
                events
                    .get()
                    .into_iter()
                    .map(|e| {
                        let failed = e.outcome != "success";
                        let who = name(&e.user_id);
                        let by = name(&e.actor_id).map(|a| format!("by {a}"));
                        let line = [
                            Some(describe(e.kind).to_owned()),
                            failed.then(|| "failed".to_owned()),
                            who,
                            by,
                            e.detail.clone(),
                            e.ip.clone().map(|ip| format!("from {ip}")),
                        ]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" · ");
                        view! {
                            <li class:failed=failed data-kind=e.kind.as_str()>
                                <time>{super::local_time(e.at)}</time>
                                " "
                                {line}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::describe;
    use authlevel_core::AuditKind;

    #[test]
    fn every_kind_reads_as_words() {
        assert_eq!(describe(AuditKind::LoginComplete), "logged in");
        assert_eq!(describe(AuditKind::PhoneConfirm), "phone number confirmed");
        for kind in AuditKind::ALL {
            assert!(!describe(kind).contains('.'), "{kind}");
        }
    }
}
