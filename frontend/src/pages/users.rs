//! The Users tab of a directory: one page at a time from the server (by
//! username, with a cursor), a search, the filters, how many match; a
//! selection for bulk actions (setup links by email, disable, enable) on
//! the users chosen or on every user that matches; the CSV export of what
//! matches and the import. Per user: contact details, role and status, a
//! new setup link, lifting a lockout, ending every session, revoking
//! recovery codes. The search and the filter live in the address, so a
//! link (from the Authentication tab's warnings) names exactly those users.

use crate::api::{self, UsersQuery};
use crate::app::{Nav, Tab, directory_path, query};
use crate::components::{BusyButton, Feedback, FeedbackView};
use crate::pages::admin::sms_needed;
use crate::pages::import::ImportUsers;
use authlevel_core::api::{
    BulkAction, BulkRequest, BulkResult, CreateUserRequest, Role, SetupLink, UpdateUserRequest,
    User, UserFilter, UsersPage,
};
use authlevel_core::{Method, Policy};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// Users per page.
const PAGE: u32 = 50;

/// `Some(text)` unless `text` is blank.
fn given(text: String) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A filter in words, as the list of filters shows it.
fn filter_label(filter: UserFilter) -> String {
    match filter {
        UserFilter::NoPhone => "No mobile number".into(),
        UserFilter::NoSecondMethod => {
            "No second method (SMS, email, authenticator app or recovery codes)".into()
        }
        UserFilter::CannotReach => "Cannot reach the level (saved policy)".into(),
        UserFilter::CannotReachEdited => "Cannot reach the level (policy being edited)".into(),
        UserFilter::Locked => "Locked out".into(),
        UserFilter::Disabled => "Disabled".into(),
        UserFilter::Has(m) => format!("With {}", m.enrolment_need()),
        UserFilter::Lacks(m) => format!("Without {}", m.enrolment_need()),
    }
}

/// What a bulk action does, in words, and its value in the form.
fn action_label(action: BulkAction) -> (&'static str, &'static str) {
    match action {
        BulkAction::SetupLinks => ("setup_links", "Email a new setup link"),
        BulkAction::Disable => ("disable", "Disable"),
        BulkAction::Enable => ("enable", "Enable"),
    }
}

const ACTIONS: [BulkAction; 3] = [
    BulkAction::SetupLinks,
    BulkAction::Disable,
    BulkAction::Enable,
];

/// A bulk action's result in words.
fn bulk_summary(action: BulkAction, r: &BulkResult) -> String {
    let is = if r.done == 1 { "is" } else { "are" };
    let done = match action {
        BulkAction::SetupLinks => "got a new setup link by email".to_owned(),
        BulkAction::Disable => format!("{is} disabled"),
        BulkAction::Enable => format!("{is} enabled"),
    };
    let mut text = format!("{} {done}.", count_users(r.done));
    if !r.skipped.is_empty() {
        let skipped: Vec<String> = r
            .skipped
            .iter()
            .map(|s| format!("{} ({})", s.username, s.reason))
            .collect();
        text.push_str(&format!(" Passed over: {}.", skipped.join(", ")));
    }
    text
}

/// "1 user", "3 users".
fn count_users(n: u32) -> String {
    if n == 1 {
        "1 user".into()
    } else {
        format!("{n} users")
    }
}

/// The users of `directory_id` (whose slug is `slug`); `policy` is its
/// saved policy.
#[component]
pub fn UsersAdmin(
    #[prop(into)] directory_id: String,
    #[prop(into)] slug: String,
    #[prop(into)] policy: Signal<Option<Policy>>,
) -> impl IntoView {
    let nav = Nav::get();
    let feedback = Feedback::new();
    let page = RwSignal::new(None::<UsersPage>);
    // How many users the pages before the one shown hold.
    let before = RwSignal::new(0u32);
    // The cursors of the pages up to the one shown ("" is the first), for
    // Previous.
    let cursors = RwSignal::new(vec![String::new()]);
    let selected = RwSignal::new(BTreeSet::<String>::new());
    // A setup link just issued: whose, and the link (shown once).
    let link = RwSignal::new(None::<(String, SetupLink)>);
    let dir = StoredValue::new(directory_id);
    let slug = StoredValue::new(slug);
    let which = Memo::new(move |_| UsersQuery {
        q: nav.param("q").unwrap_or_default(),
        filter: nav.param("filter").unwrap_or_default(),
        policy: nav.param("policy").unwrap_or_default(),
    });

    let fetch = move |cursor: String| {
        let skipped = (cursors.with_untracked(Vec::len) as u32).saturating_sub(1) * PAGE;
        feedback.run(
            api::users(dir.get_value(), which.get_untracked(), cursor, PAGE),
            move |p| {
                before.set(skipped);
                page.set(Some(p));
            },
        );
    };
    // The search being typed.
    let typed = RwSignal::new(String::new());
    // A new search or filter (typed, chosen, or by the back button): its
    // first page, nothing selected.
    Effect::new(move || {
        typed.set(which.with(|w| w.q.clone()));
        cursors.set(vec![String::new()]);
        selected.update(BTreeSet::clear);
        fetch(String::new());
    });
    // A user was added or changed: the page shown, again.
    let reload = Callback::new(move |()| {
        fetch(cursors.with_untracked(|c| c.last().cloned().unwrap_or_default()));
    });
    let next = move |_| {
        let Some(cursor) = page.with_untracked(|p| p.as_ref().and_then(|p| p.next_cursor.clone()))
        else {
            return;
        };
        cursors.update(|c| c.push(cursor.clone()));
        fetch(cursor);
    };
    let previous = move |_| {
        cursors.update(|c| {
            if c.len() > 1 {
                c.pop();
            }
        });
        reload.run(());
    };
    // The users of `q` and `filter`, in the address (a history entry each).
    let show = move |q: String, filter: String| {
        let policy = if filter == UserFilter::CannotReachEdited.as_str() {
            which.with_untracked(|w| w.policy.clone())
        } else {
            String::new()
        };
        let query = query(&[("q", &q), ("filter", &filter), ("policy", &policy)]);
        nav.go(&format!(
            "{}{query}",
            directory_path(&slug.get_value(), Tab::Users)
        ));
    };

    let needs_sms = Memo::new(move |_| policy.with(|p| p.as_ref().is_some_and(sms_needed)));
    let search = move |ev: SubmitEvent| {
        ev.prevent_default();
        show(
            typed.get_untracked().trim().to_owned(),
            which.with_untracked(|w| w.filter.clone()),
        );
    };
    let filters = move || {
        // The edited policy's filter only with the policy it speaks of.
        let edited = which.with(|w| !w.policy.is_empty());
        UserFilter::all()
            .into_iter()
            .filter(move |f| edited || *f != UserFilter::CannotReachEdited)
    };

    view! {
        <h2 id="users">"Users"</h2>
        <FeedbackView feedback />
        {move || link.get().map(|(who, l)| view! { <SetupLinkView who link=l /> })}
        <form class="users-search row" role="search" on:submit=search>
            <label class="visually-hidden" for="users-q">"Search users"</label>
            <input
                id="users-q"
                type="search"
                placeholder="Username, name, email or phone"
                bind:value=typed
            />
            <BusyButton class="secondary" submit=true>"Search"</BusyButton>
        </form>
        <label for="users-filter">"Show"</label>
        <select
            id="users-filter"
            on:change=move |ev| {
                show(which.with_untracked(|w| w.q.clone()), event_target_value(&ev))
            }
        >
            <option value="" selected=move || which.with(|w| w.filter.is_empty())>
                "All users"
            </option>
            {move || {
                filters()
                    .map(|f| {
                        let value = f.as_str();
                        let chosen = which.with(|w| w.filter == value);
                        view! {
                            <option value=value selected=chosen>
                                {filter_label(f)}
                            </option>
                        }
                    })
                    .collect_view()
            }}
        </select>
        {move || {
            page.with(|p| {
                p.as_ref()
                    .map(|p| {
                        let first = before.get();
                        let shown = p.users.len() as u32;
                        let range = if shown == 0 {
                            String::new()
                        } else {
                            format!(" · showing {}–{}", first + 1, first + shown)
                        };
                        let matching = if which.with(|w| w.q.is_empty() && w.filter.is_empty()) {
                            count_users(p.total)
                        } else if p.total == 1 {
                            "1 user matches".to_owned()
                        } else {
                            format!("{} users match", p.total)
                        };
                        view! { <p class="users-total" role="status">{matching}{range}</p> }
                    })
            })
        }}
        <div class="actions">
            <a
                class="button"
                download="users.csv"
                href=move || which.with(|w| api::users_export_url(&dir.get_value(), w))
            >
                "Export these users (CSV)"
            </a>
        </div>
        <BulkActions directory_id=dir.get_value() which selected page feedback on_done=reload />
        <ul class="users-list">
            {move || {
                page.with(|p| {
                    p.iter()
                        .flat_map(|p| p.users.clone())
                        .map(|u| {
                            view! { <UserRow user=u needs_sms selected link feedback on_change=reload /> }
                        })
                        .collect_view()
                })
            }}
        </ul>
        <div class="actions pager">
            <BusyButton
                class="secondary"
                disabled=Signal::derive(move || cursors.with(|c| c.len() <= 1))
                on_click=previous
            >
                "Previous"
            </BusyButton>
            <BusyButton
                class="secondary"
                disabled=Signal::derive(move || {
                    page.with(|p| p.as_ref().is_none_or(|p| p.next_cursor.is_none()))
                })
                on_click=next
            >
                "Next"
            </BusyButton>
        </div>
        <CreateUser directory_id=dir.get_value() link feedback on_change=reload />
        <ImportUsers directory_id=dir.get_value() on_done=reload />
    }
}

/// The selection's actions: on the users selected, or on every user the
/// search and filter match.
#[component]
fn BulkActions(
    directory_id: String,
    which: Memo<UsersQuery>,
    selected: RwSignal<BTreeSet<String>>,
    page: RwSignal<Option<UsersPage>>,
    feedback: Feedback,
    on_done: Callback<()>,
) -> impl IntoView {
    let action = RwSignal::new(BulkAction::SetupLinks);
    let dir = StoredValue::new(directory_id);
    let total = move || page.with(|p| p.as_ref().map_or(0, |p| p.total));
    let run = move |all: bool| {
        let act = action.get_untracked();
        let (_, words) = action_label(act);
        let (req, count) = if all {
            let w = which.get_untracked();
            let req = BulkRequest {
                action: act,
                user_ids: Vec::new(),
                filter: given(w.filter),
                q: given(w.q),
                // The edited policy's users are acted on one by one.
                policy: None,
            };
            (req, total())
        } else {
            let ids: Vec<String> = selected.with_untracked(|s| s.iter().cloned().collect());
            let n = ids.len() as u32;
            let req = BulkRequest {
                action: act,
                user_ids: ids,
                filter: None,
                q: None,
                policy: None,
            };
            (req, n)
        };
        let question = format!("{words}: {}?", count_users(count));
        if !window().confirm_with_message(&question).unwrap_or(false) {
            return;
        }
        feedback.clear();
        feedback.run(api::bulk(dir.get_value(), req), move |r| {
            feedback.ok(bulk_summary(act, &r));
            selected.update(BTreeSet::clear);
            on_done.run(());
        });
    };
    // The server cannot be sent the edited policy with a bulk action.
    let by_edited_policy =
        move || which.with(|w| w.filter == UserFilter::CannotReachEdited.as_str());
    view! {
        <fieldset class="bulk">
            <legend>"With the users chosen"</legend>
            <label class="visually-hidden" for="bulk-action">"Action"</label>
            <select
                id="bulk-action"
                on:change=move |ev| {
                    let value = event_target_value(&ev);
                    if let Some(a) = ACTIONS.into_iter().find(|a| action_label(*a).0 == value) {
                        action.set(a);
                    }
                }
            >
                {ACTIONS
                    .into_iter()
                    .map(|a| {
                        let (value, words) = action_label(a);
                        view! { <option value=value>{words}</option> }
                    })
                    .collect_view()}
            </select>
            <div class="actions">
                <BusyButton
                    class="secondary"
                    disabled=Signal::derive(move || selected.with(BTreeSet::is_empty))
                    on_click=move |_| run(false)
                >
                    {move || format!("Apply to {} selected", selected.with(BTreeSet::len))}
                </BusyButton>
                <BusyButton
                    class="secondary"
                    disabled=Signal::derive(move || total() == 0 || by_edited_policy())
                    on_click=move |_| run(true)
                >
                    {move || format!("Apply to all that match ({})", total())}
                </BusyButton>
            </div>
            <Show when=by_edited_policy>
                <p class="hint">
                    "Users found by a policy not yet saved can be chosen one by one; save it to act on all of them."
                </p>
            </Show>
        </fieldset>
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
    selected: RwSignal<BTreeSet<String>>,
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
    let shown_name = (user.display_name != user.username && !user.display_name.is_empty())
        .then(|| user.display_name.clone());
    let facts = [
        shown_name,
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
    let is_selected = move || id.with_value(|id| selected.with(|s| s.contains(id)));
    let toggle = move |ev| {
        let on = event_target_checked(&ev);
        let id = id.get_value();
        selected.update(|s| {
            if on {
                s.insert(id);
            } else {
                s.remove(&id);
            }
        });
    };
    view! {
        <li class="user" data-username=user.username.clone()>
            <div class="user-head">
                <input
                    type="checkbox"
                    class="select"
                    aria-label=format!("Select {}", user.username)
                    prop:checked=is_selected
                    on:change=toggle
                />
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
    use authlevel_core::api::BulkSkip;

    #[test]
    fn blank_is_absent() {
        assert_eq!(given("  ".into()), None);
        assert_eq!(given(" a@b.c ".into()), Some("a@b.c".into()));
    }

    #[test]
    fn every_filter_reads_as_words() {
        let labels: BTreeSet<String> = UserFilter::all().into_iter().map(filter_label).collect();
        assert_eq!(
            labels.len(),
            UserFilter::all().len(),
            "each label is its own"
        );
        assert_eq!(
            filter_label(UserFilter::Lacks(Method::Sms)),
            "Without a confirmed mobile number"
        );
    }

    #[test]
    fn actions_round_trip_and_summaries_name_who_was_passed_over() {
        for a in ACTIONS {
            let value = action_label(a).0;
            assert_eq!(serde_json::to_value(a).unwrap(), value);
        }
        let r = BulkResult {
            done: 2,
            skipped: vec![BulkSkip {
                username: "ann".into(),
                reason: "no email address".into(),
            }],
        };
        assert_eq!(
            bulk_summary(BulkAction::SetupLinks, &r),
            "2 users got a new setup link by email. Passed over: ann (no email address)."
        );
    }
}
