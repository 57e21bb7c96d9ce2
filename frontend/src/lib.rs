//! authlevel-frontend: the browser app of authlevel (Leptos, client-side
//! rendered, built by Trunk). It renders what the server answers; the
//! scoring rules it shows come from `authlevel-core`, the crate the server
//! decides with. Two binaries mount it: `authlevel-frontend` (the login
//! page) and `authlevel-console` (every other page); see `app`.

mod api;
mod app;
mod components;
mod language;
mod methods;
mod pages;
mod phone;
mod text;
mod webauthn;

/// Mounts the login page (the `authlevel-frontend` binary).
pub fn mount_login() {
    leptos::mount::mount_to_body(app::LoginApp);
}

/// Mounts the console: home, setup link, profile, administration (the
/// `authlevel-console` binary).
pub fn mount_console() {
    leptos::mount::mount_to_body(app::ConsoleApp);
}

/// Mounts the approval app (the `authlevel-app` binary, at `/app/`).
pub fn mount_app() {
    leptos::mount::mount_to_body(phone::PhoneApp);
}
