//! An error message in words.

use leptos::prelude::*;

/// Shows `message` as an alert when there is one.
#[component]
pub fn ProblemMessage(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message
            .get()
            .map(|m| view! { <p class="problem" role="alert">{m}</p> })
    }
}
