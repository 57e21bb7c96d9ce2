//! Failure counters and locks, per account and method: the one table the
//! lockout rule (`login::failures`) reads and writes.

use super::{Store, Tx};
use sqlx::Row;

impl Store {
    /// Counts a failure of `method` for the user and locks it for
    /// `lockout_s` once `limit` consecutive failures are reached. Answers
    /// the count afterwards.
    pub async fn record_failure(
        &self,
        user_id: &str,
        method: &str,
        now: i64,
        limit: i64,
        lockout_s: i64,
    ) -> Result<i64, sqlx::Error> {
        let r = self.exec_one(sqlx::query(
            "INSERT INTO failures (user_id, method, count, locked_until, updated_at) \
             VALUES ($1, $2, 1, CASE WHEN 1 >= $4 THEN $5 ELSE 0 END, $3) \
             ON CONFLICT (user_id, method) DO UPDATE SET \
               count = failures.count + 1, \
               locked_until = CASE WHEN failures.count + 1 >= $4 THEN $5 ELSE failures.locked_until END, \
               updated_at = $3 \
             RETURNING count",
        )
        .bind(user_id)
        .bind(method)
        .bind(now)
        .bind(limit)
        .bind(now + lockout_s)
        )
        .await?;
        r.try_get("count")
    }

    /// Counts a failed password step for a name that is no account (`id`
    /// is a keyed hash of directory and name): the same kind of write as
    /// [`Store::record_failure`], so both answers take alike.
    pub async fn record_unknown_failure(&self, id: &str, now: i64) -> Result<(), sqlx::Error> {
        self.exec_one(
            sqlx::query(
                "INSERT INTO unknown_failures (id, count, updated_at) VALUES ($1, 1, $2) \
             ON CONFLICT (id) DO UPDATE SET count = unknown_failures.count + 1, updated_at = $2 \
             RETURNING count",
            )
            .bind(id)
            .bind(now),
        )
        .await?;
        Ok(())
    }

    /// Whether the method is locked for the user now.
    pub async fn is_locked(
        &self,
        user_id: &str,
        method: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let r = sqlx::query("SELECT locked_until FROM failures WHERE user_id = $1 AND method = $2")
            .bind(user_id)
            .bind(method)
            .fetch_optional(self.pool())
            .await?;
        Ok(match r {
            Some(r) => r.try_get::<i64, _>("locked_until")? > now,
            None => false,
        })
    }

    /// Clears every failure count and lock of a user (an administrator's unlock).
    pub async fn clear_failures(&self, user_id: &str) -> Result<u64, sqlx::Error> {
        self.exec(sqlx::query("DELETE FROM failures WHERE user_id = $1").bind(user_id))
            .await
    }
}

impl Tx {
    /// Clears the failure count of a method after a success.
    pub async fn reset_failures(&mut self, user_id: &str, method: &str) -> Result<(), sqlx::Error> {
        reset_failures(self.conn(), user_id, method).await
    }
}

async fn reset_failures<'c, E>(db: E, user_id: &str, method: &str) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "UPDATE failures SET count = 0, locked_until = 0 \
         WHERE user_id = $1 AND method = $2 AND count > 0",
    )
    .bind(user_id)
    .bind(method)
    .execute(db)
    .await?;
    Ok(())
}
