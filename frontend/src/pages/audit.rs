//! The recent activity of a directory on the admin page: its newest audit
//! events (logins, failures, changes by administrators), with user names
//! in place of ids and the time in the browser's own zone.

use crate::api;
use crate::components::{Busy, Feedback, FeedbackView};
use authlevel_core::api::AuditEvent;
use leptos::prelude::*;
use std::collections::HashMap;

/// How many events the page shows.
const SHOWN: u32 = 50;

/// What an event kind means, in words; the kind itself when unknown.
fn describe(kind: &str) -> String {
    let words = match kind {
        "login.complete" => "logged in",
        "login.password" => "password step",
        "login.passkey" => "passkey step",
        "login.sms" => "SMS code step",
        "login.email" => "email code step",
        "login.totp" => "authenticator app step",
        "logout" => "logged out",
        "code.send" => "code sent",
        "code.quota" => "code quota reached",
        "policy.update" => "policy changed",
        "user.create" => "user created",
        "user.update" => "user changed",
        "user.delete" => "user deleted",
        "user.unlock" => "user unlocked",
        "user.end_sessions" => "sessions ended",
        "passkey.add" => "passkey added",
        "passkey.remove" => "passkey removed",
        "password.set" => "password set",
        "totp.add" | "totp.confirm" => "authenticator app set up",
        "totp.remove" => "authenticator app removed",
        "profile.contact" => "contact details changed",
        "setup.open" => "setup link opened",
        "user.setup_link" => "setup link issued",
        "directory.create" => "directory created",
        "bootstrap" => "first start",
        "oidc.authorize" => "application asked for a login",
        "oidc.token" => "application got tokens",
        "oidc.client_auth" => "application authentication",
        "oidc.revoke" => "token revoked",
        "oidc.rotate_keys" => "signing keys rotated",
        "client.create" => "application registered",
        "client.delete" => "application removed",
        other => other,
    };
    words.to_owned()
}

/// `at` (Unix seconds) in the browser's locale and time zone.
fn when(at: i64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let ms = (at as f64) * 1000.0;
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms))
        .to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED)
        .into()
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
            match api::audit(&dir, SHOWN).await {
                Ok(list) => events.set(list),
                Err(e) => feedback.fail(e),
            }
            if let Ok(users) = api::users(&dir).await {
                names.set(users.into_iter().map(|u| (u.id, u.username)).collect());
            }
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
        <button type="button" class="secondary" disabled=move || busy.active() on:click=move |_| load()>
            "Refresh"
        </button>
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
                            Some(describe(&e.kind)),
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
                            <li class:failed=failed data-kind=e.kind.clone()>
                                <time>{when(e.at)}</time>
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

    #[test]
    fn kinds_read_as_words_and_unknown_ones_as_they_are() {
        assert_eq!(describe("login.complete"), "logged in");
        assert_eq!(describe("something.new"), "something.new");
    }
}
