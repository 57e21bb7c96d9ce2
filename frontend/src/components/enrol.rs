//! Enrolment of methods, shared by the setup-link page and the profile: an
//! authenticator app, a mobile number or email address confirmed with a
//! code, a passkey. Each reports success through `on_done` (so the page
//! refreshes what it shows) and failures through a [`Feedback`].

use super::code_entry::CodeForm;
use super::{Autofill, BusyButton, Feedback, Field};
use crate::api;
use crate::language::lang;
use crate::text::{self, account as t};
use crate::webauthn;
use authlevel_core::api::{ChangePasswordRequest, CodeRequest, UpdateMeRequest};
use authlevel_core::{Lang, Method};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// A code to confirm something with: `on_code` gets the code, and the field
/// empties.
#[component]
fn ConfirmForm(
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

/// Sets up an authenticator app: the QR code and the secret, then a code
/// from the app confirms it.
#[component]
pub fn TotpEnrol(feedback: Feedback, on_done: Callback<()>) -> impl IntoView {
    let lang = feedback.lang;
    let secret = RwSignal::new(None::<(String, String)>);
    let start = move |_| {
        feedback.clear();
        feedback.run(api::totp_setup(), move |r| {
            secret.set(Some((r.secret, r.qr_svg)));
        });
    };
    let confirm = Callback::new(move |code: String| {
        feedback.clear();
        feedback.run(api::totp_confirm(CodeRequest { code }), move |()| {
            secret.set(None);
            feedback.ok(t::totp_done(lang));
            on_done.try_run(());
        });
    });
    view! {
        {move || match secret.get() {
            None => {
                view! {
                    <BusyButton class="secondary" on_click=start>
                        {t::totp_start(lang)}
                    </BusyButton>
                }
                    .into_any()
            }
            Some((text, svg)) => {
                view! {
                    <p>{t::totp_scan(lang)}</p>
                    // The server's SVG: a QR code of the otpauth:// URI, no scripts.
                    <div class="qr" role="img" aria-label=t::totp_qr(lang) inner_html=svg></div>
                    <p>{t::totp_key(lang)} " " <code class="secret">{text}</code></p>
                    <ConfirmForm id="totp-confirm" label=text::code_from_app(lang) on_code=confirm />
                }
                    .into_any()
            }
        }}
    }
}

/// A mobile number (`Method::Sms`) or email address (`Method::Email`):
/// the new one gets a code at once and counts once the code is confirmed.
/// `current` is the confirmed one, `pending` one waiting for its code.
#[component]
pub fn ContactEnrol(
    method: Method,
    #[prop(into)] current: Signal<Option<String>>,
    #[prop(into)] pending: Signal<Option<String>>,
    feedback: Feedback,
    on_done: Callback<()>,
) -> impl IntoView {
    let phone = method == Method::Sms;
    let lang = feedback.lang;
    let value = RwSignal::new(String::new());
    // The destination waiting for its code (the server's normalised form).
    let awaiting = RwSignal::new(pending.get_untracked());
    Effect::new(move || awaiting.set(pending.get()));
    let field = format!("contact-{}", method.as_str());
    let change = move |new: String| {
        feedback.clear();
        let req = if phone {
            UpdateMeRequest {
                phone: Some(new.clone()),
                ..Default::default()
            }
        } else {
            UpdateMeRequest {
                email: Some(new.clone()),
                ..Default::default()
            }
        };
        feedback.run(api::update_me(req), move |me| {
            let p = if phone {
                me.pending_phone
            } else {
                me.pending_email
            };
            if new.is_empty() {
                feedback.ok(t::removed(lang));
                on_done.try_run(());
            }
            awaiting.set(p);
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
                feedback.ok(if phone {
                    t::phone_confirmed(lang)
                } else {
                    t::email_confirmed(lang)
                });
                on_done.try_run(());
            },
        );
    });
    type Words = fn(Lang) -> String;
    let (label, new_label, example, kind): (Words, Words, Words, _) = if phone {
        (
            text::mobile_number,
            t::new_mobile_number,
            t::phone_example,
            "tel",
        )
    } else {
        (
            text::email_address,
            t::new_email_address,
            t::email_example,
            "email",
        )
    };
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
                {move || if current.with(Option::is_some) { new_label(lang) } else { label(lang) }}
            </label>
            <div class="row">
                <input
                    id=field.clone()
                    type=kind
                    autocomplete=kind
                    placeholder=example(lang)
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
}

/// Adds a passkey on this device, under a name the person chooses.
#[component]
pub fn PasskeyEnrol(feedback: Feedback, on_done: Callback<()>) -> impl IntoView {
    let lang = feedback.lang;
    let name = RwSignal::new(t::passkey_default_name(lang));
    let supported = webauthn::supported();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        feedback.clear();
        // `None`: the ceremony was ended on purpose; nothing to say.
        feedback.run(webauthn::register(name.get_untracked()), move |added| {
            if let Some(p) = added {
                feedback.ok(t::passkey_added(lang, &p.name));
                name.set(t::passkey_default_name(lang));
                on_done.try_run(());
            }
        });
    };
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

/// Choosing a password, typed twice: on a setup link (`button` "Set
/// password") and on the profile ("Change password"). `done` is said on
/// success, then `on_done` runs.
#[component]
pub fn NewPasswordForm(
    feedback: Feedback,
    button: fn(Lang) -> String,
    done: fn(Lang) -> String,
    /// Whether the button is the page's main action.
    #[prop(optional)]
    primary: bool,
    #[prop(optional)] on_done: Option<Callback<()>>,
) -> impl IntoView {
    let lang = feedback.lang;
    let password = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        feedback.clear();
        if password.get_untracked() != confirm.get_untracked() {
            feedback.refuse(t::passwords_differ);
            return;
        }
        let req = ChangePasswordRequest {
            new_password: password.get_untracked(),
        };
        feedback.run(api::change_password(req), move |()| {
            password.set(String::new());
            confirm.set(String::new());
            feedback.ok(done(lang));
            if let Some(f) = on_done {
                f.try_run(());
            }
        });
    };
    view! {
        <form class="password-form" on:submit=submit>
            <Field
                id="new-password"
                label=t::new_password(lang)
                fill=Autofill::NewPassword
                minlength=8
                maxlength=256
                described_by="password-rules"
                value=password
            />
            <p id="password-rules" class="hint">{t::password_rules(lang)}</p>
            <Field
                id="confirm-password"
                label=t::type_again(lang)
                fill=Autofill::NewPassword
                value=confirm
            />
            <BusyButton class=if primary { "primary" } else { "secondary" } submit=true>
                {button(lang)}
            </BusyButton>
        </form>
    }
}
