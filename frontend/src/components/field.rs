//! The pieces of forms: a labelled, required text input; a labelled
//! checkbox; a button that shows and hides a form.

use leptos::prelude::*;

/// What a password manager fills in a field; its type, `autocomplete` and
/// `name` (the id) follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Autofill {
    /// The username of a login, or a passkey (`webauthn`: the browser offers
    /// the passkeys it has in the field); taken as typed (`verbatim`).
    Username,
    /// The password of a login.
    CurrentPassword,
    /// A password being chosen.
    NewPassword,
}

impl Autofill {
    /// The input's `type`.
    fn kind(self) -> &'static str {
        match self {
            Autofill::Username => "text",
            Autofill::CurrentPassword | Autofill::NewPassword => "password",
        }
    }

    /// The input's `autocomplete`.
    fn token(self) -> &'static str {
        match self {
            Autofill::Username => "username webauthn",
            Autofill::CurrentPassword => "current-password",
            Autofill::NewPassword => "new-password",
        }
    }
}

/// `<label for=id>` with `label`, then a required `<input id=id>` holding
/// `value`. The rest are the input's attributes, each left out when not
/// given.
#[component]
pub fn Field(
    /// The input's id, which the label points at.
    id: &'static str,
    /// The label's words.
    label: String,
    /// What the input holds.
    value: RwSignal<String>,
    /// Instead of storing a typed value in `value`, hands it here.
    #[prop(optional, into)]
    on_input: Option<Callback<String>>,
    /// Filled by password managers (else a plain text field).
    #[prop(optional)]
    fill: Option<Autofill>,
    /// Taken as typed: no capital first letter, no spelling check (usernames,
    /// slugs).
    #[prop(optional)]
    verbatim: bool,
    #[prop(optional)] minlength: Option<u32>,
    #[prop(optional)] maxlength: Option<u32>,
    #[prop(optional)] pattern: Option<&'static str>,
    /// The id of the hint that describes the input.
    #[prop(optional)]
    described_by: Option<&'static str>,
) -> impl IntoView {
    let verbatim = verbatim || fill == Some(Autofill::Username);
    let input = move |ev| {
        let typed = event_target_value(&ev);
        match on_input {
            Some(f) => f.run(typed),
            None => value.set(typed),
        }
    };
    view! {
        <label for=id>{label}</label>
        <input
            id=id
            name=fill.map(|_| id)
            type=fill.map_or("text", Autofill::kind)
            autocomplete=fill.map(Autofill::token)
            autocapitalize=verbatim.then_some("none")
            spellcheck=verbatim.then_some("false")
            minlength=minlength
            maxlength=maxlength
            pattern=pattern
            required
            aria-describedby=described_by
            prop:value=move || value.get()
            on:input=input
        />
    }
}

/// A checkbox inside its `label`, ticked while `checked` holds.
#[component]
pub fn Check(label: String, checked: RwSignal<bool>) -> impl IntoView {
    view! {
        <label class="check">
            <input type="checkbox" bind:checked=checked />
            {label}
        </label>
    }
}

/// A secondary button that shows or hides what `open` controls
/// (`aria-expanded`).
#[component]
pub fn ToggleButton(open: RwSignal<bool>, children: Children) -> impl IntoView {
    view! {
        <button
            type="button"
            class="secondary"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| open.update(|o| *o = !*o)
        >
            {children()}
        </button>
    }
}
