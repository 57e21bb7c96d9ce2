//! `/home`: where a completed login lands. Shows the session and logs out.

use crate::api;
use crate::app::{ADMIN, LOGIN, Nav, PROFILE};
use crate::components::{Busy, BusyButton, ProblemMessage};
use crate::language::lang;
use crate::text::{self, account as t};
use authlevel_core::api::{Role, SessionInfo};
use leptos::prelude::*;

/// The logged-in page.
#[component]
pub fn HomePage() -> impl IntoView {
    let busy = Busy::get();
    let lang = lang();
    let session = RwSignal::new(None::<SessionInfo>);
    let error = RwSignal::new(None::<String>);
    let signed_out = RwSignal::new(false);

    busy.run(
        api::session(),
        move |s| session.set(Some(s)),
        move |e| {
            if e.status() == Some(401) {
                signed_out.set(true);
            } else {
                error.set(Some(e.message(lang)));
            }
        },
    );

    let nav = Nav::get();
    let logout = move |_| {
        error.set(None);
        busy.run(
            api::logout(),
            move |()| nav.go(LOGIN),
            move |e| {
                // The session had already ended: the user is logged out.
                if e.status() == Some(401) {
                    nav.go(LOGIN);
                } else {
                    error.set(Some(e.message(lang)));
                }
            },
        );
    };

    view! {
        <div class="card">
            <ProblemMessage message=error />
            <Show when=move || signed_out.get()>
                <h1>{t::not_logged_in_title(lang)}</h1>
                <p>
                    <a href=LOGIN>{text::log_in(lang)}</a>
                </p>
            </Show>
            {move || {
                session
                    .get()
                    .map(|s| {
                        let methods = s
                            .methods
                            .iter()
                            .map(|m| m.label_in(lang))
                            .collect::<Vec<_>>()
                            .join(", ");
                        let admin = s.role == Role::Admin;
                        view! {
                            <h1>{t::logged_in_title(lang)}</h1>
                            <dl class="facts">
                                <dt>{t::fact_user(lang)}</dt>
                                <dd>{s.username.clone()}</dd>
                                <dt>{t::fact_directory(lang)}</dt>
                                <dd>{s.directory.clone()}</dd>
                                <dt>{t::fact_level(lang)}</dt>
                                <dd>{s.level}</dd>
                                <dt>{t::fact_methods(lang)}</dt>
                                <dd>{methods}</dd>
                                <dt>{t::fact_logged_in_at(lang)}</dt>
                                <dd>{super::local_time(lang, s.authenticated_at)}</dd>
                                <dt>{t::fact_session_ends(lang)}</dt>
                                <dd>{super::local_time(lang, s.expires_at)}</dd>
                            </dl>
                            <p>
                                <a href=PROFILE>{t::link_account(lang)}</a>
                            </p>
                            {admin
                                .then(|| {
                                    view! {
                                        <p>
                                            <a href=ADMIN>{t::link_directories(lang)}</a>
                                        </p>
                                    }
                                })}
                        }
                    })
            }}
            <Show when=move || session.with(Option::is_some)>
                <BusyButton class="secondary" on_click=logout>{t::log_out(lang)}</BusyButton>
            </Show>
        </div>
    }
}
