//! `/setup#token=…`: a setup link. Opens enrolment with the token, sets a
//! password, shows whether what is enrolled reaches the directory's level,
//! and finishes. It never logs anyone in: afterwards the person logs in.

use crate::api;
use crate::app::{LOGIN, Nav, SETUP};
use crate::components::{Busy, BusyButton, Feedback, FeedbackView, ProblemMessage, ProgressBar};
use crate::language::lang;
use crate::methods::{Account, MethodSection, Place};
use crate::text::account as t;
use authlevel_core::api::{SetupRequest, SetupResponse};
use authlevel_core::{Method, Progress};
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
        signals: Vec::new(),
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
    let refresh = Callback::new(move |()| {
        feedback.run(api::setup_status(), move |s| setup.set(Some(s)));
    });
    let account = Signal::derive(move || {
        setup.with(|s| {
            s.as_ref().map(|s| Account {
                enrolled: s.enrolled,
                counted: s.policy.enabled(),
                ..Account::default()
            })
        })
    });
    let section = move |method: Method| {
        view! { <MethodSection method place=Place::Setup account on_done=refresh /> }
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
                        }
                    })
            }}
            <Show when=move || setup.with(Option::is_some)>
                {section(Method::Password)}
                <h2>{t::add_ways(lang)}</h2>
                <FeedbackView feedback />
                {Method::ALL
                    .into_iter()
                    .filter(|m| *m != Method::Password)
                    .map(section)
                    .collect_view()}
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
        policy.points.set(Method::Email, 0);
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
