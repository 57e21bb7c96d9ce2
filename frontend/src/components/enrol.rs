//! What the enrolment of several methods shares: a code field that confirms
//! something ([`ConfirmForm`]), and a contact point (a mobile number, an
//! email address) confirmed with a code sent to it ([`ContactEnrol`]), as
//! its channel describes it in `core`. Success is reported through
//! `on_done` (so the page refreshes what it shows), failures through a
//! [`Feedback`].

use super::code_entry::CodeForm;
use super::{BusyButton, Feedback};
use crate::api;
use crate::language::lang;
use crate::text::{self, account as t};
use authlevel_core::api::{CodeRequest, UpdateMeRequest};
use authlevel_core::{Channel, Method};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// A code to confirm something with: `on_code` gets the code, and the field
/// empties.
#[component]
pub fn ConfirmForm(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    on_code: Callback<String>,
) -> impl IntoView {
    let code = RwSignal::new(String::new());
    let on_submit = Callback::new(move |()| {
        on_code.run(code.get_untracked());
        code.set(String::new());
    });
    view! { <CodeForm id label button=t::confirm(lang()) code on_submit /> }
}

/// The contact point of a code `method` (one with a channel, which says
/// what the contact point is: [`Channel::spec`]): the new one gets a code
/// at once and counts once the code is confirmed. `current` is the
/// confirmed one, `pending` one waiting for its code.
#[component]
pub fn ContactEnrol(
    method: Method,
    #[prop(into)] current: Signal<Option<String>>,
    #[prop(into)] pending: Signal<Option<String>>,
    feedback: Feedback,
    on_done: Callback<()>,
) -> impl IntoView {
    let Some(channel) = method.spec().channel else {
        return ().into_any();
    };
    let contact = channel.spec();
    let lang = feedback.lang;
    let value = RwSignal::new(String::new());
    // The destination waiting for its code (the server's normalised form).
    let awaiting = RwSignal::new(pending.get_untracked());
    Effect::new(move || awaiting.set(pending.get()));
    let field = format!("contact-{}", method.as_str());
    let change = move |new: String| {
        feedback.clear();
        feedback.run(api::update_me(change_of(channel, new.clone())), move |me| {
            if new.is_empty() {
                feedback.ok(t::removed(lang));
                on_done.try_run(());
            }
            awaiting.set(match channel {
                Channel::Sms => me.pending_phone,
                Channel::Email => me.pending_email,
            });
            value.set(String::new());
        });
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        change(value.get_untracked());
    };
    let confirm = Callback::new(move |code: String| {
        feedback.clear();
        feedback.run(
            api::confirm_contact(method, CodeRequest { code }),
            move |()| {
                awaiting.set(None);
                feedback.ok(contact.confirmed.in_lang(lang).to_owned());
                on_done.try_run(());
            },
        );
    });
    let (label, new_label) = (contact.label.in_lang(lang), contact.new_label.in_lang(lang));
    let kind = contact.input;
    view! {
        {move || {
            current
                .get()
                .map(|c| {
                    view! {
                        <p>
                            {t::confirmed(lang)} " " <strong>{c}</strong> " "
                            <BusyButton class="link" on_click=move |_| change(String::new())>
                                {text::remove(lang)}
                            </BusyButton>
                        </p>
                    }
                })
        }}
        <form class="contact-form" on:submit=submit>
            <label for=field.clone()>
                {move || if current.with(Option::is_some) { new_label } else { label }}
            </label>
            <div class="row">
                <input
                    id=field.clone()
                    type=kind
                    autocomplete=kind
                    placeholder=contact.example.in_lang(lang)
                    required
                    bind:value=value
                />
                <BusyButton class="secondary" submit=true>{text::send_code(lang)}</BusyButton>
            </div>
        </form>
        {move || {
            awaiting
                .get()
                .map(|to| {
                    view! {
                        <ConfirmForm
                            id=format!("{field}-code")
                            label=text::code_sent_to(lang, &to)
                            on_code=confirm
                        />
                    }
                })
        }}
    }
    .into_any()
}

/// The profile change that sets the contact point of `channel` to `to`
/// (empty: removes it).
fn change_of(channel: Channel, to: String) -> UpdateMeRequest {
    let mut change = UpdateMeRequest::default();
    match channel {
        Channel::Sms => change.phone = Some(to),
        Channel::Email => change.email = Some(to),
    }
    change
}
