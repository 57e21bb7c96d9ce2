//! authlevel-server: the HTTP API, storage, credentials and CLI of authlevel.
//!
//! Dependencies point down: `http` (the only part that knows HTTP) →
//! `login` (the flow and one module per method) / `oidc` / `setup` /
//! `profile` → `store` → `authlevel_core`.

pub mod audit;
pub mod bootstrap;
pub mod cli;
pub mod clock;
pub mod config;
pub mod contact;
pub mod crypto;
pub mod delivery;
pub mod error;
pub mod files;
mod http;
pub mod lang;
pub mod limits;
pub mod login;
pub mod methods;
pub mod metrics;
pub mod notify;
pub mod oidc;
pub mod profile;
pub mod redirect;
pub mod roster;
pub mod session;
pub mod setup;
pub mod state;
pub mod store;
pub mod text;
pub mod token;

pub use http::app;
pub use state::AppState;
