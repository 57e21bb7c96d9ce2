//! `/admin/directories/{slug}/{tab}`: one directory, in four tabs as its
//! administrators know them: *Authentication* (the policy, the live
//! analysis, and who it leaves behind), *Users*, *Applications* and
//! *Activity*. The analysis is computed in the browser by
//! `authlevel_core::analyse_in` as the administrator types, with the same
//! code the server runs when it saves, over the directory's enrolment
//! counts, in the page's language.

use crate::api;
use crate::app::{ADMIN, Nav, Tab, current_tab, directory_path, query};
use crate::components::{Busy, BusyButton, ProblemMessage, ReportView};
use crate::language::lang;
use crate::pages::LoginLink;
use crate::pages::audit::AuditLog;
use crate::pages::clients::ClientsAdmin;
use crate::pages::directories::login_url;
use crate::pages::replay::ReplayPanel;
use crate::pages::users::UsersAdmin;
use crate::text::{self, admin as t};
use authlevel_core::api::{Directory, UserFilter};
use authlevel_core::report::analyse_in;
use authlevel_core::risk::MAX_AGE_S;
use authlevel_core::{
    EnrolmentCount, FindingCode, MAX_LEVEL, Method, Policy, PolicyReport, Preset, Signal,
    UserImpact, minimal_combinations,
};
use leptos::prelude::*;

/// A number typed in a field, when it is one.
fn parse_points(text: &str) -> Option<u32> {
    text.trim().parse().ok()
}

/// Reads a number of a policy, for [`PolicyEditor`]'s fields.
type Field = Box<dyn Fn(&Policy) -> u32 + Send + Sync>;
/// Writes it.
type SetField = Box<dyn Fn(&mut Policy, u32) + Send + Sync>;

/// Whether every way to `policy`'s level needs an SMS code.
pub fn sms_needed(policy: &Policy) -> bool {
    let ways = minimal_combinations(policy);
    !ways.is_empty() && ways.iter().all(|w| w.contains(Method::Sms))
}

/// The address of the users `filter` names, in the Users tab of `slug`.
fn users_link(slug: &str, filter: UserFilter, policy: Option<&Policy>) -> String {
    let policy = policy
        .and_then(|p| serde_json::to_string(p).ok())
        .unwrap_or_default();
    format!(
        "{}{}",
        directory_path(slug, Tab::Users),
        query(&[("filter", &filter.as_str()), ("policy", &policy)])
    )
}

/// A directory's page.
#[component]
pub fn DirectoryPage(slug: String) -> impl IntoView {
    let busy = Busy::get();
    let lang = lang();
    let nav = Nav::get();
    let directory = RwSignal::new(None::<Directory>);
    // The policy being edited, and the one saved on the server.
    let policy = RwSignal::new(None::<Policy>);
    let saved = RwSignal::new(None::<Policy>);
    let enrolments = RwSignal::new(Vec::<EnrolmentCount>::new());
    let error = RwSignal::new(None::<String>);
    let needs_login = RwSignal::new(false);
    let tab = Memo::new(move |_| current_tab(nav).unwrap_or(Tab::Authentication));

    let fail = move |e: api::ApiError| {
        if e.status() == Some(401) {
            needs_login.set(true);
        }
        error.set(Some(e.message(lang)));
    };
    let wanted = slug.clone();
    busy.run(
        api::directories(),
        move |list| match list.into_iter().find(|d| d.slug == wanted) {
            Some(d) => {
                busy.run(
                    api::policy(d.id.clone()),
                    move |r| {
                        policy.set(Some(r.policy));
                        saved.set(Some(r.policy));
                        enrolments.set(r.enrolments);
                    },
                    fail,
                );
                directory.set(Some(d));
            }
            None => error.set(Some(t::no_such_directory(lang, &wanted))),
        },
        fail,
    );
    // The Authentication tab shown again: users may have changed since, so
    // the what-if counts them again; the policy being edited stays.
    let recount = Callback::new(move |()| {
        let Some(id) = directory.with_untracked(|d| d.as_ref().map(|d| d.id.clone())) else {
            return;
        };
        if saved.with_untracked(Option::is_none) {
            return;
        }
        // On failure the what-if stays as it was.
        busy.run(
            api::policy(id),
            move |r| enrolments.set(r.enrolments),
            |_| {},
        );
    });

    let slug = StoredValue::new(slug);
    view! {
        <div class="card wide">
            <p class="crumbs">
                <a href=ADMIN>{t::directories(lang)}</a>
            </p>
            <h1>
                {move || {
                    directory.with(|d| d.as_ref().map_or_else(|| slug.get_value(), |d| d.name.clone()))
                }}
            </h1>
            <p class="hint">
                {t::login_page(lang)}
                " "
                {move || {
                    let url = login_url(&slug.get_value());
                    let text = url.clone();
                    view! { <a href=url>{text}</a> }
                }}
            </p>
            <nav class="tabs" aria-label=t::directory_tabs(lang)>
                {Tab::ALL
                    .into_iter()
                    .map(|t| {
                        view! {
                            <a
                                href=directory_path(&slug.get_value(), t)
                                aria-current=move || (tab.get() == t).then_some("page")
                            >
                                {t.label_in(lang)}
                            </a>
                        }
                    })
                    .collect_view()}
            </nav>
            <ProblemMessage message=error />
            <LoginLink when=needs_login text=t::log_in_as_admin_here(lang) />
            {move || {
                let id = directory.with(|d| d.as_ref().map(|d| d.id.clone()))?;
                let slug = slug.get_value();
                Some(match tab.get() {
                    Tab::Authentication => {
                        recount.run(());
                        view! { <PolicyEditor directory_id=id slug policy saved enrolments /> }
                            .into_any()
                    }
                    Tab::Users => view! { <UsersAdmin directory_id=id slug policy=saved /> }.into_any(),
                    Tab::Applications => view! { <ClientsAdmin directory_id=id /> }.into_any(),
                    Tab::Activity => view! { <AuditLog directory_id=id /> }.into_any(),
                })
            }}
        </div>
    }
}

/// The Authentication tab: presets, level and points, saving, who the
/// policy leaves behind, and its analysis.
#[component]
fn PolicyEditor(
    directory_id: String,
    slug: String,
    policy: RwSignal<Option<Policy>>,
    saved: RwSignal<Option<Policy>>,
    enrolments: RwSignal<Vec<EnrolmentCount>>,
) -> impl IntoView {
    let busy = Busy::get();
    let lang = lang();
    let error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let refused = RwSignal::new(None::<PolicyReport>);
    let report = Memo::new(move |_| {
        policy
            .get()
            .map(|p| enrolments.with(|users| analyse_in(&p, Some(users), lang)))
    });
    let dirty = move || policy.get() != saved.get();
    let has_errors = move || report.with(|r| r.as_ref().is_some_and(|r| !r.is_ok()));
    let id = StoredValue::new(directory_id);
    let slug = StoredValue::new(slug);

    let save = move |_| {
        let Some(p) = policy.get_untracked() else {
            return;
        };
        error.set(None);
        notice.set(None);
        refused.set(None);
        busy.run(
            api::save_policy(id.get_value(), p),
            move |_| {
                saved.set(Some(p));
                notice.set(Some(t::policy_saved(lang)));
            },
            move |e| {
                refused.set(e.report().cloned());
                error.set(Some(e.message(lang)));
            },
        );
    };
    let set_level = move |ev| {
        if let Some(v) = parse_points(&event_target_value(&ev)) {
            policy.update(|p| {
                if let Some(p) = p {
                    p.required_level = v;
                }
            });
        }
    };

    // A whole number of the policy, 0 to `max`: `get` reads it, `set`
    // writes it.
    let number_field = move |id: String, label: String, max: u32, get: Field, set: SetField| {
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input
                    id=id
                    type="number"
                    inputmode="numeric"
                    min="0"
                    max=max.to_string()
                    step="1"
                    prop:value=move || policy.get().map(|p| get(&p).to_string()).unwrap_or_default()
                    on:input=move |ev| {
                        if let Some(v) = parse_points(&event_target_value(&ev)) {
                            policy.update(|p| {
                                if let Some(p) = p {
                                    set(p, v);
                                }
                            });
                        }
                    }
                />
            </div>
        }
    };
    let points_field = move |m: Method| {
        number_field(
            format!("points-{}", m.as_str()),
            m.label_in(lang),
            MAX_LEVEL,
            Box::new(move |p| p.points.get(m)),
            Box::new(move |p, v| p.points.set(m, v)),
        )
    };
    let lifetime_field = move |m: Method| {
        number_field(
            format!("max-age-{}", m.as_str()),
            t::lifetime_of(lang, &m.label_in(lang)),
            MAX_AGE_S,
            Box::new(move |p| p.max_age_s.get(m)),
            Box::new(move |p, v| p.max_age_s.set(m, v)),
        )
    };
    let risk_field = move |s: Signal| {
        number_field(
            format!("risk-{}", s.as_str()),
            t::risk_signal(lang, s.as_str()),
            MAX_LEVEL,
            Box::new(move |p| p.risk.points(s)),
            Box::new(move |p, v| *p.risk.points_mut(s) = v),
        )
    };

    view! {
        <h2>{t::tab_authentication(lang)}</h2>
        <ProblemMessage message=error />
        <Show when=move || policy.with(Option::is_some)>
            <form class="policy" on:submit=|ev| ev.prevent_default()>
                <fieldset class="presets">
                    <legend>{t::start_from_preset(lang)}</legend>
                    {Preset::ALL
                        .into_iter()
                        .map(|preset| {
                            view! {
                                <button
                                    type="button"
                                    class="secondary"
                                    aria-pressed=move || {
                                        (policy.get().and_then(|p| p.preset()) == Some(preset))
                                            .to_string()
                                    }
                                    on:click=move |_| policy.set(Some(preset.policy()))
                                >
                                    {preset.label_in(lang)}
                                </button>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <div class="field">
                    <label for="required-level">{t::required_level(lang)}</label>
                    <input
                        id="required-level"
                        type="number"
                        inputmode="numeric"
                        min="1"
                        max="1000"
                        step="1"
                        prop:value=move || {
                            policy.get().map(|p| p.required_level.to_string()).unwrap_or_default()
                        }
                        on:input=set_level
                    />
                </div>
                <fieldset class="points-grid">
                    <legend>{t::points_per_method(lang)}</legend>
                    {Method::ALL.into_iter().map(points_field).collect_view()}
                </fieldset>
                <fieldset class="points-grid">
                    <legend>{t::risk_points(lang)}</legend>
                    {Signal::ALL.into_iter().map(risk_field).collect_view()}
                </fieldset>
                <fieldset class="points-grid">
                    <legend>{t::lifetimes(lang)}</legend>
                    {Method::ALL.into_iter().map(lifetime_field).collect_view()}
                </fieldset>
                <div class="actions">
                    <BusyButton
                        class="primary"
                        disabled=move || has_errors() || !dirty()
                        on_click=save
                    >
                        {text::save(lang)}
                    </BusyButton>
                    <button
                        type="button"
                        class="secondary"
                        disabled=move || !dirty()
                        on:click=move |_| policy.set(saved.get_untracked())
                    >
                        {t::undo_changes(lang)}
                    </button>
                    {move || {
                        dirty().then(|| view! { <span class="hint">{t::unsaved_changes(lang)}</span> })
                    }}
                </div>
                {move || notice.get().map(|n| view! { <p class="ok" role="status">{n}</p> })}
            </form>
            {move || {
                let p = policy.get()?;
                let impact = report.with(|r| r.as_ref().and_then(|r| r.users))?;
                let edited = dirty().then_some(p);
                Some(view! { <UsersLeftBehind slug=slug.get_value() policy=p edited impact /> })
            }}
            {move || {
                refused
                    .get()
                    .map(|r| {
                        view! {
                            <h2>{t::server_refused(lang)}</h2>
                            <ReportView report=r />
                        }
                    })
            }}
            <ReplayPanel directory_id=id.get_value() policy />
            <h2>{t::what_policy_does(lang)}</h2>
            {move || {
                report
                    .get()
                    .map(|mut r| {
                        // Who is left behind is told above, with links.
                        r.users = None;
                        r.warnings
                            .retain(|f| {
                                !matches!(
                                    f.code,
                                    FindingCode::SmsNeededWithoutPhone | FindingCode::UsersCannotReach
                                )
                            });
                        view! { <ReportView report=r /> }
                    })
            }}
        </Show>
    }
}

/// The original product's warning, made useful: how many users have no
/// mobile number (when SMS codes count) and how many could not reach the
/// level under `policy`, each with a link to exactly those users. `edited`:
/// the policy when it is not the saved one (its users are found by it).
#[component]
fn UsersLeftBehind(
    slug: String,
    policy: Policy,
    edited: Option<Policy>,
    impact: UserImpact,
) -> impl IntoView {
    let lang = lang();
    let UserImpact {
        total,
        cannot_reach,
        without_phone,
    } = impact;
    if total == 0 {
        return view! {
            <div class="users-left" role="status">
                <p>{t::no_users_yet(lang)}</p>
            </div>
        }
        .into_any();
    }
    let show = move |n: u32, href: String| {
        (n > 0).then(|| view! { " " <a href=href>{t::show_them(lang, n)}</a> })
    };
    let phone = (policy.points.get(Method::Sms) > 0).then(|| {
        let words = if without_phone == 0 {
            t::no_phone_plain(lang, 0)
        } else if sms_needed(&policy) {
            t::no_phone_blocked(lang, without_phone)
        } else {
            t::no_phone_no_sms(lang, without_phone)
        };
        view! {
            <p data-warning="no-phone">
                {words}
                {show(without_phone, users_link(&slug, UserFilter::NoPhone, None))}
            </p>
        }
    });
    let reach = if cannot_reach == 0 {
        t::reach_all(lang, total)
    } else {
        t::reach_some(lang, cannot_reach, total)
    };
    let reach_link = match &edited {
        Some(p) => users_link(&slug, UserFilter::CannotReachEdited, Some(p)),
        None => users_link(&slug, UserFilter::CannotReach, None),
    };
    let warn = without_phone > 0 && policy.points.get(Method::Sms) > 0 || cannot_reach > 0;
    view! {
        <div class="users-left" class:warning=warn role="status">
            {phone}
            <p data-warning="cannot-reach">{reach} {show(cannot_reach, reach_link)}</p>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_whole_numbers() {
        assert_eq!(parse_points(" 30 "), Some(30));
        assert_eq!(parse_points(""), None);
        assert_eq!(parse_points("-1"), None);
        assert_eq!(parse_points("2.5"), None);
    }

    #[test]
    fn sms_is_needed_only_when_every_way_has_it() {
        assert!(!sms_needed(&Preset::TwoFactor.policy()));
        let mut p = Preset::TwoFactor.policy();
        p.points.set(Method::Passkey, 0);
        p.points.set(Method::Email, 0);
        p.points.set(Method::Totp, 0);
        p.points.set(Method::Recovery, 0);
        p.points.set(Method::App, 0);
        assert!(sms_needed(&p));
    }

    #[test]
    fn links_name_exactly_those_users() {
        assert_eq!(
            users_link("acme", UserFilter::NoPhone, None),
            "/admin/directories/acme/users?filter=no_phone"
        );
        let p = Preset::TwoFactor.policy();
        let link = users_link("acme", UserFilter::CannotReachEdited, Some(&p));
        let (_, q) = link.split_once('?').unwrap();
        assert_eq!(
            crate::app::param(q, "filter").as_deref(),
            Some("cannot_reach_edited")
        );
        let sent: Policy = serde_json::from_str(&crate::app::param(q, "policy").unwrap()).unwrap();
        assert_eq!(sent, p);
    }
}
