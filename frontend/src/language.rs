//! The language of the page: chosen once on start (the `lang` cookie, else
//! the first of the browser's languages that is one of ours, else English),
//! put on `<html lang>`, and given to every component through the context
//! ([`lang`]). The switch on every page sets the cookie, stores the choice
//! as the account's language when someone is logged in, and reloads the
//! page, so what the server words (problem details, a login's message,
//! policy findings) comes back in the new language too.

use crate::api;
use crate::text;
use authlevel_core::Lang;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The cookie the server reads the language of a request from.
const COOKIE: &str = "lang";

/// The language of the page, from the context (English where there is
/// none, as in a component rendered alone).
pub fn lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// Chooses the page's language, marks the document with it and puts it in
/// the context. `title`: the document's title in that language, when the
/// page has one of its own.
pub fn provide(title: Option<fn(Lang) -> String>) -> Lang {
    let lang = chosen();
    let document = document();
    if let Some(root) = document.document_element() {
        let _ = root.set_attribute("lang", lang.as_str());
    }
    if let Some(title) = title {
        document.set_title(&title(lang));
    }
    provide_context(lang);
    lang
}

/// The `lang` cookie's language, else the first of the browser's
/// languages that is one of ours, else English.
fn chosen() -> Lang {
    cookie()
        .as_deref()
        .and_then(Lang::parse)
        .or_else(|| browser_languages().iter().find_map(|l| Lang::parse(l)))
        .unwrap_or_default()
}

/// The value of the `lang` cookie.
fn cookie() -> Option<String> {
    let cookies = document()
        .dyn_into::<web_sys::HtmlDocument>()
        .ok()?
        .cookie()
        .ok()?;
    cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// The browser's languages, most wanted first (`navigator.languages`, else
/// `navigator.language`).
fn browser_languages() -> Vec<String> {
    let navigator = window().navigator();
    let listed: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|l| l.as_string())
        .collect();
    if listed.is_empty() {
        navigator.language().into_iter().collect()
    } else {
        listed
    }
}

/// The locale dates are written in for `lang`: the browser's own when it
/// is of that language (`en-GB` keeps its day-month order), else the
/// language's.
pub fn locale(lang: Lang) -> String {
    browser_languages()
        .into_iter()
        .find(|l| Lang::parse(l) == Some(lang))
        .unwrap_or_else(|| lang.as_str().to_owned())
}

/// Switches to `lang`: the cookie (a year, this site), the account's
/// language when logged in (a failure, such as no session, changes
/// nothing), then the page again.
fn switch_to(lang: Lang) {
    let secure = window().location().protocol().is_ok_and(|p| p == "https:");
    let cookie = format!(
        "{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{}",
        lang.as_str(),
        if secure { "; Secure" } else { "" }
    );
    if let Ok(document) = document().dyn_into::<web_sys::HtmlDocument>() {
        let _ = document.set_cookie(&cookie);
    }
    leptos::task::spawn_local(async move {
        let _ = api::set_language(lang).await;
        let _ = window().location().reload();
    });
}

/// The switch between the languages, each named in itself; the current
/// one is marked.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let current = lang();
    view! {
        <nav class="languages" aria-label=text::language_switch(current)>
            {Lang::ALL
                .into_iter()
                .map(|l| {
                    let here = l == current;
                    view! {
                        <button
                            type="button"
                            class="link"
                            lang=l.as_str()
                            aria-current=here.then_some("true")
                            on:click=move |_| {
                                if !here {
                                    switch_to(l);
                                }
                            }
                        >
                            {l.name()}
                        </button>
                    }
                })
                .collect_view()}
        </nav>
    }
}
