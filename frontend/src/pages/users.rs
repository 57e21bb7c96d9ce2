//! The users of a directory on the admin page: the list (flagging who has
//! no mobile number when every way to the level needs SMS), creating a user
//! with their one-time setup link, editing contact details, role and
//! status, issuing a new setup link, lifting a lockout and ending every
//! session.

use crate::api;
use crate::components::{BusyButton, Feedback, FeedbackView};
use authlevel_core::api::{CreateUserRequest, Role, SetupLink, UpdateUserRequest, User};
use authlevel_core::{Method, Policy, minimal_combinations};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

/// Whether every way to `policy`'s level needs an SMS code.
pub fn sms_needed(policy: &Policy) -> bool {
    let ways = minimal_combinations(policy);
    !ways.is_empty() && ways.iter().all(|w| w.contains(Method::Sms))
}

/// `Some(text)` unless `text` is blank.
fn given(text: String) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// The users of `directory_id`; `policy` is its saved policy.
#[component]
pub fn UsersAdmin(
    #[prop(into)] directory_id: String,
    #[prop(into)] policy: Signal<Option<Policy>>,
    /// Runs after a user was added or changed.
    on_change: Callback<()>,
) -> impl IntoView {
    let feedback = Feedback::new();
    let users = RwSignal::new(Vec::<User>::new());
    // A setup link just issued: whose, and the link (shown once).
    let link = RwSignal::new(None::<(String, SetupLink)>);
    let dir = StoredValue::new(directory_id);
    let load = Callback::new(move |()| {
        feedback.run(api::users(dir.get_value()), move |list| {
            // Not on the first load: the page has just read the rest.
            let again = users.try_with_untracked(|u| !u.is_empty()).unwrap_or(false);
            users.set(list);
            if again {
                on_change.try_run(());
            }
        });
    });
    load.try_run(());
    let needs_sms = Memo::new(move |_| policy.with(|p| p.as_ref().is_some_and(sms_needed)));

    view! {
        <h2 id="users">"Users"</h2>
        <FeedbackView feedback />
        {move || {
            link.get()
                .map(|(who, l)| {
                    view! {
                        <SetupLinkView who link=l />
                    }
                })
        }}
        {move || {
            let list = users.get();
            let missing = list.iter().filter(|u| u.phone.is_none()).count();
            let warn = (needs_sms.get() && missing > 0)
                .then(|| {
                    view! {
                        <p class="message" role="status">
                            {if missing == 1 {
                                "Every way to the level needs an SMS code, and 1 user has no mobile number: they cannot log in until one is added.".to_owned()
                            } else {
                                format!(
                                    "Every way to the level needs an SMS code, and {missing} users have no mobile number: they cannot log in until one is added.",
                                )
                            }}
                        </p>
                    }
                });
            view! {
                {warn}
                <ul class="users-list">
                    {list
                        .into_iter()
                        .map(|u| view! { <UserRow user=u needs_sms link feedback on_change=load /> })
                        .collect_view()}
                </ul>
            }
        }}
        <CreateUser directory_id=dir.get_value() link feedback on_change=load />
    }
}

/// A setup link, shown once, with a button that copies it.
#[component]
fn SetupLinkView(who: String, link: SetupLink) -> impl IntoView {
    let url = link.url.clone();
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let _ = window().navigator().clipboard().write_text(&url);
        copied.set(true);
    };
    view! {
        <div class="setup-link" role="status">
            <label for="setup-link">
                {format!("Setup link for {who} (shown once; valid 24 hours, single use)")}
            </label>
            <div class="row">
                <input id="setup-link" type="text" readonly prop:value=link.url.clone() />
                <button type="button" class="secondary" on:click=copy>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            </div>
        </div>
    }
}

#[component]
fn UserRow(
    user: User,
    needs_sms: Memo<bool>,
    link: RwSignal<Option<(String, SetupLink)>>,
    feedback: Feedback,
    on_change: Callback<()>,
) -> impl IntoView {
    let editing = RwSignal::new(false);
    let email = RwSignal::new(user.email.clone().unwrap_or_default());
    let phone = RwSignal::new(user.phone.clone().unwrap_or_default());
    let admin = RwSignal::new(user.role == Role::Admin);
    let disabled = RwSignal::new(user.disabled);
    let id = StoredValue::new(user.id.clone());
    let name = StoredValue::new(user.username.clone());
    let no_phone = user.phone.is_none();

    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        feedback.clear();
        let req = UpdateUserRequest {
            email: Some(email.get_untracked().trim().to_owned()),
            phone: Some(phone.get_untracked().trim().to_owned()),
            role: Some(if admin.get_untracked() {
                Role::Admin
            } else {
                Role::User
            }),
            disabled: Some(disabled.get_untracked()),
            ..Default::default()
        };
        feedback.run(api::update_user(id.get_value(), req), move |u| {
            feedback.ok(format!("{} is saved.", u.username));
            on_change.try_run(());
        });
    };
    // The name is read now: the row may be gone when the answer comes.
    let new_link = move |_| {
        feedback.clear();
        let name = name.get_value();
        feedback.run(api::new_setup_link(id.get_value()), move |l| {
            link.set(Some((name, l)));
        });
    };
    let unlock = move |_| {
        feedback.clear();
        let name = name.get_value();
        feedback.run(api::unlock_user(id.get_value()), move |()| {
            feedback.ok(format!(
                "{name} is unlocked: failed attempts are cleared and every method can be tried again."
            ));
        });
    };
    let end_sessions = move |_| {
        let name = name.get_value();
        let question =
            format!("End every session of {name}? They will have to log in again everywhere.");
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        feedback.clear();
        feedback.run(api::end_user_sessions(id.get_value()), move |()| {
            feedback.ok(format!("Every session of {name} has ended."));
        });
    };

    let revoke_codes = move |_| {
        let name = name.get_value();
        let question = format!("Revoke every unused recovery code of {name}?");
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        feedback.clear();
        feedback.run(api::revoke_recovery_codes(id.get_value()), move |()| {
            feedback.ok(format!("The recovery codes of {name} are revoked."));
            on_change.try_run(());
        });
    };
    let recovery_codes = user.recovery_codes;
    let methods = user
        .enrolled
        .iter()
        .map(|m| match m {
            Method::Recovery => format!("{} ({recovery_codes} left)", m.label()),
            m => m.label().to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let facts = [
        user.email.clone(),
        user.phone.clone(),
        (user.role == Role::Admin).then(|| "administrator".to_owned()),
        user.disabled.then(|| "disabled".to_owned()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let key = user.id.clone();
    view! {
        <li class="user" data-username=user.username.clone()>
            <div class="user-head">
                <strong>{user.username.clone()}</strong>
                <span class="hint">{facts}</span>
                {move || {
                    (no_phone && needs_sms.get())
                        .then(|| {
                            view! {
                                <span class="flag" role="note">
                                    "No mobile number: cannot reach the level"
                                </span>
                            }
                        })
                }}
            </div>
            <p class="hint">
                {if methods.is_empty() {
                    "Nothing set up yet".to_owned()
                } else {
                    format!("Set up: {methods}")
                }}
            </p>
            <div class="actions">
                <button
                    type="button"
                    class="secondary"
                    aria-expanded=move || editing.get().to_string()
                    on:click=move |_| editing.update(|e| *e = !*e)
                >
                    "Edit"
                </button>
                <BusyButton class="secondary" on_click=new_link>"New setup link"</BusyButton>
                <BusyButton class="secondary" on_click=unlock>"Unlock"</BusyButton>
                <BusyButton class="secondary" on_click=end_sessions>"End sessions"</BusyButton>
                {(recovery_codes > 0).then(|| view! {
                    <BusyButton class="secondary" on_click=revoke_codes>"Revoke recovery codes"</BusyButton>
                })}
            </div>
            <Show when=move || editing.get()>
                <form class="user-edit" on:submit=save>
                    <label for=format!("email-{key}")>"Email address"</label>
                    <input id=format!("email-{key}") type="email" bind:value=email />
                    <label for=format!("phone-{key}")>"Mobile number"</label>
                    <input id=format!("phone-{key}") type="tel" bind:value=phone />
                    <label class="check">
                        <input type="checkbox" bind:checked=admin />
                        "Administrator"
                    </label>
                    <label class="check">
                        <input type="checkbox" bind:checked=disabled />
                        "Disabled (logins refused, sessions ended)"
                    </label>
                    <BusyButton class="primary" submit=true>"Save"</BusyButton>
                </form>
            </Show>
        </li>
    }
}

#[component]
fn CreateUser(
    directory_id: String,
    link: RwSignal<Option<(String, SetupLink)>>,
    feedback: Feedback,
    on_change: Callback<()>,
) -> impl IntoView {
    let username = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let admin = RwSignal::new(false);
    let dir = StoredValue::new(directory_id);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        feedback.clear();
        let req = CreateUserRequest {
            username: username.get_untracked().trim().to_owned(),
            display_name: None,
            email: given(email.get_untracked()),
            phone: given(phone.get_untracked()),
            role: Some(if admin.get_untracked() {
                Role::Admin
            } else {
                Role::User
            }),
        };
        feedback.run(api::create_user(dir.get_value(), req), move |created| {
            link.set(Some((created.user.username, created.setup_link)));
            for field in [username, email, phone] {
                field.set(String::new());
            }
            admin.set(false);
            on_change.try_run(());
        });
    };
    view! {
        <h3>"Add a user"</h3>
        <form class="user-create" on:submit=submit>
            <label for="new-username">"Username"</label>
            <input
                id="new-username"
                type="text"
                autocapitalize="none"
                spellcheck="false"
                maxlength="64"
                required
                bind:value=username
            />
            <label for="new-email">"Email address (optional)"</label>
            <input id="new-email" type="email" bind:value=email />
            <label for="new-phone">"Mobile number (optional)"</label>
            <input id="new-phone" type="tel" placeholder="+41 79 123 45 67" bind:value=phone />
            <label class="check">
                <input type="checkbox" bind:checked=admin />
                "Administrator"
            </label>
            <BusyButton class="primary" submit=true>"Add user"</BusyButton>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use authlevel_core::Preset;

    #[test]
    fn sms_is_needed_only_when_every_way_has_it() {
        assert!(!sms_needed(&Preset::TwoFactor.policy()));
        let mut p = Preset::TwoFactor.policy();
        p.points.passkey = 0;
        p.points.email = 0;
        p.points.totp = 0;
        assert!(sms_needed(&p));
    }

    #[test]
    fn blank_is_absent() {
        assert_eq!(given("  ".into()), None);
        assert_eq!(given(" a@b.c ".into()), Some("a@b.c".into()));
    }
}
