//! Earned points against the required level.

use crate::language::lang;
use crate::text;
use authlevel_core::Progress;
use leptos::prelude::*;

/// A progress bar `earned / required` and the methods verified so far.
/// `label` names what is measured ("Your login", "What you have set up").
/// More than the level reads as such ("50 points, more than the level of
/// 30"), never as "50 of 30".
#[component]
pub fn ProgressBar(progress: Progress, #[prop(into)] label: String) -> impl IntoView {
    let lang = lang();
    let Progress {
        earned,
        required,
        verified,
        ..
    } = progress;
    let text = if earned > required {
        text::progress_beyond(lang, earned, required)
    } else {
        text::progress_points(lang, earned, required)
    };
    let verified = verified
        .iter()
        .map(|m| {
            view! {
                <li class="verified">
                    <span aria-hidden="true">"✓ "</span>
                    {m.label_in(lang)}
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="progress">
            <div class="progress-label">
                <span>{label.clone()}</span>
                <span class="points">{text.clone()}</span>
            </div>
            <progress
                max=required.max(1).to_string()
                value=earned.min(required).to_string()
                aria-label=label
                aria-valuetext=text.clone()
            >
                {text.clone()}
            </progress>
            <ul class="verified-list">{verified}</ul>
        </div>
    }
}
