//! The app shell: header with the busy indicator, and the routes.
//!
//! The app ships as two bundles, so the login page, which everyone loads,
//! carries only itself: the *login* bundle routes `/`; the *console* bundle
//! routes the home, setup-link, profile and administration pages. Each
//! bundle's binary mounts [`LoginApp`] or [`ConsoleApp`]; a route outside
//! the bundle is a full page load, which the server answers with the other
//! bundle.
//!
//! Five pages need no router crate: the path is a signal, `Nav::go` pushes
//! a history entry and sets it, the back button sets it from `popstate`.
//! (leptos_router cost about a fifth of the app's download.)

use crate::components::{Busy, BusyIndicator};
use crate::pages::LoginPage;
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

/// The paths the console bundle routes (the server serves it at these).
const CONSOLE_PAGES: [&str; 4] = [HOME, SETUP, ADMIN, PROFILE];

/// Which bundle this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bundle {
    Login,
    Console,
}

impl Bundle {
    /// The route of `path` (trailing slash trimmed, `/` as `/`), when this
    /// bundle has it.
    fn route(self, path: &str) -> Option<&'static str> {
        let path = match path.trim_end_matches('/') {
            "" => LOGIN,
            p => p,
        };
        match self {
            Bundle::Login => (path == LOGIN).then_some(LOGIN),
            Bundle::Console => CONSOLE_PAGES.into_iter().find(|p| *p == path),
        }
    }
}

/// The path the app shows, shared through the context.
#[derive(Debug, Clone, Copy)]
pub struct Nav {
    path: RwSignal<String>,
    bundle: Bundle,
}

impl Nav {
    fn provide(bundle: Bundle) -> Nav {
        let nav = Nav {
            path: RwSignal::new(current_path()),
            bundle,
        };
        // Lives as long as the app.
        let _ = window_event_listener(leptos::ev::popstate, move |_| nav.path.set(current_path()));
        provide_context(nav);
        nav
    }

    /// The navigation of the context.
    pub fn get() -> Nav {
        expect_context::<Nav>()
    }

    /// Shows the page at `path`, with a history entry for the back button;
    /// a page of the other bundle loads it.
    pub fn go(self, path: &str) {
        if self.bundle.route(path).is_none() {
            let _ = window().location().assign(path);
            return;
        }
        if let Ok(history) = window().history() {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
        }
        self.path.set(path.to_owned());
    }
}

fn current_path() -> String {
    window()
        .location()
        .pathname()
        .unwrap_or_else(|_| LOGIN.to_owned())
}

/// The header, and the page `page` makes of the route; a path this bundle
/// does not route is the other bundle's (a full page load) or not found.
fn shell(bundle: Bundle, page: fn(&'static str) -> AnyView) -> impl IntoView {
    Busy::provide();
    let nav = Nav::provide(bundle);
    view! {
        <header class="top">
            <a class="brand" href=LOGIN>"authlevel"</a>
            <BusyIndicator />
        </header>
        <main>
            {move || {
                let path = nav.path.get();
                match bundle.route(&path) {
                    Some(route) => page(route),
                    None => {
                        let other = match bundle {
                            Bundle::Login => Bundle::Console,
                            Bundle::Console => Bundle::Login,
                        };
                        if let Some(route) = other.route(&path) {
                            // The canonical path, so the server answers
                            // with the other bundle (no reload loop).
                            let location = window().location();
                            let rest = format!(
                                "{}{}",
                                location.search().unwrap_or_default(),
                                location.hash().unwrap_or_default()
                            );
                            let _ = location.replace(&format!("{route}{rest}"));
                            ().into_any()
                        } else {
                            view! { <NotFound /> }.into_any()
                        }
                    }
                }
            }}
        </main>
    }
}

/// The login bundle: the login page.
#[component]
pub fn LoginApp() -> impl IntoView {
    shell(Bundle::Login, |_| view! { <LoginPage /> }.into_any())
}

/// The console bundle: home, setup link, profile, administration.
#[component]
pub fn ConsoleApp() -> impl IntoView {
    use crate::pages::{AdminPage, HomePage, ProfilePage, SetupPage};
    shell(Bundle::Console, |route| match route {
        SETUP => view! { <SetupPage /> }.into_any(),
        ADMIN => view! { <AdminPage /> }.into_any(),
        PROFILE => view! { <ProfilePage /> }.into_any(),
        _ => view! { <HomePage /> }.into_any(),
    })
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
