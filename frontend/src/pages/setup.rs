//! `/setup#token=…`: a setup link. Opens enrolment with the token, sets a
//! password, shows whether what is enrolled reaches the directory's level,
//! and finishes. It never logs anyone in: afterwards the person logs in.

use crate::api;
use crate::app::{LOGIN, Nav, SETUP};
use crate::components::{
    Busy, BusyButton, ContactEnrol, Feedback, FeedbackView, NewPasswordForm, PasskeyEnrol,
    ProblemMessage, ProgressBar, RecoveryCodesEnrol, TotpEnrol,
};
use crate::language::lang;
use crate::text::{self, account as t};
use authlevel_core::api::{SetupRequest, SetupResponse};
use authlevel_core::{Lang, Method, Progress};
use leptos::prelude::*;

/// The `token` of a URL fragment such as `#token=abc`.
pub fn token_of_fragment(fragment: &str) -> Option<String> {
    fragment
        .trim_start_matches('#')
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// What `setup` has enrolled, scored under its policy (for display only: the
/// server's `can_reach` is what counts).
pub fn enrolled_progress(setup: &SetupResponse) -> Progress {
    let usable = setup.enrolled.intersection(setup.policy.enabled());
    Progress {
        earned: setup.policy.score(usable),
        required: setup.policy.required_level,
        verified: usable,
    }
}

/// Takes the token out of the address bar, so it is neither bookmarked nor
/// shown; a reload then resumes the open enrolment by its cookie.
fn forget_fragment() {
    let window = window();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(SETUP));
    }
}

/// The setup-link page.
#[component]
pub fn SetupPage() -> impl IntoView {
    let busy = Busy::get();
    let setup = RwSignal::new(None::<SetupResponse>);
    let error = RwSignal::new(None::<String>);
    let lang = lang();

    let token = window()
        .location()
        .hash()
        .ok()
        .and_then(|h| token_of_fragment(&h));
    let opened = async move {
        match token {
            Some(token) => {
                forget_fragment();
                api::open_setup(SetupRequest { token }).await
            }
            None => api::setup_status().await,
        }
    };
    busy.run(
        opened,
        move |s| setup.set(Some(s)),
        move |e| {
            error.set(Some(if e.status() == Some(401) {
                t::setup_needs_link(lang)
            } else {
                e.message(lang)
            }));
        },
    );

    // After each enrolment: the meter again, from the server.
    let feedback = Feedback::new();
    // Each method's section says how its enrolment went, next to it.
    let [f_password, f_passkey, f_totp, f_sms, f_email, f_recovery] =
        std::array::from_fn(|_| Feedback::new());
    let recovery_left = RwSignal::new(None::<u32>);
    let refresh = Callback::new(move |()| {
        feedback.run(api::setup_status(), move |s| setup.set(Some(s)));
        feedback.run(api::recovery_codes(), move |r| {
            recovery_left.set(Some(r.remaining))
        });
    });
    // Which methods the policy counts, and which are set up.
    let counts =
        move |m: Method| setup.with(|s| s.as_ref().is_some_and(|s| s.policy.points.get(m) > 0));
    let has = move |m: Method| setup.with(|s| s.as_ref().is_some_and(|s| s.enrolled.contains(m)));
    let no_contact = Signal::stored(None::<String>);
    // A mobile number or an email address: none is shown, one is added.
    let contact = move |method: Method, title: fn(Lang) -> String, feedback: Feedback| {
        let id = format!("enrol-{}", method.as_str());
        view! {
            <Show when=move || counts(method)>
                <section class="enrol" aria-labelledby=id.clone()>
                    <h3 id=id.clone()>{title(lang)} {move || has(method).then_some(" ✓")}</h3>
                    <FeedbackView feedback />
                    <ContactEnrol
                        method
                        current=no_contact
                        pending=no_contact
                        feedback
                        on_done=refresh
                    />
                </section>
            </Show>
        }
    };

    let nav = Nav::get();
    let finish = move |_| {
        error.set(None);
        busy.run(
            api::finish_setup(),
            move |()| nav.go(LOGIN),
            move |e| error.set(Some(e.message(lang))),
        );
    };

    view! {
        <div class="card">
            <h1>{t::setup_title(lang)}</h1>
            <ProblemMessage message=error />
            {move || {
                setup
                    .get()
                    .map(|s| {
                        let password_title = if s.enrolled.contains(Method::Password) {
                            t::change_your_password(lang)
                        } else {
                            t::choose_password(lang)
                        };
                        let progress = enrolled_progress(&s);
                        let missing: Vec<String> = s
                            .policy
                            .enabled()
                            .without_all(s.enrolled)
                            .iter()
                            .map(|m| t::setup_missing(lang, m, s.policy.points.get(m)))
                            .collect();
                        view! {
                            <p>{t::account_in_directory(lang, &s.username, &s.directory)}</p>
                            {s.logged_in_as.clone().map(|other| view! {
                                <p class="warning" role="alert" data-testid="other-account">
                                    {t::setup_other_account(lang, &other, &s.username)}
                                </p>
                            })}
                            <ProgressBar progress label=t::setup_progress(lang) />
                            {if s.can_reach {
                                view! { <p class="ok">{t::setup_can_reach(lang)}</p> }.into_any()
                            } else {
                                view! {
                                    <p class="message" role="alert">
                                        {t::setup_cannot_reach(lang)}
                                    </p>
                                }
                                    .into_any()
                            }}
                            {(!missing.is_empty())
                                .then(|| {
                                    view! {
                                        <details>
                                            <summary>{t::setup_not_set_up(lang)}</summary>
                                            <ul>
                                                {missing
                                                    .into_iter()
                                                    .map(|m| view! { <li>{m}</li> })
                                                    .collect_view()}
                                            </ul>
                                        </details>
                                    }
                                })}
                            <h2>{password_title}</h2>
                        }
                    })
            }}
            <Show when=move || setup.with(Option::is_some)>
                <NewPasswordForm
                    feedback=f_password
                    button=t::set_password
                    done=t::password_set
                    primary=true
                    on_done=refresh
                />
                <FeedbackView feedback=f_password />
                <h2>{t::add_ways(lang)}</h2>
                <FeedbackView feedback />
                <Show when=move || counts(Method::Passkey)>
                    <section class="enrol" aria-labelledby="enrol-passkey">
                        <h3 id="enrol-passkey">
                            {Method::Passkey.label_in(lang)}
                            {move || has(Method::Passkey).then_some(" ✓")}
                        </h3>
                        <FeedbackView feedback=f_passkey />
                        <PasskeyEnrol feedback=f_passkey on_done=refresh />
                    </section>
                </Show>
                <Show when=move || counts(Method::Totp)>
                    <section class="enrol" aria-labelledby="enrol-totp">
                        <h3 id="enrol-totp">{Method::Totp.label_in(lang)}</h3>
                        <FeedbackView feedback=f_totp />
                        {move || {
                            if has(Method::Totp) {
                                view! { <p class="ok">{t::set_up_done(lang)}</p> }.into_any()
                            } else {
                                view! { <TotpEnrol feedback=f_totp on_done=refresh /> }.into_any()
                            }
                        }}
                    </section>
                </Show>
                <Show when=move || counts(Method::Recovery)>
                    <section class="enrol" aria-labelledby="enrol-recovery">
                        <h3 id="enrol-recovery">
                            {text::recovery_codes(lang)}
                            {move || has(Method::Recovery).then_some(" ✓")}
                        </h3>
                        <p>{t::recovery_intro(lang)}</p>
                        <FeedbackView feedback=f_recovery />
                        <RecoveryCodesEnrol feedback=f_recovery remaining=recovery_left on_done=refresh />
                    </section>
                </Show>
                {contact(Method::Sms, t::mobile_for_sms, f_sms)}
                {contact(Method::Email, t::email_for_codes, f_email)}
                <h2>{t::done_title(lang)}</h2>
                <p>{t::done_text(lang)}</p>
                <BusyButton class="primary" on_click=finish>{t::finish(lang)}</BusyButton>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use authlevel_core::{MethodSet, Policy};

    #[test]
    fn token_comes_from_the_fragment() {
        assert_eq!(token_of_fragment("#token=abc-123"), Some("abc-123".into()));
        assert_eq!(token_of_fragment("#x=1&token=t"), Some("t".into()));
        assert_eq!(token_of_fragment("#token="), None);
        assert_eq!(token_of_fragment(""), None);
    }

    #[test]
    fn progress_counts_only_switched_on_methods() {
        let mut policy = Policy::default();
        policy.points.email = 0;
        let setup = SetupResponse {
            username: "ann".into(),
            directory: "default".into(),
            policy,
            enrolled: MethodSet::of(&[Method::Password, Method::Email]),
            can_reach: false,
            logged_in_as: None,
        };
        let p = enrolled_progress(&setup);
        assert_eq!((p.earned, p.required), (20, 30));
        assert_eq!(p.verified, MethodSet::of(&[Method::Password]));
    }
}
