//! The approval app's section: pairing a phone (a one-time link and its QR
//! code, which the phone opens in the app) and the phones paired, to remove.

use super::Section;
use crate::api::{ApiResult, Empty, POST, delete, get, send};
use crate::components::{BusyButton, Feedback, list_or_hint};
use crate::text::{self, account as t};
use authlevel_core::Method;
use authlevel_core::api::{AppDevice, AppPairLink, paths};
use leptos::prelude::*;
use std::time::Duration;

/// The section.
pub fn section(s: Section) -> AnyView {
    let (lang, feedback, on_done) = (s.lang, s.feedback, s.on_done);
    s.frame(Method::App, Method::App.label_in(lang), true, move || {
        view! { <AppPhones feedback on_done /> }.into_any()
    })
}

/// The paired phones, and pairing another: while its link is shown, the
/// list is looked at every 3 seconds, and the new phone ends the link.
#[component]
fn AppPhones(feedback: Feedback, on_done: Callback<()>) -> impl IntoView {
    let lang = feedback.lang;
    let phones = RwSignal::new(Vec::<AppDevice>::new());
    let link = RwSignal::new(None::<AppPairLink>);
    let load = move || {
        feedback.run(app_devices(), move |list: Vec<AppDevice>| {
            let added = list.len() > phones.with_untracked(Vec::len);
            phones.set(list);
            if added && link.get_untracked().is_some() {
                link.set(None);
                feedback.ok(t::app_paired(lang));
                on_done.try_run(());
            }
        });
    };
    load();
    let tick = set_interval_with_handle(
        move || {
            if link.with_untracked(Option::is_some) {
                load();
            }
        },
        Duration::from_secs(3),
    )
    .ok();
    on_cleanup(move || {
        if let Some(t) = tick {
            t.clear();
        }
    });
    let pair = move |_| {
        feedback.clear();
        feedback.run(app_pair(), move |l| link.set(Some(l)));
    };
    let row = move |d: AppDevice| {
        let id = StoredValue::new(d.id.clone());
        let remove = move |_| {
            feedback.act(app_remove(id.get_value()), t::app_removed, move || {
                load();
                on_done.try_run(());
            });
        };
        let push = (!d.push).then(|| view! { <span class="hint">{t::app_no_push(lang)}</span> });
        view! {
            <li>
                <strong>{d.name}</strong> " " {push}
                <BusyButton class="secondary danger" on_click=remove>{text::remove(lang)}</BusyButton>
            </li>
        }
    };
    view! {
        {move || list_or_hint(phones.get(), "passkeys", t::app_none(lang), row)}
        {move || match link.get() {
            None => {
                view! { <BusyButton class="secondary" on_click=pair>{t::app_pair(lang)}</BusyButton> }
                    .into_any()
            }
            Some(l) => {
                view! {
                    <p>{t::app_scan(lang)}</p>
                    // The server's SVG: a QR code of the pairing link, no scripts.
                    <div class="qr" role="img" aria-label=t::app_qr(lang) inner_html=l.qr_svg></div>
                    <p><a href=l.pair_url id="app-pair-link">{t::app_open_link(lang)}</a></p>
                }
                    .into_any()
            }
        }}
    }
}

// Its routes, as the section calls them.

/// `POST /api/me/app/pair`: a one-time pairing link and its QR code.
async fn app_pair() -> ApiResult<AppPairLink> {
    send(POST, paths::ME_APP_PAIR, &Empty {}).await
}

/// `GET /api/me/app/devices`: the own paired phones.
async fn app_devices() -> ApiResult<Vec<AppDevice>> {
    get(paths::ME_APP_DEVICES).await
}

/// `DELETE /api/me/app/devices/{id}`: removes a paired phone.
async fn app_remove(id: String) -> ApiResult<()> {
    delete(&paths::me_app_device(&id)).await
}
