//! Entry of a one-time code: "Send code" for a method whose code comes by a
//! channel (SMS, email), the code field, resend and the expiry countdown; a
//! code of the person's own (an app's, a recovery code) needs only the
//! field. What a method's code is comes from its description in `core`. The field
//! alone, [`CodeForm`], also confirms a method being enrolled.

use super::{Busy, BusyButton, ProblemMessage};
use crate::api;
use crate::language::lang;
use crate::text;
use authlevel_core::api::{CodeRequest, LoginState};
use authlevel_core::{Input, Method};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use std::time::Duration;

/// A sent code: where it went, and when it expires (ms since the epoch).
#[derive(Debug, Clone, PartialEq)]
struct Sent {
    to: String,
    expires_at_ms: f64,
}

/// `m:ss` of a number of seconds.
pub fn countdown(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// The code step of `method`; the login's new state goes to `on_state`.
#[component]
pub fn CodeEntry(method: Method, on_state: Callback<LoginState>) -> impl IntoView {
    let busy = Busy::get();
    let lang = lang();
    let spec = method.spec();
    // A code that comes by a channel is sent first, and expires.
    let delivered = spec.channel.is_some();
    let sent = RwSignal::new(None::<Sent>);
    let code = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let now = RwSignal::new(js_sys::Date::now());
    if delivered {
        let tick =
            set_interval_with_handle(move || now.set(js_sys::Date::now()), Duration::from_secs(1))
                .ok();
        on_cleanup(move || {
            if let Some(t) = tick {
                t.clear();
            }
        });
    }
    let remaining = move || {
        sent.get().map(|s| {
            let left = ((s.expires_at_ms - now.get()) / 1000.0).ceil();
            if left > 0.0 { left as u32 } else { 0 }
        })
    };

    let send_code = move || {
        error.set(None);
        busy.run(
            api::send_code(method),
            move |r| {
                now.set(js_sys::Date::now());
                sent.set(Some(Sent {
                    to: r.sent_to,
                    expires_at_ms: js_sys::Date::now() + f64::from(r.expires_in_s) * 1000.0,
                }));
                code.set(String::new());
            },
            move |e| error.set(Some(e.message(lang))),
        );
    };
    let verify = Callback::new(move |()| {
        let req = CodeRequest {
            code: code.get_untracked(),
        };
        error.set(None);
        busy.run(
            api::verify_code(method, req),
            move |state| {
                on_state.try_run(state);
            },
            move |e| {
                error.set(Some(e.message(lang)));
                code.set(String::new());
            },
        );
    });

    let field_id = format!("code-{}", method.as_str());
    let field_label = move || match (spec.code_label, sent.get()) {
        (Some(words), _) => words.in_lang(lang).to_owned(),
        (None, Some(s)) => text::code_sent_to(lang, &s.to),
        (None, None) => text::code(lang),
    };
    let show_form = move || !delivered || sent.with(Option::is_some);

    view! {
        <div class="code-entry">
            {move || {
                (delivered && !show_form())
                    .then(|| {
                        view! {
                            <BusyButton class="primary" on_click=move |_| send_code()>
                                {text::send_code(lang)}
                            </BusyButton>
                        }
                    })
            }}
            <Show when=show_form>
                <CodeForm
                    id=field_id.clone()
                    label=field_label
                    button=text::verify(lang)
                    code
                    name="code"
                    letters=spec.input == Input::Letters
                    on_submit=verify
                />
                {move || {
                    remaining()
                        .map(|left| {
                            let words = if left > 0 {
                                text::code_expires_in(lang, &countdown(left))
                            } else {
                                text::code_expired(lang)
                            };
                            view! {
                                <p class="expiry">
                                    <span class="countdown">{words}</span>
                                    " "
                                    <BusyButton class="link" on_click=move |_| send_code()>
                                        {text::send_new_code(lang)}
                                    </BusyButton>
                                </p>
                            }
                        })
                }}
            </Show>
            <ProblemMessage message=error />
        </div>
    }
}

/// A code field in a `code-form` with its submit button; `code` holds what
/// is typed, `on_submit` runs when it is sent.
#[component]
pub fn CodeForm(
    #[prop(into)] id: String,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] button: String,
    code: RwSignal<String>,
    /// The field's `name`, when it has one.
    #[prop(optional)]
    name: Option<&'static str>,
    /// A code of letters, digits and dashes (a recovery code), not digits.
    #[prop(optional)]
    letters: bool,
    on_submit: Callback<()>,
) -> impl IntoView {
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        on_submit.run(());
    };
    view! {
        <form class="code-form" on:submit=submit>
            <label for=id.clone()>{label}</label>
            <div class="row">
                <input
                    id=id
                    name=name
                    type="text"
                    inputmode=if letters { "text" } else { "numeric" }
                    autocomplete=if letters { "off" } else { "one-time-code" }
                    autocapitalize="characters"
                    spellcheck="false"
                    pattern=if letters { "[0-9A-Za-z \\-]*" } else { "[0-9 ]*" }
                    maxlength=if letters { "24" } else { "10" }
                    required
                    bind:value=code
                />
                <BusyButton class="primary" submit=true>{button}</BusyButton>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::countdown;

    #[test]
    fn countdown_is_minutes_and_seconds() {
        assert_eq!(countdown(600), "10:00");
        assert_eq!(countdown(61), "1:01");
        assert_eq!(countdown(0), "0:00");
    }
}
