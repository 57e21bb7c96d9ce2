//! The app shell: header with the busy indicator, and the routes.
//!
//! Five pages need no router crate: the path is a signal, `Nav::go` pushes
//! a history entry and sets it, the back button sets it from `popstate`.
//! (leptos_router cost about a fifth of the app's download.)

use crate::components::{Busy, BusyIndicator};
use crate::pages::{AdminPage, HomePage, LoginPage, ProfilePage, SetupPage};
use leptos::prelude::*;

/// Where a completed login lands.
pub const HOME: &str = "/home";
/// The login page.
pub const LOGIN: &str = "/";
/// A setup link's page (`/setup#token=…`).
pub const SETUP: &str = "/setup";
/// The policy and users page.
pub const ADMIN: &str = "/admin";
/// The own account.
pub const PROFILE: &str = "/profile";

/// The path the app shows, shared through the context.
#[derive(Debug, Clone, Copy)]
pub struct Nav(RwSignal<String>);

impl Nav {
    fn provide() -> Nav {
        let nav = Nav(RwSignal::new(current_path()));
        // Lives as long as the app.
        let _ = window_event_listener(leptos::ev::popstate, move |_| nav.0.set(current_path()));
        provide_context(nav);
        nav
    }

    /// The navigation of the context.
    pub fn get() -> Nav {
        expect_context::<Nav>()
    }

    /// Shows the page at `path`, with a history entry for the back button.
    pub fn go(self, path: &str) {
        if let Ok(history) = window().history() {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
        }
        self.0.set(path.to_owned());
    }
}

fn current_path() -> String {
    window()
        .location()
        .pathname()
        .unwrap_or_else(|_| LOGIN.to_owned())
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    Busy::provide();
    let nav = Nav::provide();
    view! {
        <header class="top">
            <a class="brand" href=LOGIN>"authlevel"</a>
            <BusyIndicator />
        </header>
        <main>
            {move || {
                nav.0
                    .with(|path| match path.trim_end_matches('/') {
                        "" => view! { <LoginPage /> }.into_any(),
                        HOME => view! { <HomePage /> }.into_any(),
                        SETUP => view! { <SetupPage /> }.into_any(),
                        ADMIN => view! { <AdminPage /> }.into_any(),
                        PROFILE => view! { <ProfilePage /> }.into_any(),
                        _ => view! { <NotFound /> }.into_any(),
                    })
            }}
        </main>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    view! {
        <div class="card">
            <h1>"Page not found"</h1>
            <p>
                "There is nothing at this address. " <a href=LOGIN>"Go to the login page"</a> "."
            </p>
        </div>
    }
}
