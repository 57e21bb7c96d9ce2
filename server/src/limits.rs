//! Rate limits kept in the shared database, in fixed windows: a request
//! takes one from each counter it is held to, in the transaction of its
//! other writes, and is refused with 429 and `Retry-After` once a counter
//! is over its limit. Every instance counts in the same counters.

use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::store::Tx;
use authlevel_core::ErrorCode;

/// The window of every limit here, in seconds.
pub const MINUTE: i64 = 60;

/// The limits of a password step from `ip` for the name `name` in the
/// directory `directory_id` (whether or not it is an account, so the answer
/// tells nothing of which names exist).
pub fn password_step(
    app: &AppState,
    ip: Option<&str>,
    directory_id: &str,
    name: &str,
) -> [Limit; 2] {
    let c = &app.config;
    [
        Limit {
            key: format!("password ip {}", ip.unwrap_or("-")),
            max: c.login_attempts_per_ip_per_minute,
        },
        Limit {
            key: format!("password name {directory_id} {name}"),
            max: c.login_attempts_per_account_per_minute,
        },
    ]
}

/// The limit of unauthenticated requests that store state, from `ip`.
pub fn anonymous_write(app: &AppState, ip: Option<&str>) -> [Limit; 1] {
    [Limit {
        key: format!("anonymous ip {}", ip.unwrap_or("-")),
        max: app.config.anonymous_writes_per_ip_per_minute,
    }]
}

/// One limit: at most `max` requests per window for `key` (0: no limit).
#[derive(Debug, Clone)]
pub struct Limit {
    /// What is counted, e.g. `password ip 10.0.0.1`.
    pub key: String,
    /// The most requests a window allows; 0 switches it off.
    pub max: i64,
}

/// Takes one from each limit's counter in the current window of
/// `window_s` seconds, in `tx`; refuses with `rate_limited` (and the
/// seconds until the window ends) when any is over. `what` writes what
/// to tell the person, in their language.
pub async fn take(
    tx: &mut Tx,
    window_s: i64,
    limits: &[Limit],
    what: fn(authlevel_core::Lang) -> String,
) -> ApiResult<()> {
    let t = now();
    let window_start = t - t.rem_euclid(window_s);
    for limit in limits.iter().filter(|l| l.max > 0) {
        if tx.take_count(&limit.key, window_start).await? > limit.max {
            return Err(ApiError::Later {
                code: ErrorCode::RateLimited,
                detail: what(crate::lang::current()),
                retry_after_s: u64::try_from(window_start + window_s - t)
                    .unwrap_or(1)
                    .max(1),
            });
        }
    }
    Ok(())
}
