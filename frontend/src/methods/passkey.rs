//! The passkey's section: adding one on this device, and on the profile the
//! list of them, to rename or remove.

use super::{Place, Section};
use crate::api::{ApiResult, PATCH, delete, encode, exchange, get};
use crate::components::{BusyButton, Feedback};
use crate::text::{self, account as t};
use crate::webauthn;
use authlevel_core::Method;
use authlevel_core::api::{PasskeyInfo, RenamePasskeyRequest, paths};
use leptos::prelude::*;

/// The section.
pub fn section(s: Section) -> AnyView {
    let (lang, feedback, on_done) = (s.lang, s.feedback, s.on_done);
    match s.place {
        Place::Setup => s.frame(
            Method::Passkey,
            Method::Passkey.label_in(lang),
            true,
            move || view! { <PasskeyEnrol feedback on_done /> }.into_any(),
        ),
        Place::Profile => {
            // The list is this section's own: it loads it, and again after
            // each change.
            let passkeys = RwSignal::new(Vec::<PasskeyInfo>::new());
            let load = Callback::new(move |()| {
                feedback.run(own_passkeys(), move |list| passkeys.set(list));
            });
            load.run(());
            let changed = Callback::new(move |()| {
                load.run(());
                on_done.run(());
            });
            s.frame(Method::Passkey, t::passkeys(lang), false, move || {
                view! {
                    <PasskeyList passkeys feedback on_change=changed />
                    <PasskeyEnrol feedback on_done=changed />
                }
                .into_any()
            })
        }
    }
}

/// Adds a passkey on this device, under a name the person chooses.
#[component]
pub fn PasskeyEnrol(feedback: Feedback, on_done: Callback<()>) -> impl IntoView {
    let lang = feedback.lang;
    let name = RwSignal::new(t::passkey_default_name(lang));
    let supported = webauthn::supported();
    let submit = feedback.on_submit(move || {
        // `None`: the ceremony was ended on purpose; nothing to say.
        feedback.run(webauthn::register(name.get_untracked()), move |added| {
            if let Some(p) = added {
                feedback.ok(t::passkey_added(lang, &p.name));
                name.set(t::passkey_default_name(lang));
                on_done.try_run(());
            }
        });
    });
    view! {
        <form class="passkey-form" on:submit=submit>
            <label for="passkey-name">{t::passkey_name(lang)}</label>
            <div class="row">
                <input id="passkey-name" type="text" maxlength="64" required bind:value=name />
                <BusyButton class="secondary" submit=true disabled=!supported>
                    {t::add_passkey(lang)}
                </BusyButton>
            </div>
            {(!supported).then(|| view! { <p class="hint">{text::passkeys_unsupported(lang)}</p> })}
        </form>
    }
}

/// The passkeys, each renamed or removed in place.
#[component]
fn PasskeyList(
    passkeys: RwSignal<Vec<PasskeyInfo>>,
    feedback: Feedback,
    on_change: Callback<()>,
) -> impl IntoView {
    let lang = feedback.lang;
    let row = move |p: PasskeyInfo| {
        let name = RwSignal::new(p.name.clone());
        let id = StoredValue::new(p.id.clone());
        let field = format!("passkey-{}", p.id);
        let rename = feedback.on_submit(move || {
            let req = RenamePasskeyRequest {
                name: name.get_untracked(),
            };
            feedback.run(rename_passkey(id.get_value(), req), move |()| {
                feedback.ok(t::renamed(lang));
                on_change.try_run(());
            });
        });
        let remove = move |_| {
            feedback.clear();
            feedback.run(delete_passkey(id.get_value()), move |()| {
                feedback.ok(t::passkey_removed(lang));
                on_change.try_run(());
            });
        };
        let label = t::passkey_name_of(lang, &p.name);
        view! {
            <li>
                <form class="row" on:submit=rename>
                    <label class="visually-hidden" for=field.clone()>{label}</label>
                    <input id=field type="text" maxlength="64" required bind:value=name />
                    <BusyButton class="secondary" submit=true>{text::rename(lang)}</BusyButton>
                    <BusyButton class="secondary danger" on_click=remove>{text::remove(lang)}</BusyButton>
                </form>
            </li>
        }
    };
    view! {
        {move || {
            let list = passkeys.get();
            if list.is_empty() {
                view! { <p>{t::no_passkeys(lang)}</p> }.into_any()
            } else {
                view! { <ul class="passkeys">{list.into_iter().map(row).collect_view()}</ul> }
                    .into_any()
            }
        }}
    }
}

// Its routes, as the section calls them.

/// `GET /api/me/passkeys`: the own passkeys.
async fn own_passkeys() -> ApiResult<Vec<PasskeyInfo>> {
    get(paths::ME_PASSKEYS).await
}

/// `PATCH /api/me/passkeys/{id}`: renames a passkey.
async fn rename_passkey(id: String, req: RenamePasskeyRequest) -> ApiResult<()> {
    let body = Some(encode(&req)?);
    exchange(PATCH, &paths::me_passkey(&id), body)
        .await
        .map(drop)
}

/// `DELETE /api/me/passkeys/{id}`: removes a passkey.
async fn delete_passkey(id: String) -> ApiResult<()> {
    delete(&paths::me_passkey(&id)).await
}
