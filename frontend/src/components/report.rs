//! A policy's analysis: errors, warnings, the ways to the level, and the
//! what-if over today's users.

use authlevel_core::PolicyReport;
use authlevel_core::report::describe;
use leptos::prelude::*;

/// Shows `report`.
#[component]
pub fn ReportView(report: PolicyReport) -> impl IntoView {
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
                <h3>"Cannot be saved"</h3>
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
                <h3>"Warnings"</h3>
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
        view! { <p>"No combination of methods reaches the level."</p> }.into_any()
    } else {
        view! {
            <ul class="combinations">
                {minimal_combinations
                    .into_iter()
                    .map(|s| view! { <li>{describe(s)}</li> })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    let users = users.map(|u| {
        let text = if u.cannot_reach == 0 {
            format!(
                "All {} users can reach the level with what they have enrolled today.",
                u.total
            )
        } else {
            format!(
                "{} of {} users could not reach the level with what they have enrolled today.",
                u.cannot_reach, u.total
            )
        };
        view! { <p class="users">{text}</p> }
    });
    view! {
        <div class="report">
            {errors}
            {warnings}
            {notes}
            <h3>"Ways to reach the level"</h3>
            {combinations}
            {users}
        </div>
    }
}
