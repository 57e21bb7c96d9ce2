//! The lockout rule, written once for every method: attempts are counted
//! per account and method in the shared database *before* anything is
//! verified, in one statement that also decides whether this attempt may
//! verify, so a burst of parallel guesses on any number of instances gets
//! at most `failure_limit` verifications in a row; then the method locks
//! for `lockout_s`, and afterwards one attempt at a time is let through. A
//! success resets the count. A locked method answers exactly like a wrong
//! input, after the same work. Names that are no account get the same
//! kind of write, so the answer's timing cannot tell them apart.
//!
//! A password step from a browser known to the user ([`super::known`]) is
//! counted on that browser instead ([`attempt_known_in`]), with its own
//! limit, so the anonymous lockout cannot be used to keep a user out of a
//! browser they have logged in from (SECURITY 32). When the anonymous
//! lockout engages, the user is told once per lock period.
//!
//! Every step goes through it in the same order: an attempt taken in a
//! transaction before verifying, then [`Attempt::succeeded`] inside the
//! step's transaction. A refused attempt needs nothing more: it was
//! counted when it was taken.

use crate::clock::now;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::{Tx, UserRow};
use authlevel_core::Method;

/// Where an attempt was counted.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Counter {
    /// The account's count for the method.
    Account(String),
    /// A name that is no account: it can never succeed.
    Unknown,
    /// A browser known to the account (the hash of its secret).
    Browser(String),
}

/// One attempt at a method, taken (counted) under the lockout rule.
#[derive(Debug)]
#[must_use = "an attempt that succeeded must reset the count"]
pub struct Attempt {
    counter: Counter,
    method: Method,
    allowed: bool,
    /// This attempt locked the account's method: how many attempts in a
    /// row failed, when the user is to be told.
    locked_after: Option<i64>,
}

/// An attempt at `method` by the account `user_id` in `tx`: for a quick
/// check (a code, the authenticator app), the step's transaction, so the
/// count, the check and the outcome commit together; for a slow one (the
/// password's argon2), a transaction committed before the check, so the
/// database is not held meanwhile.
pub async fn attempt_in(
    app: &AppState,
    tx: &mut Tx,
    user_id: &str,
    method: Method,
) -> ApiResult<Attempt> {
    let c = &app.config;
    let taken = tx
        .take_attempt(
            user_id,
            method.as_str(),
            now(),
            c.failure_limit,
            c.lockout_s,
        )
        .await?;
    Ok(Attempt {
        counter: Counter::Account(user_id.to_owned()),
        method,
        allowed: taken.granted,
        locked_after: taken.notify.then_some(taken.count),
    })
}

/// A password step of `user_id` from the known browser whose row id is
/// `browser_id`, counted on that browser alone: `None` when the browser's
/// entry is void (its own limit reached, removed, or too old), and the
/// step is then held to the anonymous lockout like any other.
pub async fn attempt_known_in(
    app: &AppState,
    tx: &mut Tx,
    user_id: &str,
    browser_id: &str,
) -> ApiResult<Option<Attempt>> {
    let c = &app.config;
    let granted = tx
        .take_known_attempt(
            browser_id,
            user_id,
            c.known_browser_failure_limit,
            now() - c.known_browser_s(),
        )
        .await?;
    Ok(granted.then(|| Attempt {
        counter: Counter::Browser(browser_id.to_owned()),
        method: Method::Password,
        allowed: true,
        locked_after: None,
    }))
}

/// An attempt at `method` for a name that is no account (`key`: a keyed
/// hash of directory and name), in `tx`: the same work as [`attempt_in`];
/// it can never succeed.
pub async fn attempt_unknown_in(tx: &mut Tx, key: &str, method: Method) -> ApiResult<Attempt> {
    tx.take_unknown_attempt(key, now()).await?;
    Ok(Attempt {
        counter: Counter::Unknown,
        method,
        allowed: true,
        locked_after: None,
    })
}

impl Attempt {
    /// Whether the method may be verified now: false while it is locked.
    /// A caller that may not verify still does the same work and answers
    /// like a wrong input.
    pub fn allowed(&self) -> bool {
        self.allowed
    }

    /// Whether it was counted on a browser known to the user.
    pub fn from_known_browser(&self) -> bool {
        matches!(self.counter, Counter::Browser(_))
    }

    /// When this attempt engaged the anonymous lockout of `user`, tells
    /// them (once per lock period) by another channel, in the background:
    /// the answer to whoever is guessing takes no longer for it, so it
    /// tells nothing of which names are accounts.
    pub fn tell_if_locked(&self, app: &AppState, user: &UserRow) {
        if let Some(count) = self.locked_after {
            let (app, user) = (app.clone(), user.clone());
            let lang = crate::lang::current();
            tokio::spawn(crate::lang::scope(lang, async move {
                crate::notify::locked_out(&app, &user, count).await;
            }));
        }
    }

    /// The method was verified: the count resets with the step's other
    /// writes.
    pub async fn succeeded(self, tx: &mut Tx) -> ApiResult<()> {
        match &self.counter {
            Counter::Account(id) => tx.reset_failures(id, self.method.as_str()).await?,
            Counter::Browser(id) => tx.reset_known_failures(id).await?,
            Counter::Unknown => {}
        }
        Ok(())
    }
}
