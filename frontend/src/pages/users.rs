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
use crate::pages::user::{CreateUser, SetupLinkView, UserRow};
use crate::text::{self, admin as t};
use authlevel_core::api::{BulkAction, BulkRequest, BulkResult, SetupLink, UserFilter, UsersPage};
use authlevel_core::{Lang, Policy};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use std::collections::BTreeSet;

/// Users per page.
const PAGE: u32 = 50;

/// `Some(text)` unless `text` is blank.
pub(super) fn given(text: String) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// A filter in words, as the list of filters shows it.
fn filter_label(lang: Lang, filter: UserFilter) -> String {
    match filter {
        UserFilter::NoPhone => t::filter_no_phone(lang),
        UserFilter::NoSecondMethod => t::filter_no_second_method(lang),
        UserFilter::CannotReach => t::filter_cannot_reach(lang),
        UserFilter::CannotReachEdited => t::filter_cannot_reach_edited(lang),
        UserFilter::Locked => t::filter_locked(lang),
        UserFilter::Disabled => t::filter_disabled(lang),
        UserFilter::Has(m) => t::filter_has(lang, m),
        UserFilter::Lacks(m) => t::filter_lacks(lang, m),
    }
}

/// A bulk action's value in the form, its name, and the question before
/// it is done to `n` users.
type ActionWords = (&'static str, fn(Lang) -> String, fn(Lang, u32) -> String);

/// What a bulk action does, in words, and its value in the form.
fn action_label(action: BulkAction) -> ActionWords {
    match action {
        BulkAction::SetupLinks => ("setup_links", t::action_setup_links, t::confirm_setup_links),
        BulkAction::Disable => ("disable", t::action_disable, t::confirm_disable),
        BulkAction::Enable => ("enable", t::action_enable, t::confirm_enable),
    }
}

const ACTIONS: [BulkAction; 3] = [
    BulkAction::SetupLinks,
    BulkAction::Disable,
    BulkAction::Enable,
];

/// A bulk action's result in words: what was done, then whom it passed
/// over and why (the server's words).
fn bulk_summary(lang: Lang, action: BulkAction, r: &BulkResult) -> String {
    let mut text = match action {
        BulkAction::SetupLinks => t::bulk_links_sent(lang, r.done),
        BulkAction::Disable => t::bulk_disabled(lang, r.done),
        BulkAction::Enable => t::bulk_enabled(lang, r.done),
    };
    if !r.skipped.is_empty() {
        let skipped: Vec<String> = r
            .skipped
            .iter()
            .map(|s| format!("{} ({})", s.username, s.reason))
            .collect();
        text.push(' ');
        text.push_str(&t::bulk_passed_over(lang, &skipped.join(", ")));
    }
    text
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
    let lang = feedback.lang;
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
        <h2 id="users">{t::tab_users(lang)}</h2>
        <FeedbackView feedback />
        {move || link.get().map(|(who, l)| view! { <SetupLinkView who link=l /> })}
        <form class="users-search row" role="search" on:submit=search>
            <label class="visually-hidden" for="users-q">{t::search_users(lang)}</label>
            <input
                id="users-q"
                type="search"
                placeholder=t::search_placeholder(lang)
                bind:value=typed
            />
            <BusyButton class="secondary" submit=true>{t::search(lang)}</BusyButton>
        </form>
        <label for="users-filter">{t::show(lang)}</label>
        <select
            id="users-filter"
            on:change=move |ev| {
                show(which.with_untracked(|w| w.q.clone()), event_target_value(&ev))
            }
        >
            <option value="" selected=move || which.with(|w| w.filter.is_empty())>
                {t::all_users(lang)}
            </option>
            {move || {
                filters()
                    .map(|f| {
                        let value = f.as_str();
                        let chosen = which.with(|w| w.filter == value);
                        view! {
                            <option value=value selected=chosen>
                                {filter_label(lang, f)}
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
                            format!(" · {}", t::showing(lang, first + 1, first + shown))
                        };
                        let matching = if which.with(|w| w.q.is_empty() && w.filter.is_empty()) {
                            text::count_users(lang, p.total)
                        } else {
                            t::users_match(lang, p.total)
                        };
                        view! { <p class="users-total" role="status">{matching}{range}</p> }
                    })
            })
        }}
        <div class="actions">
            <a
                class="button"
                download=t::export_file_name(lang)
                href=move || which.with(|w| api::users_export_url(&dir.get_value(), w))
            >
                {t::export_users(lang)}
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
                {t::previous(lang)}
            </BusyButton>
            <BusyButton
                class="secondary"
                disabled=Signal::derive(move || {
                    page.with(|p| p.as_ref().is_none_or(|p| p.next_cursor.is_none()))
                })
                on_click=next
            >
                {t::next(lang)}
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
    let lang = feedback.lang;
    let action = RwSignal::new(BulkAction::SetupLinks);
    let dir = StoredValue::new(directory_id);
    let total = move || page.with(|p| p.as_ref().map_or(0, |p| p.total));
    let run = move |all: bool| {
        let act = action.get_untracked();
        let (_, _, ask) = action_label(act);
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
        let request = api::bulk(dir.get_value(), req);
        feedback.run_if_confirmed(&ask(lang, count), request, move |r| {
            feedback.ok(bulk_summary(lang, act, &r));
            selected.update(BTreeSet::clear);
            on_done.run(());
        });
    };
    // The server cannot be sent the edited policy with a bulk action.
    let by_edited_policy =
        move || which.with(|w| w.filter == UserFilter::CannotReachEdited.as_str());
    view! {
        <fieldset class="bulk">
            <legend>{t::with_chosen(lang)}</legend>
            <label class="visually-hidden" for="bulk-action">{t::action(lang)}</label>
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
                        let (value, words, _) = action_label(a);
                        view! { <option value=value>{words(lang)}</option> }
                    })
                    .collect_view()}
            </select>
            <div class="actions">
                <BusyButton
                    class="secondary"
                    disabled=Signal::derive(move || selected.with(BTreeSet::is_empty))
                    on_click=move |_| run(false)
                >
                    {move || t::apply_selected(lang, selected.with(BTreeSet::len))}
                </BusyButton>
                <BusyButton
                    class="secondary"
                    disabled=Signal::derive(move || total() == 0 || by_edited_policy())
                    on_click=move |_| run(true)
                >
                    {move || t::apply_all(lang, total())}
                </BusyButton>
            </div>
            <Show when=by_edited_policy>
                <p class="hint">{t::edited_policy_hint(lang)}</p>
            </Show>
        </fieldset>
    }
}

/// A setup link, shown once, with a button that copies it.
#[cfg(test)]
mod tests {
    use super::*;
    use authlevel_core::Method;
    use authlevel_core::api::BulkSkip;

    #[test]
    fn blank_is_absent() {
        assert_eq!(given("  ".into()), None);
        assert_eq!(given(" a@b.c ".into()), Some("a@b.c".into()));
    }

    #[test]
    fn every_filter_reads_as_words() {
        for lang in Lang::ALL {
            let labels: BTreeSet<String> = UserFilter::all()
                .into_iter()
                .map(|f| filter_label(lang, f))
                .collect();
            assert_eq!(
                labels.len(),
                UserFilter::all().len(),
                "each label is its own"
            );
        }
        assert_eq!(
            filter_label(Lang::En, UserFilter::Lacks(Method::Sms)),
            "Without a confirmed mobile number"
        );
        assert_eq!(
            filter_label(Lang::Nl, UserFilter::Lacks(Method::Sms)),
            "Zonder een bevestigd mobiel nummer"
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
            bulk_summary(Lang::En, BulkAction::SetupLinks, &r),
            "2 users got a new setup link by email. Passed over: ann (no email address)."
        );
        assert_eq!(
            bulk_summary(Lang::Nl, BulkAction::Disable, &r),
            "2 gebruikers zijn uitgeschakeld. Overgeslagen: ann (no email address)."
        );
    }
}
