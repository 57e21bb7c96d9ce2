//! `/profile`: the logged-in person's own account: display name, email and
//! mobile number (confirmed with a code), password, passkeys and the
//! authenticator app. Changes to methods need a recent login; the server
//! says so (403 `reauth_required`) and the page offers to sign in again.

use crate::api;
use crate::app::{HOME, LOGIN};
use crate::components::{
    Busy, ContactEnrol, Feedback, FeedbackView, NewPasswordForm, PasskeyEnrol, TotpEnrol,
};
use authlevel_core::Method;
use authlevel_core::api::{Me, PasskeyInfo, RenamePasskeyRequest, UpdateMeRequest};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// The profile page.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let busy = Busy::get();
    // Each section says how its change went, next to it.
    let feedback = Feedback::new();
    let [f_name, f_email, f_phone, f_password, f_passkeys, f_totp] =
        std::array::from_fn(|_| Feedback::new());
    let me = RwSignal::new(None::<Me>);
    let passkeys = RwSignal::new(Vec::<PasskeyInfo>::new());
    let signed_out = RwSignal::new(false);

    let load = Callback::new(move |()| {
        busy.spawn(async move {
            match api::me().await {
                Ok(m) => me.set(Some(m)),
                Err(e) if e.status() == Some(401) => signed_out.set(true),
                Err(e) => feedback.fail(e),
            }
            match api::passkeys().await {
                Ok(list) => passkeys.set(list),
                Err(e) if e.status() == Some(401) => {}
                Err(e) => feedback.fail(e),
            }
        });
    });
    load.try_run(());

    let field = move |f: fn(&Me) -> Option<String>| {
        Signal::derive(move || me.with(|m| m.as_ref().and_then(f)))
    };
    let has = move |m: Method| me.with(|me| me.as_ref().is_some_and(|me| me.enrolled.contains(m)));

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
            <Show when=move || me.with(Option::is_some)>
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
                <section class="enrol" aria-labelledby="p-email">
                    <h2 id="p-email">"Email address"</h2>
                    <FeedbackView feedback=f_email />
                    <ContactEnrol
                        method=Method::Email
                        current=field(|m| m.email.clone())
                        pending=field(|m| m.pending_email.clone())
                        feedback=f_email
                        on_done=load
                    />
                </section>
                <section class="enrol" aria-labelledby="p-phone">
                    <h2 id="p-phone">"Mobile number"</h2>
                    <FeedbackView feedback=f_phone />
                    <ContactEnrol
                        method=Method::Sms
                        current=field(|m| m.phone.clone())
                        pending=field(|m| m.pending_phone.clone())
                        feedback=f_phone
                        on_done=load
                    />
                </section>
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
    let busy = Busy::get();
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
        busy.spawn(async move {
            match api::update_me(&req).await {
                Ok(m) => {
                    me.set(Some(m));
                    feedback.ok("Your display name is saved.");
                }
                Err(e) => feedback.fail(e),
            }
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
                <button type="submit" class="secondary" disabled=move || busy.active()>
                    "Save"
                </button>
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
    let busy = Busy::get();
    let row = move |p: PasskeyInfo| {
        let name = RwSignal::new(p.name.clone());
        let id = p.id.clone();
        let field = format!("passkey-{}", p.id);
        let rename = {
            let id = id.clone();
            move |ev: SubmitEvent| {
                ev.prevent_default();
                feedback.clear();
                let id = id.clone();
                let req = RenamePasskeyRequest {
                    name: name.get_untracked(),
                };
                busy.spawn(async move {
                    match api::rename_passkey(&id, &req).await {
                        Ok(()) => {
                            feedback.ok("Renamed.");
                            on_change.try_run(());
                        }
                        Err(e) => feedback.fail(e),
                    }
                });
            }
        };
        let remove = move |_| {
            feedback.clear();
            let id = id.clone();
            busy.spawn(async move {
                match api::delete_passkey(&id).await {
                    Ok(()) => {
                        feedback.ok("Passkey removed.");
                        on_change.try_run(());
                    }
                    Err(e) => feedback.fail(e),
                }
            });
        };
        let label = format!("Name of passkey “{}”", p.name);
        view! {
            <li>
                <form class="row" on:submit=rename>
                    <label class="visually-hidden" for=field.clone()>{label}</label>
                    <input id=field type="text" maxlength="64" required bind:value=name />
                    <button type="submit" class="secondary" disabled=move || busy.active()>
                        "Rename"
                    </button>
                    <button
                        type="button"
                        class="secondary danger"
                        disabled=move || busy.active()
                        on:click=remove
                    >
                        "Remove"
                    </button>
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
    let busy = Busy::get();
    let remove = move |_| {
        feedback.clear();
        busy.spawn(async move {
            match api::totp_remove().await {
                Ok(()) => {
                    feedback.ok("The authenticator app is removed.");
                    on_done.try_run(());
                }
                Err(e) => feedback.fail(e),
            }
        });
    };
    view! {
        <p class="ok">"✓ Set up."</p>
        <button type="button" class="secondary danger" disabled=move || busy.active() on:click=remove>
            "Remove the authenticator app"
        </button>
    }
}
