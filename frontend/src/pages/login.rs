//! `/`: the login. It shows the state the server answers: the first steps,
//! then the options still open with the progress toward the level, or why
//! the login cannot complete.

use crate::api;
use crate::app::{HOME, Nav};
use crate::components::{
    Autofill, Busy, BusyButton, CodeEntry, Field, OptionCard, ProblemMessage, ProgressBar,
};
use crate::language::lang;
use crate::text::{self, login as t};
use crate::webauthn;
use authlevel_core::api::{AppSent, LoginState, Notice, PasswordLoginRequest};
use authlevel_core::{ErrorCode, Input, LoginOption, LoginStatus, Method};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// The username and password being typed.
#[derive(Debug, Clone, Copy)]
struct Typed {
    username: RwSignal<String>,
    password: RwSignal<String>,
}

impl Default for Typed {
    fn default() -> Self {
        Typed {
            username: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
        }
    }
}

/// The login page. With `on_complete` (the console's fresh login in a
/// dialog) a complete login calls it rather than going on to another page.
#[component]
pub fn LoginPage(#[prop(optional)] on_complete: Option<Callback<()>>) -> impl IntoView {
    let busy = Busy::get();
    let lang = lang();
    // `None` until the server answered, or when it knows no login: the start form.
    let state = RwSignal::new(None::<LoginState>);
    let loaded = RwSignal::new(false);
    // What is typed in the first step outlives the form, which is drawn
    // again when the server's answer arrives.
    let typed = Typed::default();
    let error = RwSignal::new(None::<String>);

    busy.spawn(async move {
        match api::login_state(page_param("directory")).await {
            Ok(s) => state.set(Some(s)),
            // No login in progress (or it expired): the start form.
            Err(e) if matches!(e.code(), Some(ErrorCode::NoLogin | ErrorCode::NotFound)) => {}
            Err(e) => error.set(Some(e.message(lang))),
        }
        loaded.set(true);
    });

    let nav = Nav::get();
    // Where a complete login goes on to: back to the application that asked
    // (the server chose and checked the target), else home.
    let go_on = move |to: Option<String>| match (on_complete, to) {
        (Some(done), _) => done.run(()),
        (None, Some(to)) => {
            if let Some(w) = web_sys::window() {
                let _ = w.location().assign(&to);
            }
        }
        (None, None) => nav.go(HOME),
    };
    Effect::new(move || {
        // A complete login goes on, unless a notice waits for the person's
        // answer (a recovery code was used).
        let done = state.with(|s| {
            s.as_ref()
                .filter(|s| s.status == LoginStatus::Complete && !s.needs_ack())
                .map(|s| s.continue_to.clone())
        });
        // Back to the application that asked (the server chose and checked
        // the target): a full page load, it is not ours.
        if let Some(to) = done {
            go_on(to);
        }
    });

    let on_state = Callback::new(move |s: LoginState| {
        error.set(None);
        state.set(Some(s));
    });
    let restart = move |_| {
        error.set(None);
        state.set(None);
    };

    view! {
        <div class="card">
            <ProblemMessage message=error />
            {move || {
                let current = state.get();
                match current {
                    // A login that has not begun: its first steps.
                    None => view! { <StartForm state=None on_state loaded typed /> }.into_any(),
                    Some(s) if s.progress.verified.is_empty()
                        && s.status == LoginStatus::InProgress => {
                        view! { <StartForm state=Some(s) on_state loaded typed /> }.into_any()
                    }
                    Some(s) if s.status == LoginStatus::Complete => {
                        let to = s.continue_to.clone();
                        let ack = s.needs_ack();
                        view! {
                            <p>{t::logged_in(lang)}</p>
                            <Notices notices=s.notices.clone() />
                            {ack.then(|| view! {
                                <BusyButton class="primary" on_click=move |_| go_on(to.clone())>
                                    {t::go_on(lang)}
                                </BusyButton>
                            })}
                        }
                            .into_any()
                    }
                    Some(s) => {
                        let (title, prompt) = if s.status == LoginStatus::Blocked {
                            (t::blocked_title(lang), t::still_open(lang))
                        } else {
                            (t::add_method(lang), t::choose_one(lang))
                        };
                        view! {
                            <h1>{title}</h1>
                            <ProgressBar progress=s.progress.clone() label=t::your_login(lang) />
                            {s
                                .message
                                .clone()
                                .map(|m| view! { <p class="message" role="alert">{m}</p> })}
                            {(!s.options.is_empty())
                                .then(|| view! { <p>{prompt}</p> })}
                            <div class="options">
                                {s
                                    .options
                                    .into_iter()
                                    .map(|o| view! { <OptionStep option=o on_state /> })
                                    .collect_view()}
                            </div>
                            <p>
                                <button type="button" class="link" on:click=restart>
                                    {t::start_again(lang)}
                                </button>
                            </p>
                        }
                            .into_any()
                    }
                }
            }}
        </div>
    }
}

/// What a login's answer tells the person beside its progress: one line
/// each; one that waits for their answer stands out.
#[component]
fn Notices(notices: Vec<Notice>) -> impl IntoView {
    notices
        .into_iter()
        .map(|n| {
            let class = if n.kind.needs_ack() {
                "warning"
            } else {
                "message"
            };
            view! { <p class=class role="alert">{n.text}</p> }
        })
        .collect_view()
}

/// The first step: username and password, or a passkey. `state` is the
/// server's fresh login, which names the first steps the directory accepts;
/// without one both are shown.
#[component]
fn StartForm(
    typed: Typed,
    state: Option<LoginState>,
    on_state: Callback<LoginState>,
    loaded: RwSignal<bool>,
) -> impl IntoView {
    let offers = |m: Method| {
        state
            .as_ref()
            .is_none_or(|s| s.options.iter().any(|o| o.method == m))
    };
    let password = offers(Method::Password);
    let passkey = offers(Method::Passkey);
    // The autofill of passkeys goes with the first step's username field.
    let conditional = password && passkey;
    let lang = lang();
    view! {
        <h1>{t::sign_in(lang)}</h1>
        {password.then(|| view! { <PasswordStep on_state loaded conditional typed /> })}
        {(password && passkey).then(|| view! { <p class="or">{t::or(lang)}</p> })}
        {passkey.then(|| view! { <PasskeyButton on_state /> })}
    }
}

/// Username and password; the password step of the login.
#[component]
fn PasswordStep(
    on_state: Callback<LoginState>,
    loaded: RwSignal<bool>,
    /// Also offer passkeys in the username field's autofill.
    #[prop(optional)]
    conditional: bool,
    /// Where the typed username and password live.
    #[prop(optional)]
    typed: Typed,
) -> impl IntoView {
    let busy = Busy::get();
    let lang = lang();
    let Typed { username, password } = typed;
    let error = RwSignal::new(None::<String>);
    if conditional {
        // Once the login is loaded, wait (not busy: it waits for the person)
        // for a passkey picked from the autofill; ended when the form goes.
        let started = StoredValue::new(false);
        Effect::new(move || {
            if !loaded.get() || started.get_value() {
                return;
            }
            started.set_value(true);
            leptos::task::spawn_local(async move {
                if !webauthn::conditional_available().await {
                    return;
                }
                match webauthn::login(true).await {
                    Ok(Some(s)) => {
                        on_state.try_run(s);
                    }
                    Ok(None) => {}
                    // A passkey was picked and the server refused it.
                    Err(e) => error.set(Some(e.message(lang))),
                }
            });
        });
        on_cleanup(webauthn::cancel);
    }
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let req = PasswordLoginRequest {
            directory: page_param("directory"),
            username: username.get_untracked(),
            password: password.get_untracked(),
            return_to: page_param("return_to"),
        };
        error.set(None);
        busy.run(
            api::login_password(req),
            move |s| {
                on_state.try_run(s);
            },
            move |e| {
                error.set(Some(e.message(lang)));
                password.set(String::new());
            },
        );
    };
    view! {
        <form class="password-form" on:submit=submit>
            <Field
                id="username"
                label=text::username(lang)
                fill=Autofill::Username
                value=username
            />
            <Field
                id="password"
                label=text::password(lang)
                fill=Autofill::CurrentPassword
                value=password
            />
            <ProblemMessage message=error />
            <BusyButton class="primary" submit=true disabled=move || !loaded.get()>
                {t::sign_in(lang)}
            </BusyButton>
        </form>
    }
}

/// "Sign in with a passkey": the browser asks which passkey to use.
#[component]
fn PasskeyButton(on_state: Callback<LoginState>) -> impl IntoView {
    let busy = Busy::get();
    let lang = lang();
    let error = RwSignal::new(None::<String>);
    let supported = webauthn::supported();
    let sign_in = move |_| {
        error.set(None);
        busy.run(
            webauthn::login(false),
            // `None`: the request was ended on purpose.
            move |s| {
                if let Some(s) = s {
                    on_state.try_run(s);
                }
            },
            move |e| error.set(Some(e.message(lang))),
        );
    };
    view! {
        <BusyButton class="secondary passkey" disabled=!supported on_click=sign_in>
            {t::sign_in_with_passkey(lang)}
        </BusyButton>
        {(!supported).then(|| view! { <p class="hint">{text::passkeys_unsupported(lang)}</p> })}
        <ProblemMessage message=error />
    }
}

/// One option of a login in progress, with its action.
#[component]
fn OptionStep(option: LoginOption, on_state: Callback<LoginState>) -> impl IntoView {
    let method = option.method;
    let loaded = RwSignal::new(true);
    // By what the person gives: a new method of a kind there is needs
    // nothing here.
    view! {
        <OptionCard option>
            {match method.spec().input {
                Input::Digits | Input::Letters => {
                    view! { <CodeEntry method on_state /> }.into_any()
                }
                Input::Secret => view! { <PasswordStep on_state loaded /> }.into_any(),
                Input::Ceremony => view! { <PasskeyButton on_state /> }.into_any(),
                Input::Approval => view! { <AppApproval on_state /> }.into_any(),
            }}
        </OptionCard>
    }
}

/// An approval in the app on the person's phone: sends it, shows the
/// number to pick there, and looks every 2 seconds for the answer
/// (`GET /api/login` takes an approval as the step) until the login moves
/// on, the approval is refused, or it expires.
#[component]
fn AppApproval(on_state: Callback<LoginState>) -> impl IntoView {
    let busy = Busy::get();
    let lang = lang();
    let error = RwSignal::new(None::<String>);
    // The approval sent, and when it expires (ms).
    let sent = RwSignal::new(None::<(AppSent, f64)>);
    let send = move |_| {
        error.set(None);
        busy.run(
            api::app_send(),
            move |s: AppSent| {
                let until = js_sys::Date::now() + f64::from(s.expires_in_s) * 1000.0;
                sent.set(Some((s, until)));
            },
            move |e| error.set(Some(e.message(lang))),
        );
    };
    let look = move || {
        let Some((_, until)) = sent.get_untracked() else {
            return;
        };
        if js_sys::Date::now() > until {
            sent.set(None);
            error.set(Some(t::app_expired(lang)));
            return;
        }
        leptos::task::spawn_local(async move {
            let Ok(s) = api::login_state(None).await else {
                return;
            };
            let moved = s.status != LoginStatus::InProgress
                || s.progress.verified.contains(Method::App)
                || s.progress.verified.is_empty()
                || !s.notices.is_empty();
            if moved && sent.get_untracked().is_some() {
                sent.set(None);
                on_state.try_run(s);
            }
        });
    };
    let tick = set_interval_with_handle(look, std::time::Duration::from_secs(2)).ok();
    on_cleanup(move || {
        if let Some(t) = tick {
            t.clear();
        }
    });
    view! {
        {move || match sent.get() {
            None => {
                view! {
                    <BusyButton class="secondary" on_click=send>{t::app_send(lang)}</BusyButton>
                }
                    .into_any()
            }
            Some((s, _)) => {
                let to = (!s.sent_to.is_empty()).then(|| t::app_sent_to(lang, &s.sent_to.join(", ")));
                let open = (!s.open_app_on.is_empty())
                    .then(|| t::app_open(lang, &s.open_app_on.join(", ")));
                view! {
                    <p>{t::app_pick(lang)}</p>
                    <p class="app-number" aria-live="polite">{s.number}</p>
                    <p class="hint">{to} " " {open}</p>
                }
                    .into_any()
            }
        }}
        <ProblemMessage message=error />
    }
}

/// A value of the page's address: `directory` (the slug of the directory
/// to log in to: each has its login page at `/?directory=slug`), or
/// `return_to` (passed on for the server to check against its allow-list).
pub(crate) fn page_param(key: &str) -> Option<String> {
    if key == "directory"
        && let Some(slug) = LOGIN_DIRECTORY.with(|d| d.borrow().clone())
    {
        return Some(slug);
    }
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(key)
}

thread_local! {
    /// The directory a login in the console's dialog goes to (the
    /// administrator's own), whatever the page's address says.
    static LOGIN_DIRECTORY: std::cell::RefCell<Option<String>> =
        const { std::cell::RefCell::new(None) };
}

/// Sets (or with `None` clears) the directory the login page logs in to,
/// for a login shown in the console rather than at `/?directory=`.
pub(crate) fn set_login_directory(slug: Option<String>) {
    LOGIN_DIRECTORY.with(|d| *d.borrow_mut() = slug);
}
