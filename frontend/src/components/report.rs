//! A policy's analysis: errors, warnings, the ways to the level, and the
//! what-if over today's users.

use crate::language::lang;
use crate::text::admin as t;
use authlevel_core::PolicyReport;
use authlevel_core::report::describe_in;
use leptos::prelude::*;

/// Shows `report`.
#[component]
pub fn ReportView(report: PolicyReport) -> impl IntoView {
    let lang = lang();
    let PolicyReport {
        errors,
        warnings,
        notes,
        minimal_combinations,
        users,
    } = report;
    let errors = (!errors.is_empty()).then(|| {
        view! {
            <div class="findings errors" role="alert">
                <h3>{t::cannot_be_saved(lang)}</h3>
                <ul>
                    {errors
                        .into_iter()
                        .map(|f| view! { <li data-code=format!("{:?}", f.code)>{f.message}</li> })
                        .collect_view()}
                </ul>
            </div>
        }
    });
    let warnings = (!warnings.is_empty()).then(|| {
        view! {
            <div class="findings warnings">
                <h3>{t::warnings(lang)}</h3>
                <ul>
                    {warnings
                        .into_iter()
                        .map(|f| view! { <li>{f.message}</li> })
                        .collect_view()}
                </ul>
            </div>
        }
    });
    let notes = (!notes.is_empty()).then(|| {
        view! {
            <ul class="findings notes">
                {notes.into_iter().map(|f| view! { <li>{f.message}</li> }).collect_view()}
            </ul>
        }
    });
    let combinations = if minimal_combinations.is_empty() {
        view! { <p>{t::no_combination(lang)}</p> }.into_any()
    } else {
        view! {
            <ul class="combinations">
                {minimal_combinations
                    .into_iter()
                    .map(|s| view! { <li>{describe_in(s, lang)}</li> })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    let users = users.map(|u| {
        let text = if u.cannot_reach == 0 {
            t::report_all_reach(lang, u.total)
        } else {
            t::report_some_cannot(lang, u.cannot_reach, u.total)
        };
        view! { <p class="users">{text}</p> }
    });
    view! {
        <div class="report">
            {errors}
            {warnings}
            {notes}
            <h3>{t::ways_to_level(lang)}</h3>
            {combinations}
            {users}
        </div>
    }
}
