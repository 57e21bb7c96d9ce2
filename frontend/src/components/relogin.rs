//! The console's fresh login: when the server refuses a change for want of
//! a recent login (403 `reauth_required`, SECURITY 28 and 34), a dialog
//! asks the person to log in again, right where they are, and the change
//! they asked for is then sent again and finished (`api::on_reauth`). Every
//! request that waits for the same login is finished by it.

use crate::api;
use crate::components::Busy;
use crate::language::lang;
use crate::pages::{LoginPage, set_login_directory};
use crate::text::account as t;
use leptos::context::Provider;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

thread_local! {
    /// What each request waiting for the login resolves with its outcome.
    static WAITING: std::cell::RefCell<Vec<js_sys::Function>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The dialog, closed until the server asks for a fresh login.
#[component]
pub fn ReloginDialog() -> impl IntoView {
    let lang = lang();
    // The login in the dialog counts its own requests: the change that
    // asked for it is still in flight (the page's buttons wait), and waits
    // for it.
    let busy = Busy::new();
    let open = RwSignal::new(false);
    let who = RwSignal::new(String::new());
    api::on_reauth(move || {
        Box::pin(async move {
            let promise = js_sys::Promise::new(&mut |resolve, _| {
                WAITING.with(|w| w.borrow_mut().push(resolve));
            });
            if !open.get_untracked() {
                // The login goes to the administrator's own directory.
                if let Ok(s) = api::session().await {
                    set_login_directory(Some(s.directory));
                    who.set(s.username);
                }
                open.set(true);
            }
            wasm_bindgen_futures::JsFuture::from(promise)
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false)
        })
    });
    let end = move |logged_in: bool| {
        open.set(false);
        set_login_directory(None);
        for resolve in WAITING.with(|w| std::mem::take(&mut *w.borrow_mut())) {
            let _ = resolve.call1(&JsValue::NULL, &JsValue::from_bool(logged_in));
        }
    };
    view! {
        <Show when=move || open.get()>
            <div class="dialog-backdrop">
                <div
                    class="card dialog"
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby="relogin-title"
                >
                    <h2 id="relogin-title">{t::relogin_title(lang)}</h2>
                    <p>{move || t::relogin_text(lang, &who.get())}</p>
                    <Provider value=busy>
                        <LoginPage on_complete=Callback::new(move |()| end(true)) />
                    </Provider>
                    <p>
                        <button type="button" class="link" on:click=move |_| end(false)>
                            {t::relogin_cancel(lang)}
                        </button>
                    </p>
                </div>
            </div>
        </Show>
    }
}
