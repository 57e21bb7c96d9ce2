//! `/profile`: the logged-in person's own account: display name, email and
//! mobile number (confirmed with a code), password, passkeys and the
//! authenticator app. Changes to methods need a recent login; the server
//! says so (403 `reauth_required`) and the page offers to sign in again.

use crate::api;
use crate::app::{HOME, LOGIN};
use crate::components::{
    Busy, BusyButton, ContactEnrol, Feedback, FeedbackView, NewPasswordForm, PasskeyEnrol,
    RecoveryCodesEnrol, TotpEnrol,
};
use authlevel_core::Method;
use authlevel_core::api::{Me, PasskeyInfo, RenamePasskeyRequest, SessionSummary, UpdateMeRequest};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// The profile page.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let busy = Busy::get();
    // Each section says how its change went, next to it.
    let feedback = Feedback::new();
    let [
        f_name,
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
    let contact = move |method: Method, id: &'static str, title: &'static str, feedback| {
        type Of = fn(&Me) -> Option<String>;
        let (current, pending): (Of, Of) = if method == Method::Sms {
            (|m| m.phone.clone(), |m| m.pending_phone.clone())
        } else {
            (|m| m.email.clone(), |m| m.pending_email.clone())
        };
        view! {
            <section class="enrol" aria-labelledby=id>
                <h2 id=id>{title}</h2>
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
            <h1>"Your account"</h1>
            <p>
                <a href=HOME>"Back"</a>
            </p>
            <Show when=move || signed_out.get()>
                <p>
                    "You are not logged in. " <a href=LOGIN>"Log in"</a>
                </p>
            </Show>
            <FeedbackView feedback />
            {move || open_setup.get().map(|other| view! {
                <div class="warning" role="alert" data-testid="open-setup">
                    <p>
                        "A setup link for " <strong>{other.clone()}</strong>
                        " is open in this browser. Until it is closed, changes to methods go to "
                        <strong>{other.clone()}</strong> ", not to you."
                    </p>
                    <BusyButton class="secondary" on_click=Callback::new(move |_| {
                        feedback.run(api::finish_setup(), move |()| load.run(()));
                    })>"Close that setup"</BusyButton>
                </div>
            })}
            <Show when=move || me.with(Option::is_some) && open_setup.with(Option::is_none)>
                <p>
                    "Account " <strong>{move || me.with(|m| m.as_ref().map(|m| m.username.clone()))}</strong>
                    " in directory "
                    <strong>{move || me.with(|m| m.as_ref().map(|m| m.directory.clone()))}</strong> "."
                </p>
                <section class="enrol" aria-labelledby="p-name">
                    <h2 id="p-name">"Display name"</h2>
                    <FeedbackView feedback=f_name />
                    <DisplayName me feedback=f_name />
                </section>
                {contact(Method::Email, "p-email", "Email address", f_email)}
                {contact(Method::Sms, "p-phone", "Mobile number", f_phone)}
                <section class="enrol" aria-labelledby="p-password">
                    <h2 id="p-password">"Password"</h2>
                    <FeedbackView feedback=f_password />
                    <NewPasswordForm
                        feedback=f_password
                        button="Change password"
                        done="Your password is changed."
                    />
                </section>
                <section class="enrol" aria-labelledby="p-passkeys">
                    <h2 id="p-passkeys">"Passkeys"</h2>
                    <FeedbackView feedback=f_passkeys />
                    <PasskeyList passkeys feedback=f_passkeys on_change=load />
                    <PasskeyEnrol feedback=f_passkeys on_done=load />
                </section>
                <section class="enrol" aria-labelledby="p-recovery">
                    <h2 id="p-recovery">"Recovery codes"</h2>
                    <FeedbackView feedback=f_recovery />
                    <RecoveryCodesEnrol feedback=f_recovery remaining=recovery_left on_done=load />
                </section>
                <section class="enrol" aria-labelledby="p-sessions">
                    <h2 id="p-sessions">"Where you are logged in"</h2>
                    <FeedbackView feedback=f_sessions />
                    <SessionList feedback=f_sessions />
                </section>
                <section class="enrol" aria-labelledby="p-totp">
                    <h2 id="p-totp">"Authenticator app"</h2>
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

#[component]
fn DisplayName(me: RwSignal<Option<Me>>, feedback: Feedback) -> impl IntoView {
    let name = RwSignal::new(me.with_untracked(|m| {
        m.as_ref()
            .map(|m| m.display_name.clone())
            .unwrap_or_default()
    }));
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        feedback.clear();
        let req = UpdateMeRequest {
            display_name: Some(name.get_untracked()),
            ..Default::default()
        };
        feedback.run(api::update_me(req), move |m| {
            me.set(Some(m));
            feedback.ok("Your display name is saved.");
        });
    };
    view! {
        <form on:submit=submit>
            <label for="display-name">"Name shown to people"</label>
            <div class="row">
                <input
                    id="display-name"
                    type="text"
                    autocomplete="name"
                    maxlength="100"
                    required
                    bind:value=name
                />
                <BusyButton class="secondary" submit=true>"Save"</BusyButton>
            </div>
        </form>
    }
}

#[component]
fn PasskeyList(
    passkeys: RwSignal<Vec<PasskeyInfo>>,
    feedback: Feedback,
    on_change: Callback<()>,
) -> impl IntoView {
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
                feedback.ok("Renamed.");
                on_change.try_run(());
            });
        };
        let remove = move |_| {
            feedback.clear();
            feedback.run(api::delete_passkey(id.get_value()), move |()| {
                feedback.ok("Passkey removed.");
                on_change.try_run(());
            });
        };
        let label = format!("Name of passkey “{}”", p.name);
        view! {
            <li>
                <form class="row" on:submit=rename>
                    <label class="visually-hidden" for=field.clone()>{label}</label>
                    <input id=field type="text" maxlength="64" required bind:value=name />
                    <BusyButton class="secondary" submit=true>"Rename"</BusyButton>
                    <BusyButton class="secondary danger" on_click=remove>"Remove"</BusyButton>
                </form>
            </li>
        }
    };
    view! {
        {move || {
            let list = passkeys.get();
            if list.is_empty() {
                view! { <p>"No passkeys yet."</p> }.into_any()
            } else {
                view! { <ul class="passkeys">{list.into_iter().map(row).collect_view()}</ul> }
                    .into_any()
            }
        }}
    }
}

#[component]
fn TotpRemove(feedback: Feedback, on_done: Callback<()>) -> impl IntoView {
    let remove = move |_| {
        feedback.clear();
        feedback.run(api::totp_remove(), move |()| {
            feedback.ok("The authenticator app is removed.");
            on_done.try_run(());
        });
    };
    view! {
        <p class="ok">"✓ Set up."</p>
        <BusyButton class="secondary danger" on_click=remove>
            "Remove the authenticator app"
        </BusyButton>
    }
}

/// The own sessions: where, since when, with which methods; end one, or
/// every other one.
#[component]
fn SessionList(feedback: Feedback) -> impl IntoView {
    let sessions = RwSignal::new(Vec::<SessionSummary>::new());
    let load = move || feedback.run(api::sessions(), move |list| sessions.set(list));
    load();
    let row = move |s: SessionSummary| {
        let id = StoredValue::new(s.id.clone());
        let methods = s
            .methods
            .iter()
            .map(|m| format!("{} {}", m.method.label(), super::local_time(m.verified_at)))
            .collect::<Vec<_>>()
            .join(", ");
        let end = move |_| {
            feedback.clear();
            feedback.run(api::end_session(id.get_value()), move |()| {
                feedback.ok("That session is ended.");
                load();
            });
        };
        view! {
            <li data-current=s.current.to_string()>
                <strong>
                    {s.user_agent.clone().unwrap_or_else(|| "Unknown browser".into())}
                </strong>
                {s.current.then_some(" (this one)")}
                <br />
                {format!(
                    "Since {}, last used {}, from {}.",
                    super::local_time(s.created_at),
                    super::local_time(s.last_used_at),
                    s.ip.clone().unwrap_or_else(|| "an unknown address".into()),
                )}
                <br />
                {methods}
                {(!s.current).then(|| view! {
                    <BusyButton class="secondary danger" on_click=end>"End"</BusyButton>
                })}
            </li>
        }
    };
    let end_others = move |_| {
        feedback.clear();
        feedback.run(api::end_other_sessions(), move |()| {
            feedback.ok("Every other session is ended.");
            load();
        });
    };
    view! {
        <ul class="sessions">{move || sessions.get().into_iter().map(row).collect_view()}</ul>
        <Show when=move || sessions.with(|l| l.len() > 1)>
            <BusyButton class="secondary" on_click=end_others>"End every other session"</BusyButton>
        </Show>
    }
}
