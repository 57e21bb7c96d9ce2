//! A policy's analysis: errors, warnings, the ways to the level, and the
//! what-if over today's users.

use crate::language::lang;
use crate::text::admin as t;
use authlevel_core::PolicyReport;
use authlevel_core::report::Finding;
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
    let errors = findings(errors, "errors", t::cannot_be_saved(lang));
    let warnings = findings(warnings, "warnings", t::warnings(lang));
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

/// The findings of one kind (`class`: `errors`, `warnings`) under `title`,
/// each with its code; nothing when there are none. Errors are an alert.
fn findings(list: Vec<Finding>, class: &'static str, title: String) -> Option<impl IntoView> {
    (!list.is_empty()).then(|| {
        view! {
            <div class=format!("findings {class}") role=(class == "errors").then_some("alert")>
                <h3>{title}</h3>
                <ul>
                    {list
                        .into_iter()
                        .map(|f| view! { <li data-code=format!("{:?}", f.code)>{f.message}</li> })
                        .collect_view()}
                </ul>
            </div>
        }
    })
}
