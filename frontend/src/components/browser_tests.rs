//! The pure components rendered in a real browser (wasm-bindgen-test, run by
//! `scripts/test-browser` in headless Chromium through chromedriver).

use super::{OptionCard, ProgressBar};
use authlevel_core::{Lang, LoginOption, Method, MethodSet, Progress};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Renders `view` into a fresh element of the page, and leaves it mounted.
fn render<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> web_sys::HtmlElement {
    let document = document();
    let host: web_sys::HtmlElement = document
        .create_element("div")
        .ok()
        .and_then(|e| e.dyn_into().ok())
        .unwrap_or_else(|| unreachable!("a div is an HtmlElement"));
    document
        .body()
        .and_then(|b| b.append_child(&host).ok())
        .unwrap_or_else(|| unreachable!("the test page has a body"));
    // Dropping the handle would unmount the view before the checks.
    std::mem::forget(leptos::mount::mount_to(host.clone(), view));
    host
}

fn attr(host: &web_sys::HtmlElement, selector: &str, name: &str) -> Option<String> {
    host.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.get_attribute(name))
}

/// Asserts that the first element of `host` that `selector` finds has the
/// attribute `name` with the value `want`.
#[track_caller]
fn assert_attr(host: &web_sys::HtmlElement, selector: &str, name: &str, want: &str) {
    assert_eq!(
        attr(host, selector, name).as_deref(),
        Some(want),
        "{selector} {name}"
    );
}

/// Asserts that the text of `host` says each of `parts`.
fn assert_says(host: &web_sys::HtmlElement, parts: &[&str]) {
    let text = host.text_content().unwrap_or_default();
    for part in parts {
        assert!(text.contains(part), "{part:?} is not in {text:?}");
    }
}

#[wasm_bindgen_test]
fn progress_shows_points_and_verified_methods() {
    let progress = Progress {
        earned: 20,
        required: 30,
        verified: MethodSet::of(&[Method::Password]),
        signals: Vec::new(),
    };
    let host = render(move || view! { <ProgressBar progress label="Your login" /> });
    assert_says(&host, &["Your login", "20 of 30 points", "Password"]);
    assert_attr(&host, "progress", "max", "30");
    assert_attr(&host, "progress", "value", "20");
    assert_attr(&host, "progress", "aria-valuetext", "20 of 30 points");
}

/// A login that earned more than its level: password and passkey, 50 of 30.
fn past_the_level() -> Progress {
    Progress {
        earned: 50,
        required: 30,
        verified: MethodSet::of(&[Method::Password, Method::Passkey]),
        signals: Vec::new(),
    }
}

#[wasm_bindgen_test]
fn progress_caps_the_bar_at_the_level() {
    let progress = past_the_level();
    let host = render(move || view! { <ProgressBar progress label="Login" /> });
    assert_attr(&host, "progress", "value", "30");
    assert_eq!(
        host.query_selector_all("li.verified")
            .map(|l| l.length())
            .ok(),
        Some(2)
    );
}

#[wasm_bindgen_test]
fn option_card_says_what_it_is_worth() {
    let option = LoginOption {
        method: Method::Sms,
        points: 10,
        completes: true,
        hint: Some("+41 •• ••• •• 67".into()),
    };
    let host = render(move || view! { <OptionCard option /> });
    assert_says(
        &host,
        &[
            "SMS code",
            "+10 points",
            "Completes your login",
            "+41 •• ••• •• 67",
        ],
    );
    assert_attr(&host, "section", "data-method", "sms");
}

#[wasm_bindgen_test]
fn option_card_without_completion_or_hint() {
    let option = LoginOption {
        method: Method::Totp,
        points: 5,
        completes: false,
        hint: None,
    };
    let host = render(move || view! { <OptionCard option /> });
    assert_says(&host, &["Authenticator app", "+5 points"]);
    let text = host.text_content().unwrap_or_default();
    assert!(!text.contains("Completes"), "{text}");
    assert!(host.query_selector(".hint").ok().flatten().is_none());
}

#[wasm_bindgen_test]
fn dutch_from_the_context_and_more_than_the_level_in_words() {
    let progress = past_the_level();
    let host = render(move || {
        provide_context(Lang::Nl);
        view! { <ProgressBar progress label="Wat je hebt ingesteld" /> }
    });
    assert_says(
        &host,
        &[
            "50 punten, meer dan het niveau van 30",
            "Wachtwoord",
            "Toegangssleutel (passkey)",
        ],
    );
    let text = host.text_content().unwrap_or_default();
    assert!(!text.contains("50 van 30"), "{text}");
    let option = LoginOption {
        method: Method::Sms,
        points: 1,
        completes: true,
        hint: None,
    };
    let host = render(move || {
        provide_context(Lang::Nl);
        view! { <OptionCard option /> }
    });
    assert_says(
        &host,
        &["Sms-code", "+1 punt", "Hiermee is je inlog compleet"],
    );
}
