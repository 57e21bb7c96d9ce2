//! `/profile`: the logged-in person's own account: display name, email and
//! mobile number (confirmed with a code), the language of what is sent to
//! them, password, passkeys and the authenticator app. Changes to methods
//! need a recent login; the server says so (403 `reauth_required`) and the
//! page offers to sign in again.

use crate::api;
use crate::app::{HOME, LOGIN};
use crate::components::{
    Busy, BusyButton, ContactEnrol, Feedback, FeedbackView, NewPasswordForm, PasskeyEnrol,
    RecoveryCodesEnrol, TotpEnrol,
};
use crate::language::lang;
use crate::text::{self, account as t};
use authlevel_core::api::{
    KnownBrowser, Me, PasskeyInfo, RenamePasskeyRequest, SessionSummary, UpdateMeRequest,
};
use authlevel_core::{Lang, Method};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// The profile page.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let busy = Busy::get();
    let lang = lang();
    // Each section says how its change went, next to it.
    let feedback = Feedback::new();
    let [
        f_name,
        f_language,
        f_email,
        f_phone,
        f_password,
        f_passkeys,
        f_totp,
        f_sessions,
        f_recovery,
    ] = std::array::from_fn(|_| Feedback::new());
    let me = RwSignal::new(None::<Me>);
    let passkeys = RwSignal::new(Vec::<PasskeyInfo>::new());
    let recovery_left = RwSignal::new(None::<u32>);
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
            match api::passkeys().await {
                Ok(list) => passkeys.set(list),
                Err(e) if e.status() == Some(401) => {}
                Err(e) => feedback.fail(e),
            }
            if let Ok(r) = api::recovery_codes().await {
                recovery_left.set(Some(r.remaining));
            }
        });
    });
    load.try_run(());

    let field = move |f: fn(&Me) -> Option<String>| {
        Signal::derive(move || me.with(|m| m.as_ref().and_then(f)))
    };
    let has = move |m: Method| me.with(|me| me.as_ref().is_some_and(|me| me.enrolled.contains(m)));
    // The email address or the mobile number, confirmed and waiting.
    let contact = move |method: Method, id: &'static str, title: fn(Lang) -> String, feedback| {
        type Of = fn(&Me) -> Option<String>;
        let (current, pending): (Of, Of) = if method == Method::Sms {
            (|m| m.phone.clone(), |m| m.pending_phone.clone())
        } else {
            (|m| m.email.clone(), |m| m.pending_email.clone())
        };
        view! {
            <section class="enrol" aria-labelledby=id>
                <h2 id=id>{title(lang)}</h2>
                <FeedbackView feedback />
                <ContactEnrol
                    method
                    current=field(current)
                    pending=field(pending)
                    feedback
                    on_done=load
                />
            </section>
        }
    };

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
                {contact(Method::Email, "p-email", text::email_address, f_email)}
                {contact(Method::Sms, "p-phone", text::mobile_number, f_phone)}
                <section class="enrol" aria-labelledby="p-password">
                    <h2 id="p-password">{text::password(lang)}</h2>
                    <FeedbackView feedback=f_password />
                    <NewPasswordForm
                        feedback=f_password
                        button=t::change_password
                        done=t::password_changed
                    />
                </section>
                <section class="enrol" aria-labelledby="p-passkeys">
                    <h2 id="p-passkeys">{t::passkeys(lang)}</h2>
                    <FeedbackView feedback=f_passkeys />
                    <PasskeyList passkeys feedback=f_passkeys on_change=load />
                    <PasskeyEnrol feedback=f_passkeys on_done=load />
                </section>
                <section class="enrol" aria-labelledby="p-recovery">
                    <h2 id="p-recovery">{text::recovery_codes(lang)}</h2>
                    <FeedbackView feedback=f_recovery />
                    <RecoveryCodesEnrol feedback=f_recovery remaining=recovery_left on_done=load />
                </section>
                <section class="enrol" aria-labelledby="p-sessions">
                    <h2 id="p-sessions">{t::sessions(lang)}</h2>
                    <FeedbackView feedback=f_sessions />
                    <SessionList feedback=f_sessions />
                    <h3 id="p-browsers">{t::known_browsers(lang)}</h3>
                    <p class="hint">{t::known_browsers_hint(lang)}</p>
                    <KnownBrowserList feedback=f_sessions />
                </section>
                <section class="enrol" aria-labelledby="p-totp">
                    <h2 id="p-totp">{Method::Totp.label_in(lang)}</h2>
                    <FeedbackView feedback=f_totp />
                    {move || {
                        if has(Method::Totp) {
                            view! { <TotpRemove feedback=f_totp on_done=load /> }.into_any()
                        } else {
                            view! { <TotpEnrol feedback=f_totp on_done=load /> }.into_any()
                        }
                    }}
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
    req: impl Fn() -> UpdateMeRequest + 'static,
) -> impl Fn(SubmitEvent) + 'static {
    move |ev: SubmitEvent| {
        ev.prevent_default();
        feedback.clear();
        feedback.run(api::update_me(req()), move |m| {
            me.set(Some(m));
            feedback.ok(done(feedback.lang));
        });
    }
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
        let rename = move |ev: SubmitEvent| {
            ev.prevent_default();
            feedback.clear();
            let req = RenamePasskeyRequest {
                name: name.get_untracked(),
            };
            feedback.run(api::rename_passkey(id.get_value(), req), move |()| {
                feedback.ok(t::renamed(lang));
                on_change.try_run(());
            });
        };
        let remove = move |_| {
            feedback.clear();
            feedback.run(api::delete_passkey(id.get_value()), move |()| {
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

#[component]
fn TotpRemove(feedback: Feedback, on_done: Callback<()>) -> impl IntoView {
    let lang = feedback.lang;
    let remove = move |_| {
        feedback.clear();
        feedback.run(api::totp_remove(), move |()| {
            feedback.ok(t::totp_removed(lang));
            on_done.try_run(());
        });
    };
    view! {
        <p class="ok">{t::set_up_done(lang)}</p>
        <BusyButton class="secondary danger" on_click=remove>
            {t::totp_remove(lang)}
        </BusyButton>
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
                    super::local_time(lang, m.verified_at)
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let end = move |_| {
            feedback.clear();
            feedback.run(api::end_session(id.get_value()), move |()| {
                feedback.ok(t::session_ended(lang));
                load();
            });
        };
        view! {
            <li data-current=s.current.to_string()>
                <strong>
                    {s.user_agent.clone().unwrap_or_else(|| t::unknown_browser(lang))}
                </strong>
                {s.current.then(|| t::this_session(lang))}
                <br />
                {
                    let since = super::local_time(lang, s.created_at);
                    let last = super::local_time(lang, s.last_used_at);
                    match &s.ip {
                        Some(ip) => t::session_times(lang, &since, &last, ip),
                        None => t::session_times_no_ip(lang, &since, &last),
                    }
                }
                <br />
                {methods}
                {(!s.current).then(|| view! {
                    <BusyButton class="secondary danger" on_click=end>{t::end(lang)}</BusyButton>
                })}
            </li>
        }
    };
    let end_others = move |_| {
        feedback.clear();
        feedback.run(api::end_other_sessions(), move |()| {
            feedback.ok(t::others_ended(lang));
            load();
        });
    };
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
            feedback.clear();
            feedback.run(api::forget_browser(id.get_value()), move |()| {
                feedback.ok(t::browser_forgotten(lang));
                load();
            });
        };
        view! {
            <li data-current=b.current.to_string()>
                <strong>
                    {b.user_agent.clone().unwrap_or_else(|| t::unknown_browser(lang))}
                </strong>
                {b.current.then(|| t::this_browser(lang))}
                <br />
                {
                    let since = super::local_time(lang, b.created_at);
                    let last = super::local_time(lang, b.last_used_at);
                    match &b.ip {
                        Some(ip) => t::browser_times(lang, &since, &last, ip),
                        None => t::browser_times_no_ip(lang, &since, &last),
                    }
                }
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
