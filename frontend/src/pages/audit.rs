//! The Activity tab of a directory: its newest audit events (logins,
//! failures, changes by administrators), with user names in place of ids
//! and the time in the browser's own zone.

use crate::api;
use crate::components::{Busy, BusyButton, Feedback, FeedbackView};
use crate::text::admin::{self as t, audit_kind};
use authlevel_core::api::AuditEvent;
use leptos::prelude::*;
use std::collections::{BTreeSet, HashMap};

/// How many events the page shows.
const SHOWN: u32 = 50;

/// The newest events of `directory_id`.
#[component]
pub fn AuditLog(#[prop(into)] directory_id: String) -> impl IntoView {
    let busy = Busy::get();
    let feedback = Feedback::new();
    let lang = feedback.lang;
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
        id.as_ref()
            .map(|id| names.with(|n| n.get(id).cloned().unwrap_or_else(|| t::deleted_user(lang))))
    };
    view! {
        <h2 id="activity">{t::recent_activity(lang)}</h2>
        <FeedbackView feedback />
        <BusyButton class="secondary" on_click=move |_| load()>{t::refresh(lang)}</BusyButton>
        <ul class="audit-list">
            {move || {
                events
                    .get()
                    .into_iter()
                    .map(|e| {
                        let failed = e.outcome != "success";
                        let who = name(&e.user_id);
                        let by = name(&e.actor_id).map(|a| t::by(lang, &a));
                        let line = [
                            Some(audit_kind(lang, e.kind)),
                            failed.then(|| t::failed(lang)),
                            who,
                            by,
                            e.detail.clone(),
                            e.ip.as_deref().map(|ip| t::from_ip(lang, ip)),
                        ]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" · ");
                        view! {
                            <li class:failed=failed data-kind=e.kind.as_str()>
                                <time>{super::local_time(lang, e.at)}</time>
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
