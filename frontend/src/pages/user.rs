//! One user of a directory's Users tab: their row (contact details, role
//! and status, a new setup link, lifting a lockout, ending every session,
//! revoking recovery codes), a setup link shown once, and adding a user.

use super::users::given;
use crate::api;
use crate::components::{BusyButton, Check, Feedback, Field, ToggleButton};
use crate::text::{self, admin as t};
use authlevel_core::api::{CreateUserRequest, Role, SetupLink, UpdateUserRequest, User};
use authlevel_core::{Channel, Method};
use leptos::prelude::*;
use std::collections::BTreeSet;

#[component]
pub(super) fn SetupLinkView(who: String, link: SetupLink) -> impl IntoView {
    let lang = crate::language::lang();
    let url = link.url.clone();
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let _ = window().navigator().clipboard().write_text(&url);
        copied.set(true);
    };
    view! {
        <div class="setup-link" role="status">
            <label for="setup-link">
                {t::setup_link_for(lang, &who)}
            </label>
            <div class="row">
                <input id="setup-link" type="text" readonly prop:value=link.url.clone() />
                <button type="button" class="secondary" on:click=copy>
                    {move || if copied.get() { t::copied_button(lang) } else { text::copy(lang) }}
                </button>
            </div>
        </div>
    }
}

#[component]
pub(super) fn UserRow(
    user: User,
    needs_sms: Memo<bool>,
    selected: RwSignal<BTreeSet<String>>,
    link: RwSignal<Option<(String, SetupLink)>>,
    feedback: Feedback,
    on_change: Callback<()>,
) -> impl IntoView {
    let lang = feedback.lang;
    let editing = RwSignal::new(false);
    let email = RwSignal::new(user.email.clone().unwrap_or_default());
    let phone = RwSignal::new(user.phone.clone().unwrap_or_default());
    let admin = RwSignal::new(user.role == Role::Admin);
    let disabled = RwSignal::new(user.disabled);
    let id = StoredValue::new(user.id.clone());
    let name = StoredValue::new(user.username.clone());
    let no_phone = user.phone.is_none();

    let save = feedback.on_submit(move || {
        let req = UpdateUserRequest {
            email: Some(email.get_untracked().trim().to_owned()),
            phone: Some(phone.get_untracked().trim().to_owned()),
            role: Some(if admin.get_untracked() {
                Role::Admin
            } else {
                Role::User
            }),
            disabled: Some(disabled.get_untracked()),
            ..Default::default()
        };
        feedback.run(api::update_user(id.get_value(), req), move |u| {
            feedback.ok(t::user_saved(lang, &u.username));
            on_change.try_run(());
        });
    });
    // The name is read now: the row may be gone when the answer comes.
    let new_link = move |_| {
        feedback.clear();
        let name = name.get_value();
        feedback.run(api::new_setup_link(id.get_value()), move |l| {
            link.set(Some((name, l)));
        });
    };
    let unlock = move |_| {
        feedback.clear();
        let name = name.get_value();
        feedback.run(api::unlock_user(id.get_value()), move |()| {
            feedback.ok(t::user_unlocked(lang, &name));
        });
    };
    let end_sessions = move |_| {
        let name = name.get_value();
        let request = api::end_user_sessions(id.get_value());
        feedback.run_if_confirmed(&t::confirm_end_sessions(lang, &name), request, move |()| {
            feedback.ok(t::sessions_ended(lang, &name));
        });
    };
    let revoke_codes = move |_| {
        let name = name.get_value();
        let request = api::revoke_recovery_codes(id.get_value());
        feedback.run_if_confirmed(&t::confirm_revoke(lang, &name), request, move |()| {
            feedback.ok(t::revoked(lang, &name));
            on_change.try_run(());
        });
    };
    let recovery_codes = user.recovery_codes;
    let methods = user
        .enrolled
        .iter()
        .map(|m| match m {
            Method::Recovery => t::recovery_with_left(lang, recovery_codes),
            m => m.label_in(lang),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let shown_name = (user.display_name != user.username && !user.display_name.is_empty())
        .then(|| user.display_name.clone());
    let facts = [
        shown_name,
        user.email.clone(),
        user.phone.clone(),
        (user.role == Role::Admin).then(|| t::fact_administrator(lang)),
        user.disabled.then(|| t::fact_disabled(lang)),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let key = user.id.clone();
    let is_selected = move || id.with_value(|id| selected.with(|s| s.contains(id)));
    let toggle = move |ev| {
        let on = event_target_checked(&ev);
        let id = id.get_value();
        selected.update(|s| {
            if on {
                s.insert(id);
            } else {
                s.remove(&id);
            }
        });
    };
    view! {
        <li class="user" data-username=user.username.clone()>
            <div class="user-head">
                <input
                    type="checkbox"
                    class="select"
                    aria-label=t::select_user(lang, &user.username)
                    prop:checked=is_selected
                    on:change=toggle
                />
                <strong>{user.username.clone()}</strong>
                <span class="hint">{facts}</span>
                {move || {
                    (no_phone && needs_sms.get())
                        .then(|| {
                            view! {
                                <span class="flag" role="note">{t::flag_no_phone(lang)}</span>
                            }
                        })
                }}
            </div>
            <p class="hint">
                {if methods.is_empty() {
                    t::nothing_set_up(lang)
                } else {
                    t::set_up_list(lang, &methods)
                }}
            </p>
            <div class="actions">
                <ToggleButton open=editing>{t::edit(lang)}</ToggleButton>
                <BusyButton class="secondary" on_click=new_link>{t::new_setup_link(lang)}</BusyButton>
                <BusyButton class="secondary" on_click=unlock>{t::unlock(lang)}</BusyButton>
                <BusyButton class="secondary" on_click=end_sessions>{t::end_sessions(lang)}</BusyButton>
                {(recovery_codes > 0).then(|| view! {
                    <BusyButton class="secondary" on_click=revoke_codes>{t::revoke_codes(lang)}</BusyButton>
                })}
            </div>
            <Show when=move || editing.get()>
                <form class="user-edit" on:submit=save>
                    <label for=format!("email-{key}")>{Channel::Email.spec().label.in_lang(lang)}</label>
                    <input id=format!("email-{key}") type="email" bind:value=email />
                    <label for=format!("phone-{key}")>{Channel::Sms.spec().label.in_lang(lang)}</label>
                    <input id=format!("phone-{key}") type="tel" bind:value=phone />
                    <Check label=t::administrator(lang) checked=admin />
                    <Check label=t::disabled_check(lang) checked=disabled />
                    <BusyButton class="primary" submit=true>{text::save(lang)}</BusyButton>
                </form>
            </Show>
        </li>
    }
}

#[component]
pub(super) fn CreateUser(
    directory_id: String,
    link: RwSignal<Option<(String, SetupLink)>>,
    feedback: Feedback,
    on_change: Callback<()>,
) -> impl IntoView {
    let lang = feedback.lang;
    let username = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let admin = RwSignal::new(false);
    let dir = StoredValue::new(directory_id);
    let submit = feedback.on_submit(move || {
        let req = CreateUserRequest {
            username: username.get_untracked().trim().to_owned(),
            display_name: None,
            email: given(email.get_untracked()),
            phone: given(phone.get_untracked()),
            role: Some(if admin.get_untracked() {
                Role::Admin
            } else {
                Role::User
            }),
        };
        feedback.run(api::create_user(dir.get_value(), req), move |created| {
            link.set(Some((created.user.username, created.setup_link)));
            for field in [username, email, phone] {
                field.set(String::new());
            }
            admin.set(false);
            on_change.try_run(());
        });
    });
    view! {
        <h3>{t::add_user_title(lang)}</h3>
        <form class="user-create" on:submit=submit>
            <Field
                id="new-username"
                label=text::username(lang)
                verbatim=true
                maxlength=64
                value=username
            />
            <label for="new-email">{t::email_optional(lang)}</label>
            <input id="new-email" type="email" bind:value=email />
            <label for="new-phone">{t::phone_optional(lang)}</label>
            <input
                id="new-phone"
                type="tel"
                placeholder=Channel::Sms.spec().example.in_lang(lang)
                bind:value=phone
            />
            <Check label=t::administrator(lang) checked=admin />
            <BusyButton class="primary" submit=true>{t::add_user(lang)}</BusyButton>
        </form>
    }
}
