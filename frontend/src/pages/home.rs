//! `/home`: where a completed login lands. Shows the session and logs out.

use crate::api;
use crate::app::{ADMIN, LOGIN, Nav, PROFILE};
use crate::components::{Busy, BusyButton, ProblemMessage};
use authlevel_core::api::{Role, SessionInfo};
use leptos::prelude::*;

/// The logged-in page.
#[component]
pub fn HomePage() -> impl IntoView {
    let busy = Busy::get();
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
                error.set(Some(e.message()));
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
                    error.set(Some(e.message()));
                }
            },
        );
    };

    view! {
        <div class="card">
            <ProblemMessage message=error />
            <Show when=move || signed_out.get()>
                <h1>"You are not logged in"</h1>
                <p>
                    <a href=LOGIN>"Log in"</a>
                </p>
            </Show>
            {move || {
                session
                    .get()
                    .map(|s| {
                        let methods = s
                            .methods
                            .iter()
                            .map(|m| m.label())
                            .collect::<Vec<_>>()
                            .join(", ");
                        let admin = s.role == Role::Admin;
                        view! {
                            <h1>"You are logged in"</h1>
                            <dl class="facts">
                                <dt>"User"</dt>
                                <dd>{s.username.clone()}</dd>
                                <dt>"Directory"</dt>
                                <dd>{s.directory.clone()}</dd>
                                <dt>"Level reached"</dt>
                                <dd>{s.level}</dd>
                                <dt>"Methods used"</dt>
                                <dd>{methods}</dd>
                                <dt>"Logged in at"</dt>
                                <dd>{super::local_time(s.authenticated_at)}</dd>
                                <dt>"Session ends at the latest"</dt>
                                <dd>{super::local_time(s.expires_at)}</dd>
                            </dl>
                            <p>
                                <a href=PROFILE>"Your account: name, contact, password, passkeys"</a>
                            </p>
                            {admin
                                .then(|| {
                                    view! {
                                        <p>
                                            <a href=ADMIN>"Directories: authentication policy, users, applications"</a>
                                        </p>
                                    }
                                })}
                        }
                    })
            }}
            <Show when=move || session.with(Option::is_some)>
                <BusyButton class="secondary" on_click=logout>"Log out"</BusyButton>
            </Show>
        </div>
    }
}
