//! Reusable pieces of the pages. `ProgressBar`, `OptionCard`, `ReportView`
//! and `ProblemMessage` are pure functions of their props.

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests;
pub mod busy;
pub mod code_entry;
pub mod enrol;
pub mod feedback;
pub mod field;
pub mod option_card;
pub mod problem;
pub mod progress;
pub mod relogin;
pub mod report;

pub use busy::{Busy, BusyButton, BusyIndicator};
pub use code_entry::CodeEntry;
pub use enrol::{ConfirmForm, ContactEnrol};
pub use feedback::{Feedback, FeedbackView};
pub use field::{Autofill, Check, Field, ToggleButton};
pub use option_card::OptionCard;
pub use problem::ProblemMessage;
pub use progress::ProgressBar;
pub use relogin::ReloginDialog;
pub use report::ReportView;

use leptos::prelude::*;

/// `items` as a list of class `class`, each drawn by `row`; the hint
/// `empty` when there are none.
pub fn list_or_hint<T, V: IntoView + 'static>(
    items: Vec<T>,
    class: &'static str,
    empty: String,
    row: impl FnMut(T) -> V,
) -> AnyView {
    if items.is_empty() {
        view! { <p class="hint">{empty}</p> }.into_any()
    } else {
        view! { <ul class=class>{items.into_iter().map(row).collect_view()}</ul> }.into_any()
    }
}
