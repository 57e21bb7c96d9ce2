//! Failure counters and locks, per account and method: the one table the
//! lockout rule (`login::failures`) reads and writes. An attempt is counted
//! before anything is verified, in one statement that also decides whether
//! it may verify, so concurrent attempts on any number of instances cannot
//! slip past a lock; a success resets the count.

use super::Columns;
use super::{Store, Tx};

/// The statement of [`Tx::take_attempt`]: counts the attempt, locks the
/// method once `limit` attempts in a row have not succeeded, and answers in
/// `granted` whether the method was unlocked before this attempt (the `SET`
/// expressions read the row as it was). When this attempt engages the lock
/// (`engaged_at`) and the user was not told of a lock in the last
/// `lockout_s`, `notify` says to tell them now (`notified_at`).
const TAKE: &str = "INSERT INTO failures (user_id, method, count, locked_until, updated_at, granted, \
       engaged_at, notified_at, notify) \
     VALUES ($1, $2, 1, CASE WHEN 1 >= $4 THEN $5 ELSE 0 END, $3, 1, \
       CASE WHEN 1 >= $4 THEN $3 ELSE 0 END, CASE WHEN 1 >= $4 THEN $3 ELSE 0 END, \
       CASE WHEN 1 >= $4 THEN 1 ELSE 0 END) \
     ON CONFLICT (user_id, method) DO UPDATE SET \
       count = failures.count + 1, \
       locked_until = CASE WHEN failures.locked_until > $3 THEN failures.locked_until \
                           WHEN failures.count + 1 >= $4 THEN $5 \
                           ELSE failures.locked_until END, \
       granted = CASE WHEN failures.locked_until > $3 THEN 0 ELSE 1 END, \
       engaged_at = CASE WHEN failures.locked_until <= $3 AND failures.count + 1 >= $4 THEN $3 \
                         ELSE failures.engaged_at END, \
       notify = CASE WHEN failures.locked_until <= $3 AND failures.count + 1 >= $4 \
                      AND failures.notified_at <= $3 - $6 THEN 1 ELSE 0 END, \
       notified_at = CASE WHEN failures.locked_until <= $3 AND failures.count + 1 >= $4 \
                          AND failures.notified_at <= $3 - $6 THEN $3 ELSE failures.notified_at END, \
       updated_at = $3 \
     RETURNING granted, notify, count";

/// What taking an attempt found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    /// Whether the attempt may verify (the method was not locked).
    pub granted: bool,
    /// This attempt engaged the lock, and the user is to be told.
    pub notify: bool,
    /// Attempts in a row without a success, this one included.
    pub count: i64,
}

/// The same kind of write for a name that is no account.
const TAKE_UNKNOWN: &str = "INSERT INTO unknown_failures (id, count, updated_at) VALUES ($1, 1, $2) \
     ON CONFLICT (id) DO UPDATE SET count = unknown_failures.count + 1, updated_at = $2 \
     RETURNING count";

impl Store {
    /// Clears every failure count and lock of a user (an administrator's unlock).
    pub async fn clear_failures(&self, user_id: &str) -> Result<u64, sqlx::Error> {
        self.exec(sqlx::query("DELETE FROM failures WHERE user_id = $1").bind(user_id))
            .await
    }
}

impl Tx {
    /// Counts an attempt for a name that is no account (`id` is a keyed
    /// hash of directory and name): the same kind of write as
    /// [`Tx::take_attempt`], so both answers take alike.
    pub async fn take_unknown_attempt(&mut self, id: &str, now: i64) -> Result<(), sqlx::Error> {
        self.fetch_one(sqlx::query(TAKE_UNKNOWN).bind(id).bind(now))
            .await?;
        Ok(())
    }

    /// Takes an attempt at `method` for the user at `now` (see [`TAKE`]);
    /// answers whether it may verify. `limit` attempts in a row without a
    /// success lock the method until `now + lockout_s`; after that, one
    /// attempt at a time is let through, and locks it again. The
    /// transaction holds the row until it ends, so attempts in a step's
    /// transaction wait for each other's outcome.
    pub async fn take_attempt(
        &mut self,
        user_id: &str,
        method: &str,
        now: i64,
        limit: i64,
        lockout_s: i64,
    ) -> Result<Taken, sqlx::Error> {
        let r = self
            .fetch_one(
                sqlx::query(TAKE)
                    .bind(user_id)
                    .bind(method)
                    .bind(now)
                    .bind(limit)
                    .bind(now + lockout_s)
                    .bind(lockout_s),
            )
            .await?;
        Ok(Taken {
            granted: r.col::<i64>("granted")? == 1,
            notify: r.col::<i64>("notify")? == 1,
            count: r.col("count")?,
        })
    }

    /// Clears the failure count and lock of a method after a success.
    pub async fn reset_failures(&mut self, user_id: &str, method: &str) -> Result<(), sqlx::Error> {
        let q = sqlx::query(
            "UPDATE failures SET count = 0, locked_until = 0 \
             WHERE user_id = $1 AND method = $2 AND (count > 0 OR locked_until > 0)",
        )
        .bind(user_id)
        .bind(method);
        self.run(q).await
    }
}
