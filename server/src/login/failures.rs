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
//! Every step goes through it in the same order: [`attempt_in`] a
//! transaction before verifying, then [`Attempt::succeeded`] inside the
//! step's transaction. A refused attempt needs nothing more: it was
//! counted when it was taken.

use crate::clock::now;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::Tx;
use authlevel_core::Method;

/// One attempt at a method, taken (counted) under the lockout rule.
#[derive(Debug)]
#[must_use = "an attempt that succeeded must reset the count"]
pub struct Attempt {
    /// The account; `None` for a name that is no account.
    user_id: Option<String>,
    method: Method,
    allowed: bool,
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
    let allowed = tx
        .take_attempt(
            user_id,
            method.as_str(),
            now(),
            c.failure_limit,
            c.lockout_s,
        )
        .await?;
    Ok(Attempt {
        user_id: Some(user_id.to_owned()),
        method,
        allowed,
    })
}

/// An attempt at `method` for a name that is no account (`key`: a keyed
/// hash of directory and name), in `tx`: the same work as [`attempt_in`];
/// it can never succeed.
pub async fn attempt_unknown_in(tx: &mut Tx, key: &str, method: Method) -> ApiResult<Attempt> {
    tx.take_unknown_attempt(key, now()).await?;
    Ok(Attempt {
        user_id: None,
        method,
        allowed: true,
    })
}

impl Attempt {
    /// Whether the method may be verified now: false while it is locked.
    /// A caller that may not verify still does the same work and answers
    /// like a wrong input.
    pub fn allowed(&self) -> bool {
        self.allowed
    }

    /// The method was verified: the count resets with the step's other
    /// writes.
    pub async fn succeeded(self, tx: &mut Tx) -> ApiResult<()> {
        if let Some(id) = &self.user_id {
            tx.reset_failures(id, self.method.as_str()).await?;
        }
        Ok(())
    }
}
