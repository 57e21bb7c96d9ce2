//! The end-to-end suite: the real `authlevel` binary on a free port with a
//! fresh database, driven over real HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod abuse;
mod admin;
mod ageing;
mod api;
mod app;
mod attacks;
mod backup;
mod codes;
mod deploy;
mod durability;
mod hardening;
mod harness;
mod language;
mod login;
mod logs;
mod multi;
mod oidc;
mod passkeys;
mod receivers;
mod recovery;
mod release;
mod replay;
mod roster;
mod setup;
mod third_round;
mod totp;
