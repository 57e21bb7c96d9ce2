//! authlevel-server: the HTTP API, storage, credentials and CLI of authlevel.

pub mod audit;
pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod contact;
pub mod crypto;
pub mod delivery;
pub mod error;
pub mod guard;
pub mod login;
pub mod metrics;
pub mod notify;
pub mod oidc;
pub mod otp;
pub mod passkey;
pub mod password;
pub mod redirect;
pub mod routes;
pub mod session;
pub mod state;
pub mod store;
pub mod token;
pub mod totp;

pub use routes::app;
pub use state::AppState;
