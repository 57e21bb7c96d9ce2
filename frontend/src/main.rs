//! authlevel-frontend: the browser app of authlevel (Leptos, client-side
//! rendered, built by Trunk). It renders what the server answers; the
//! scoring rules it shows come from `authlevel-core`, the crate the server
//! decides with.

mod api;
mod app;
mod components;
mod pages;
mod webauthn;

fn main() {
    leptos::mount::mount_to_body(app::App);
}
