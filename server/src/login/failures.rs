//! The lockout rule, written once for every method: failures are counted
//! per account and method in the shared database; `failure_limit`
//! consecutive failures lock the method for `lockout_s`; a success resets
//! the count. A locked method answers exactly like a wrong input, after the
//! same work. Names that are no account get the same reads and writes, so
//! the answer's timing cannot tell them apart.
//!
//! Every step goes through it in the same order: [`attempt`] before
//! verifying, then [`Attempt::succeeded`] inside the step's transaction or
//! [`Attempt::failed`].

use crate::clock::now;
use crate::error::ApiResult;
use crate::state::AppState;
use crate::store::Tx;
use authlevel_core::Method;

/// Whose attempt it is.
#[derive(Debug, Clone)]
enum Subject {
    /// An account.
    User(String),
    /// A name that is no account: a keyed hash of directory and name.
    Unknown(String),
}

/// One attempt at a method, taken under the lockout rule.
#[derive(Debug)]
#[must_use = "an attempt ends as succeeded or failed"]
pub struct Attempt {
    subject: Subject,
    method: Method,
    locked: bool,
}

/// An attempt at `method` by the account `user_id`.
pub async fn attempt(app: &AppState, user_id: &str, method: Method) -> ApiResult<Attempt> {
    let locked = app.store.is_locked(user_id, method.as_str(), now()).await?;
    Ok(Attempt {
        subject: Subject::User(user_id.to_owned()),
        method,
        locked,
    })
}

/// An attempt at `method` for a name that is no account (`key`: a keyed
/// hash of directory and name): the same work as [`attempt`], and never
/// allowed.
pub async fn attempt_unknown(app: &AppState, key: String, method: Method) -> ApiResult<Attempt> {
    app.store.is_locked("", method.as_str(), now()).await?;
    Ok(Attempt {
        subject: Subject::Unknown(key),
        method,
        locked: false,
    })
}

impl Attempt {
    /// Whether the method may be verified now: false while it is locked.
    /// A caller that may not verify still does the same work and answers
    /// like a wrong input.
    pub fn allowed(&self) -> bool {
        !self.locked
    }

    /// The method was verified: the count resets with the step's other
    /// writes.
    pub async fn succeeded(self, tx: &mut Tx) -> ApiResult<()> {
        if let Subject::User(id) = &self.subject {
            tx.reset_failures(id, self.method.as_str()).await?;
        }
        Ok(())
    }

    /// The method was refused (wrong, or locked): the failure counts, and
    /// the limit locks the method.
    pub async fn failed(self, app: &AppState) -> ApiResult<()> {
        let c = &app.config;
        match &self.subject {
            Subject::User(id) => {
                app.store
                    .record_failure(
                        id,
                        self.method.as_str(),
                        now(),
                        c.failure_limit,
                        c.lockout_s,
                    )
                    .await?;
            }
            Subject::Unknown(key) => app.store.record_unknown_failure(key, now()).await?,
        }
        Ok(())
    }
}
