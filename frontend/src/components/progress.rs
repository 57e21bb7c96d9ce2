//! Earned points against the required level.

use authlevel_core::Progress;
use leptos::prelude::*;

/// A progress bar `earned / required` and the methods verified so far.
/// `label` names what is measured ("Your login", "What you have set up").
#[component]
pub fn ProgressBar(progress: Progress, #[prop(into)] label: String) -> impl IntoView {
    let Progress {
        earned,
        required,
        verified,
    } = progress;
    let text = format!("{earned} of {required} points");
    let verified = verified
        .iter()
        .map(
            |m| view! { <li class="verified"><span aria-hidden="true">"✓ "</span>{m.label()}</li> },
        )
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
