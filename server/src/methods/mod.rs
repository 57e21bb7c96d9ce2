//! The methods, one folder each: `mod.rs` verifies its login step (under
//! the one lockout rule of `login::failures`, handing what it verified to
//! the one `login::advance`) and enrols it; `http.rs` holds its routes;
//! `store.rs` its tables; each says in `ENROLLED` what having enrolled it
//! is, as SQL on `users`. What is said of a method once, in `core`
//! (`Method::spec`), is not said here again.
//!
//! This file registers them: their routes for the router, their
//! `ENROLLED` for the users table, and what an option of theirs shows.
//! Every `match` here is exhaustive, so a new method cannot be forgotten.

pub mod app;
pub mod email;
pub mod passkey;
pub mod password;
pub mod recovery;
pub mod sms;
pub mod totp;

use crate::error::ApiResult;
use crate::login::{Browser, Outcome};
use crate::state::AppState;
use crate::store::UserRow;
use authlevel_core::{Input, Method};
use utoipa_axum::router::OpenApiRouter;

/// Every method's routes, for the router.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(password::http::routes())
        .merge(totp::http::routes())
        .merge(sms::http::routes())
        .merge(email::http::routes())
        .merge(passkey::http::routes())
        .merge(recovery::http::routes())
        .merge(app::http::routes())
}

/// That a user has enrolled `m`, as SQL on `users`.
pub const fn enrolled(m: Method) -> &'static str {
    match m {
        Method::Password => password::ENROLLED,
        Method::Sms => sms::ENROLLED,
        Method::Email => email::ENROLLED,
        Method::Totp => totp::ENROLLED,
        Method::Passkey => passkey::ENROLLED,
        Method::Recovery => recovery::ENROLLED,
        Method::App => app::ENROLLED,
    }
}

/// What `user`'s option of `m` shows beside its name: where a code goes,
/// masked.
pub fn hint(m: Method, user: &UserRow) -> Option<String> {
    match m {
        Method::Sms => sms::hint(user),
        Method::Email => email::hint(user),
        Method::Password | Method::Totp | Method::Passkey | Method::Recovery | Method::App => None,
    }
}

/// What a login page learns on `GET /api/login` of a step verified
/// elsewhere: a method whose input is an approval on another device
/// completes (or is refused) here.
pub async fn collect(app_state: &AppState, browser: &Browser) -> ApiResult<Option<Outcome>> {
    for m in Method::ALL {
        let collected = match m.spec().input {
            Input::Approval => match m {
                Method::App => app::collect(app_state, browser).await?,
                _ => None,
            },
            Input::Secret | Input::Digits | Input::Letters | Input::Ceremony => None,
        };
        if collected.is_some() {
            return Ok(collected);
        }
    }
    Ok(None)
}

/// What the housekeeping deletes of the methods' own tables once expired
/// (`$1`: now).
pub const EXPIRED: &[&str] = &[
    "DELETE FROM app_pairings WHERE expires_at < $1",
    // Approvals are kept a day past expiry: "this wasn't me" is a signal.
    "DELETE FROM app_approvals WHERE expires_at < $1 - 86400",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// A method's own words (in its folder's `words.rs`), for the test
    /// that reads every message.
    fn words_of(m: Method) -> Vec<(&'static str, String, String)> {
        match m {
            Method::Password => password::words::all_texts(),
            Method::Passkey => passkey::words::all_texts(),
            Method::Totp => totp::words::all_texts(),
            Method::Recovery => recovery::words::all_texts(),
            Method::App => app::words::all_texts(),
            // Their words are the channel's, in `crate::text`.
            Method::Sms | Method::Email => Vec::new(),
        }
    }

    /// Every method's words in English and Dutch, filled in, none the
    /// same in both.
    #[test]
    fn every_method_speaks_both_languages() {
        let all: Vec<_> = Method::ALL.into_iter().flat_map(words_of).collect();
        let problems = authlevel_core::lang::check_texts(&all, &[]);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    /// Every method has its `ENROLLED` condition on `users`, and its routes.
    #[test]
    fn every_method_is_registered() {
        let (_, doc) = routes().split_for_parts();
        for m in Method::ALL {
            let sql = enrolled(m);
            assert!(sql.contains("users."), "{m}: {sql}");
            if m.spec().role != authlevel_core::StepRole::First {
                let step = doc
                    .paths
                    .paths
                    .keys()
                    .any(|p| p.starts_with(&format!("/api/login/{m}/")));
                assert!(step, "{m}: no login step route");
            }
        }
    }
}
