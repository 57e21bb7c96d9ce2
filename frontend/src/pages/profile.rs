//! `/profile`: the logged-in person's own account: display name, the
//! language of what is sent to them, a section per method
//! ([`MethodSection`]: password, passkeys, the authenticator app, mobile
//! number and email address confirmed with a code, recovery codes), and
//! where they are logged in. Changes to methods need a recent login; the
//! server says so (403 `reauth_required`) and the console asks for it.

use super::local_time;
use crate::api;
use crate::app::{HOME, LOGIN};
use crate::components::{Busy, BusyButton, Feedback, FeedbackView};
use crate::language::lang;
use crate::methods::{Account, MethodSection, Place};
use crate::text::{self, account as t};
use authlevel_core::api::{KnownBrowser, Me, SessionSummary, UpdateMeRequest};
use authlevel_core::{Lang, Method, MethodSet};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// The profile page.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let busy = Busy::get();
    let lang = lang();
    // Each section says how its change went, next to it.
    let feedback = Feedback::new();
    let [f_name, f_language, f_sessions] = std::array::from_fn(|_| Feedback::new());
    let me = RwSignal::new(None::<Me>);
    let signed_out = RwSignal::new(false);
    // A setup link for another account, open in this browser: the
    // enrolment routes act on that account while it is (SECURITY 29).
    let open_setup = RwSignal::new(None::<String>);

    let load = Callback::new(move |()| {
        busy.spawn(async move {
            match api::me().await {
                Ok(m) => {
                    open_setup.set(
                        api::setup_status()
                            .await
                            .ok()
                            .map(|s| s.username)
                            .filter(|name| *name != m.username),
                    );
                    me.set(Some(m));
                }
                Err(e) if e.status() == Some(401) => signed_out.set(true),
                Err(e) => feedback.fail(e),
            }
        });
    });
    load.try_run(());

    let account = Signal::derive(move || {
        me.with(|m| {
            m.as_ref().map(|m| Account {
                enrolled: m.enrolled,
                counted: MethodSet::ALL,
                phone: m.phone.clone(),
                pending_phone: m.pending_phone.clone(),
                email: m.email.clone(),
                pending_email: m.pending_email.clone(),
            })
        })
    });

    view! {
        <div class="card">
            <h1>{t::profile_title(lang)}</h1>
            <p>
                <a href=HOME>{t::back(lang)}</a>
            </p>
            <Show when=move || signed_out.get()>
                <p>{t::not_logged_in(lang)} " " <a href=LOGIN>{text::log_in(lang)}</a></p>
            </Show>
            <FeedbackView feedback />
            {move || open_setup.get().map(|other| view! {
                <div class="warning" role="alert" data-testid="open-setup">
                    <p>{t::open_setup_warning(lang, &other)}</p>
                    <BusyButton class="secondary" on_click=Callback::new(move |_| {
                        feedback.run(api::finish_setup(), move |()| load.run(()));
                    })>{t::close_setup(lang)}</BusyButton>
                </div>
            })}
            <Show when=move || me.with(Option::is_some) && open_setup.with(Option::is_none)>
                <p>
                    {move || {
                        me.with(|m| {
                            m.as_ref()
                                .map(|m| t::account_in_directory(lang, &m.username, &m.directory))
                        })
                    }}
                </p>
                <section class="enrol" aria-labelledby="p-name">
                    <h2 id="p-name">{t::display_name(lang)}</h2>
                    <FeedbackView feedback=f_name />
                    <DisplayName me feedback=f_name />
                </section>
                <section class="enrol" aria-labelledby="p-language">
                    <h2 id="p-language">{t::messages_language(lang)}</h2>
                    <FeedbackView feedback=f_language />
                    <MessagesLanguage me feedback=f_language />
                </section>
                {Method::ALL
                    .into_iter()
                    .map(|method| {
                        view! { <MethodSection method place=Place::Profile account on_done=load /> }
                    })
                    .collect_view()}
                <section class="enrol" aria-labelledby="p-sessions">
                    <h2 id="p-sessions">{t::sessions(lang)}</h2>
                    <FeedbackView feedback=f_sessions />
                    <SessionList feedback=f_sessions />
                    <h3 id="p-browsers">{t::known_browsers(lang)}</h3>
                    <p class="hint">{t::known_browsers_hint(lang)}</p>
                    <KnownBrowserList feedback=f_sessions />
                </section>
            </Show>
        </div>
    }
}

/// The submit handler of a profile form: saves the change `req` makes of
/// what is typed, shows the answer, and says `done`.
fn save_me(
    me: RwSignal<Option<Me>>,
    feedback: Feedback,
    done: fn(Lang) -> String,
    req: impl Fn() -> UpdateMeRequest + Copy + 'static,
) -> impl Fn(SubmitEvent) + 'static {
    feedback.on_submit(move || {
        feedback.run(api::update_me(req()), move |m| {
            me.set(Some(m));
            feedback.ok(done(feedback.lang));
        });
    })
}

#[component]
fn DisplayName(me: RwSignal<Option<Me>>, feedback: Feedback) -> impl IntoView {
    let lang = feedback.lang;
    let name = RwSignal::new(me.with_untracked(|m| {
        m.as_ref()
            .map(|m| m.display_name.clone())
            .unwrap_or_default()
    }));
    let submit = save_me(me, feedback, t::display_name_saved, move || {
        UpdateMeRequest {
            display_name: Some(name.get_untracked()),
            ..Default::default()
        }
    });
    view! {
        <form on:submit=submit>
            <label for="display-name">{t::display_name_field(lang)}</label>
            <div class="row">
                <input
                    id="display-name"
                    type="text"
                    autocomplete="name"
                    maxlength="100"
                    required
                    bind:value=name
                />
                <BusyButton class="secondary" submit=true>{text::save(lang)}</BusyButton>
            </div>
        </form>
    }
}

/// The language of what is sent to the person (SMS and email codes,
/// notices): the stored one, else the page's until one is chosen.
#[component]
fn MessagesLanguage(me: RwSignal<Option<Me>>, feedback: Feedback) -> impl IntoView {
    let lang = feedback.lang;
    let stored = me.with_untracked(|m| m.as_ref().and_then(|m| m.language));
    let chosen = RwSignal::new(stored.unwrap_or(lang));
    let submit = save_me(me, feedback, t::messages_language_saved, move || {
        UpdateMeRequest {
            language: Some(chosen.get_untracked()),
            ..Default::default()
        }
    });
    let pick = move |ev| {
        if let Some(l) = Lang::parse(&event_target_value(&ev)) {
            chosen.set(l);
        }
    };
    view! {
        <form on:submit=submit>
            <label for="messages-language">{t::messages_language_field(lang)}</label>
            <div class="row">
                <select id="messages-language" on:change=pick>
                    {Lang::ALL
                        .into_iter()
                        .map(|l| {
                            view! {
                                <option value=l.as_str() lang=l.as_str() selected=move || chosen.get() == l>
                                    {l.name()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <BusyButton class="secondary" submit=true>{text::save(lang)}</BusyButton>
            </div>
            {move || {
                me.with(|m| m.as_ref().is_some_and(|m| m.language.is_none()))
                    .then(|| view! { <p class="hint">{t::messages_language_unset(lang)}</p> })
            }}
        </form>
    }
}

/// The own sessions: where, since when, with which methods; end one, or
/// every other one.
#[component]
fn SessionList(feedback: Feedback) -> impl IntoView {
    let lang = feedback.lang;
    let sessions = RwSignal::new(Vec::<SessionSummary>::new());
    let load = move || feedback.run(api::sessions(), move |list| sessions.set(list));
    load();
    let row = move |s: SessionSummary| {
        let id = StoredValue::new(s.id.clone());
        let methods = s
            .methods
            .iter()
            .map(|m| {
                format!(
                    "{} {}",
                    m.method.label_in(lang),
                    local_time(lang, m.verified_at)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let end = move |_| feedback.act(api::end_session(id.get_value()), t::session_ended, load);
        let (since, last) = (
            local_time(lang, s.created_at),
            local_time(lang, s.last_used_at),
        );
        let times = match &s.ip {
            Some(ip) => t::session_times(lang, &since, &last, ip),
            None => t::session_times_no_ip(lang, &since, &last),
        };
        let this = s.current.then(|| t::this_session(lang));
        // Only where a method's lifetime ends: the level applications see
        // now, and when it drops.
        let level = s.level_drops_at.map(|at| {
            view! { <br /> {t::session_level(lang, s.level_now, &local_time(lang, at))} }
        });
        view! {
            <li data-current=s.current.to_string()>
                {seen(lang, s.user_agent, this, times)}
                <br />
                {methods}
                {level}
                {(!s.current).then(|| view! {
                    <BusyButton class="secondary danger" on_click=end>{t::end(lang)}</BusyButton>
                })}
            </li>
        }
    };
    let end_others = move |_| feedback.act(api::end_other_sessions(), t::others_ended, load);
    view! {
        <ul class="sessions">{move || sessions.get().into_iter().map(row).collect_view()}</ul>
        <Show when=move || sessions.with(|l| l.len() > 1)>
            <BusyButton class="secondary" on_click=end_others>{t::end_others(lang)}</BusyButton>
        </Show>
    }
}

/// The browsers known to the own account: guesses from elsewhere do not
/// lock the person out of them; forget one no longer used.
#[component]
fn KnownBrowserList(feedback: Feedback) -> impl IntoView {
    let lang = feedback.lang;
    let browsers = RwSignal::new(Vec::<KnownBrowser>::new());
    let load = move || feedback.run(api::known_browsers(), move |list| browsers.set(list));
    load();
    let row = move |b: KnownBrowser| {
        let id = StoredValue::new(b.id.clone());
        let forget = move |_| {
            feedback.act(
                api::forget_browser(id.get_value()),
                t::browser_forgotten,
                load,
            )
        };
        let (since, last) = (
            local_time(lang, b.created_at),
            local_time(lang, b.last_used_at),
        );
        let times = match &b.ip {
            Some(ip) => t::browser_times(lang, &since, &last, ip),
            None => t::browser_times_no_ip(lang, &since, &last),
        };
        view! {
            <li data-current=b.current.to_string()>
                {seen(lang, b.user_agent, b.current.then(|| t::this_browser(lang)), times)}
                <br />
                <BusyButton class="secondary danger" on_click=forget>{t::forget(lang)}</BusyButton>
            </li>
        }
    };
    view! {
        <ul class="sessions browsers" aria-labelledby="p-browsers">
            {move || browsers.get().into_iter().map(row).collect_view()}
        </ul>
    }
}

/// What a list of the own sessions or browsers says of one: its browser
/// (`User-Agent`), `this` when it is the one asking, and `times`, when it
/// was first and last seen and from where.
fn seen(
    lang: Lang,
    user_agent: Option<String>,
    this: Option<String>,
    times: String,
) -> impl IntoView {
    view! {
        <strong>{user_agent.unwrap_or_else(|| t::unknown_browser(lang))}</strong>
        {this}
        <br />
        {times}
    }
}
