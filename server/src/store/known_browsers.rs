//! Known browsers: a browser that completed a login for a user, by the hash
//! of the secret its cookie holds. Its password steps for that user are
//! counted here, not in the anonymous lockout (SECURITY 32).

use super::Columns;
use super::{Store, Tx};
use authlevel_core::api::KnownBrowser;

impl Tx {
    /// Counts a password step of the known browser `id` (the hash of its
    /// secret) for `user_id`: one atomic update, granted while it has
    /// failed fewer than `limit` times in a row. `false` when it is
    /// unknown, another user's, removed, too old (last used before
    /// `used_since`) or void (its limit reached).
    pub async fn take_known_attempt(
        &mut self,
        id: &str,
        user_id: &str,
        limit: i64,
        used_since: i64,
    ) -> Result<bool, sqlx::Error> {
        let q = sqlx::query(
            "UPDATE known_browsers SET failures = failures + 1 \
             WHERE id = $1 AND user_id = $2 AND failures < $3 AND last_used_at >= $4",
        )
        .bind(id)
        .bind(user_id)
        .bind(limit)
        .bind(used_since);
        Ok(self.exec(q).await? == 1)
    }

    /// The known browser's password was right: its count starts again.
    pub async fn reset_known_failures(&mut self, id: &str) -> Result<(), sqlx::Error> {
        let q =
            sqlx::query("UPDATE known_browsers SET failures = 0 WHERE id = $1 AND failures > 0")
                .bind(id);
        self.run(q).await
    }

    /// Records that the browser `id` completed a login of `user_id` at
    /// `now`: a new row, or the existing one of this user used again
    /// (void or not, its count starts again).
    pub async fn remember_browser(
        &mut self,
        id: &str,
        public_id: &str,
        user_id: &str,
        now: i64,
        ip: Option<&str>,
        user_agent: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        let q = sqlx::query(
            "INSERT INTO known_browsers (id, public_id, user_id, created_at, last_used_at, failures, ip, user_agent) \
             VALUES ($1, $2, $3, $4, $4, 0, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET last_used_at = $4, failures = 0, ip = $5, user_agent = $6 \
             WHERE known_browsers.user_id = $3",
        )
        .bind(id)
        .bind(public_id)
        .bind(user_id)
        .bind(now)
        .bind(ip.map(str::to_owned))
        .bind(user_agent.map(str::to_owned));
        self.run(q).await
    }
}

impl Store {
    /// A user's known browsers used since `used_since` that are not void
    /// (fewer than `limit` failures), most recently used first; `current`
    /// is the hash of the asking browser's secret for this user.
    pub async fn known_browsers(
        &self,
        user_id: &str,
        used_since: i64,
        limit: i64,
        current: Option<&str>,
    ) -> Result<Vec<KnownBrowser>, sqlx::Error> {
        let current = current.unwrap_or("").to_owned();
        self.few(
            sqlx::query(
                "SELECT id, public_id, created_at, last_used_at, ip, user_agent FROM known_browsers \
                 WHERE user_id = $1 AND last_used_at >= $2 AND failures < $3 \
                 ORDER BY last_used_at DESC, public_id",
            )
            .bind(user_id)
            .bind(used_since)
            .bind(limit),
            move |r| {
                let id: String = r.col("id")?;
                Ok(KnownBrowser {
                    id: r.col("public_id")?,
                    created_at: r.col("created_at")?,
                    last_used_at: r.col("last_used_at")?,
                    ip: r.col("ip")?,
                    user_agent: r.col("user_agent")?,
                    current: !current.is_empty() && id == current,
                })
            },
        )
        .await
    }
}
