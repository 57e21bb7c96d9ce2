//! The app shell: header with the busy indicator, and the routes.
//!
//! The app ships as two bundles, so the login page, which everyone loads,
//! carries only itself: the *login* bundle routes `/`; the *console* bundle
//! routes the home, setup-link, profile and administration pages. Each
//! bundle's binary mounts [`LoginApp`] or [`ConsoleApp`]; a route outside
//! the bundle is a full page load, which the server answers with the other
//! bundle.
//!
//! A handful of pages need no router crate: the address is a signal,
//! `Nav::go` pushes a history entry and sets it, the back button sets it
//! from `popstate`, and a click on a link to a page of this bundle is
//! `Nav::go` rather than a page load. (leptos_router cost about a fifth of
//! the app's download.)

use crate::components::{Busy, BusyIndicator};
use crate::language::{self, LanguageSwitch};
use crate::pages::LoginPage;
use crate::text;
use authlevel_core::Lang;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Where a completed login lands.
pub const HOME: &str = "/home";
/// The login page.
pub const LOGIN: &str = "/";
/// A setup link's page (`/setup#token=…`).
pub const SETUP: &str = "/setup";
/// The directories; a directory's pages are below it.
pub const ADMIN: &str = "/admin";
/// The own account.
pub const PROFILE: &str = "/profile";

/// A page of the app, as its address names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Page {
    /// `/`.
    Login,
    /// `/home`.
    Home,
    /// `/setup`.
    Setup,
    /// `/profile`.
    Profile,
    /// `/admin`: the directories.
    Directories,
    /// `/admin/directories/{slug}[/{tab}]`: one directory, by slug; which
    /// tab is read by the page itself, so moving between tabs keeps it (and
    /// the policy being edited).
    Directory(String),
}

/// A tab of a directory's page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// The policy: level, points, the report.
    Authentication,
    /// The users.
    Users,
    /// The OpenID Connect clients.
    Applications,
    /// The audit events.
    Activity,
}

impl Tab {
    /// Every tab, in the order shown.
    pub const ALL: [Tab; 4] = [
        Tab::Authentication,
        Tab::Users,
        Tab::Applications,
        Tab::Activity,
    ];

    /// Its segment of the address.
    pub const fn as_str(self) -> &'static str {
        match self {
            Tab::Authentication => "authentication",
            Tab::Users => "users",
            Tab::Applications => "applications",
            Tab::Activity => "activity",
        }
    }

    /// Its name for people, in `lang`.
    pub fn label_in(self, lang: Lang) -> String {
        match self {
            Tab::Authentication => text::admin::tab_authentication(lang),
            Tab::Users => text::admin::tab_users(lang),
            Tab::Applications => text::admin::tab_applications(lang),
            Tab::Activity => text::admin::tab_activity(lang),
        }
    }
}

/// The address of a directory's tab: `/admin/directories/{slug}/{tab}`.
pub fn directory_path(slug: &str, tab: Tab) -> String {
    format!("{ADMIN}/directories/{}/{}", encode(slug), tab.as_str())
}

/// The directory slug and tab of `path`, when it is a directory's page (no
/// tab: the first).
fn directory_of(path: &str) -> Option<(&str, Tab)> {
    let rest = path.strip_prefix(ADMIN)?.strip_prefix("/directories/")?;
    let (slug, tab) = match rest.split_once('/') {
        Some((slug, tab)) => (slug, Tab::ALL.into_iter().find(|t| t.as_str() == tab)?),
        None => (rest, Tab::Authentication),
    };
    (!slug.is_empty()).then_some((slug, tab))
}

impl Page {
    /// The page at `path` (a trailing slash is ignored).
    fn parse(path: &str) -> Option<Page> {
        let path = match path.trim_end_matches('/') {
            "" => LOGIN,
            p => p,
        };
        Some(match path {
            LOGIN => Page::Login,
            HOME => Page::Home,
            SETUP => Page::Setup,
            PROFILE => Page::Profile,
            ADMIN => Page::Directories,
            _ => Page::Directory(decode(directory_of(path)?.0)),
        })
    }

    /// The address the server answers with its bundle: its own, or for a
    /// directory's page the directories page. (The server serves the
    /// console for every path under `/admin/`, so the login bundle meets a
    /// directory's page only from an older server.)
    const fn canonical(&self) -> &'static str {
        match self {
            Page::Login => LOGIN,
            Page::Home => HOME,
            Page::Setup => SETUP,
            Page::Profile => PROFILE,
            Page::Directories | Page::Directory(_) => ADMIN,
        }
    }

    /// The bundle that has it.
    fn bundle(&self) -> Bundle {
        match self {
            Page::Login => Bundle::Login,
            _ => Bundle::Console,
        }
    }
}

/// Which bundle this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bundle {
    Login,
    Console,
}

impl Bundle {
    /// The page of `path`, when this bundle has it.
    fn route(self, path: &str) -> Option<Page> {
        Page::parse(path).filter(|p| p.bundle() == self)
    }
}

/// The address the app shows (path and query), shared through the context.
#[derive(Debug, Clone, Copy)]
pub struct Nav {
    path: RwSignal<String>,
    /// The query string, without its `?`.
    query: RwSignal<String>,
    bundle: Bundle,
}

impl Nav {
    fn provide(bundle: Bundle) -> Nav {
        let nav = Nav {
            path: RwSignal::new(String::new()),
            query: RwSignal::new(String::new()),
            bundle,
        };
        nav.read_location();
        // Lives as long as the app.
        let _ = window_event_listener(leptos::ev::popstate, move |_| nav.read_location());
        provide_context(nav);
        nav
    }

    /// The navigation of the context.
    pub fn get() -> Nav {
        expect_context::<Nav>()
    }

    fn read_location(self) {
        let location = window().location();
        self.path
            .set(location.pathname().unwrap_or_else(|_| LOGIN.to_owned()));
        let search = location.search().unwrap_or_default();
        self.query
            .set(search.strip_prefix('?').unwrap_or(&search).to_owned());
    }

    /// Shows the page at `url` (a path with an optional query), with a
    /// history entry for the back button; a page of the other bundle loads
    /// it.
    pub fn go(self, url: &str) {
        if self.bundle.route(split(url).0).is_none() {
            let _ = window().location().assign(url);
            return;
        }
        if let Ok(history) = window().history() {
            let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
        }
        let (path, query) = split(url);
        // Only what changed, so a new query does not redraw the page.
        if self.path.with_untracked(|p| p != path) {
            self.path.set(path.to_owned());
        }
        if self.query.with_untracked(|q| q != query) {
            self.query.set(query.to_owned());
        }
    }

    /// The value of `key` in the query (tracked).
    pub fn param(self, key: &str) -> Option<String> {
        self.query.with(|q| param(q, key))
    }

    /// From now on a click on a link to a page of this bundle shows it
    /// without a page load (the console's; the login page has no such
    /// links and is smaller without).
    fn follow_links(self) {
        // Lives as long as the app.
        let _ = window_event_listener(leptos::ev::click, move |ev| self.follow(&ev));
    }

    /// A click on a link to a page of this bundle shows it; any other click
    /// (a new tab, a download, another site) is left to the browser.
    fn follow(self, ev: &web_sys::MouseEvent) {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.shift_key()
            || ev.alt_key()
        {
            return;
        }
        let Some(link) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
        else {
            return;
        };
        if link.has_attribute("download") || link.has_attribute("target") {
            return;
        }
        let Some(href) = link.get_attribute("href") else {
            return;
        };
        // Only this site's absolute paths; `//host` is another site.
        if !href.starts_with('/') || href.starts_with("//") {
            return;
        }
        if self.bundle.route(split(&href).0).is_some() {
            ev.prevent_default();
            self.go(&href);
        }
    }
}

/// A URL's path and query (without `?`; a `#` part is dropped).
fn split(url: &str) -> (&str, &str) {
    let url = url.split_once('#').map_or(url, |(u, _)| u);
    url.split_once('?').unwrap_or((url, ""))
}

/// The value of `key` in a query string (`a=1&b=x%20y`), decoded.
pub fn param(query: &str, key: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| decode(k) == key)
        .map(|(_, v)| decode(v))
}

/// A query string of the pairs whose value is not empty, with its `?`
/// (nothing when none is left).
pub fn query(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// Percent-encodes all but the unreserved characters of RFC 3986.
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` and `+` (a space in a form's query); malformed escapes
/// stay as they are.
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = text
                    .get(i + 1..i + 3)
                    .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(b) = hex {
                    out.push(b);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The tab of the directory page shown (tracked); `None` elsewhere.
pub fn current_tab(nav: Nav) -> Option<Tab> {
    nav.path.with(|p| directory_of(p).map(|(_, tab)| tab))
}

/// The header, and the page `page` makes of the route; a path this bundle
/// does not route is the other bundle's (a full page load) or not found.
/// `title`: the document's title, when the bundle has one of its own.
fn shell(
    bundle: Bundle,
    title: Option<fn(Lang) -> String>,
    page: fn(Page) -> AnyView,
    beside: fn() -> AnyView,
) -> impl IntoView {
    language::provide(title);
    Busy::provide();
    let nav = Nav::provide(bundle);
    if bundle == Bundle::Console {
        nav.follow_links();
    }
    // Redrawn only when the page changes, not the tab or the query.
    let route = Memo::new(move |_| nav.path.with(|p| Page::parse(p)));
    view! {
        <header class="top">
            <a class="brand" href=LOGIN>"authlevel"</a>
            <BusyIndicator />
            <LanguageSwitch />
        </header>
        <main>
            {move || {
                match route.get() {
                    Some(p) if p.bundle() == bundle => page(p),
                    Some(p) => {
                        // The other bundle's page: its canonical address, so
                        // the server answers with that bundle (no reload
                        // loop).
                        let location = window().location();
                        let rest = format!(
                            "{}{}",
                            location.search().unwrap_or_default(),
                            location.hash().unwrap_or_default()
                        );
                        let _ = location.replace(&format!("{}{rest}", p.canonical()));
                        ().into_any()
                    }
                    None => view! { <NotFound /> }.into_any(),
                }
            }}
        </main>
        {beside()}
    }
}

/// The login bundle: the login page.
#[component]
pub fn LoginApp() -> impl IntoView {
    shell(
        Bundle::Login,
        Some(text::title_login),
        |_| view! { <LoginPage /> }.into_any(),
        || ().into_any(),
    )
}

/// The console bundle: home, setup link, profile, administration.
#[component]
pub fn ConsoleApp() -> impl IntoView {
    use crate::pages::{DirectoriesPage, DirectoryPage, HomePage, ProfilePage, SetupPage};
    shell(
        Bundle::Console,
        None,
        |page| match page {
            Page::Setup => view! { <SetupPage /> }.into_any(),
            Page::Directories => view! { <DirectoriesPage /> }.into_any(),
            Page::Directory(slug) => view! { <DirectoryPage slug /> }.into_any(),
            Page::Profile => view! { <ProfilePage /> }.into_any(),
            _ => view! { <HomePage /> }.into_any(),
        },
        // A change that needs a recent login asks for it here, and is
        // then finished.
        || view! { <crate::components::ReloginDialog /> }.into_any(),
    )
}

#[component]
fn NotFound() -> impl IntoView {
    let lang = language::lang();
    view! {
        <div class="card">
            <h1>{text::not_found_title(lang)}</h1>
            <p>{text::not_found_text(lang)}</p>
            <p>
                <a href=LOGIN>{text::to_login_page(lang)}</a>
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_by_address() {
        assert_eq!(Page::parse("/"), Some(Page::Login));
        assert_eq!(Page::parse(""), Some(Page::Login));
        assert_eq!(Page::parse("/admin/"), Some(Page::Directories));
        assert_eq!(
            Page::parse("/admin/directories/acme/users"),
            Some(Page::Directory("acme".into()))
        );
        assert_eq!(
            Page::parse("/admin/directories/acme"),
            Some(Page::Directory("acme".into()))
        );
        assert_eq!(Page::parse("/admin/directories/acme/nothing"), None);
        assert_eq!(Page::parse("/admin/directories/"), None);
        assert_eq!(Page::parse("/elsewhere"), None);
        assert_eq!(
            directory_of("/admin/directories/acme/activity"),
            Some(("acme", Tab::Activity))
        );
        assert_eq!(
            directory_of("/admin/directories/acme"),
            Some(("acme", Tab::Authentication))
        );
        assert_eq!(Bundle::Login.route("/admin"), None);
        assert_eq!(Bundle::Console.route("/"), None);
    }

    #[test]
    fn tabs_round_trip() {
        for tab in Tab::ALL {
            let path = directory_path("acme", tab);
            assert_eq!(directory_of(&path), Some(("acme", tab)));
        }
    }

    #[test]
    fn queries_round_trip() {
        let policy = r#"{"required_level":30,"points":{"password":20}}"#;
        let q = query(&[
            ("q", "ann smith+co"),
            ("filter", "has:sms"),
            ("policy", policy),
            ("cursor", ""),
        ]);
        assert!(!q.contains("cursor"));
        let q = q.strip_prefix('?').unwrap_or_default();
        assert_eq!(param(q, "q").as_deref(), Some("ann smith+co"));
        assert_eq!(param(q, "filter").as_deref(), Some("has:sms"));
        assert_eq!(param(q, "policy").as_deref(), Some(policy));
        assert_eq!(param(q, "cursor"), None);
        assert_eq!(query(&[("q", "")]), "");
        assert_eq!(param("q=a+b&x", "x").as_deref(), Some(""));
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%+1"), "% 1");
        assert_eq!(decode("%C3%A9"), "é");
        assert_eq!(split("/admin?x=1#y"), ("/admin", "x=1"));
    }
}
