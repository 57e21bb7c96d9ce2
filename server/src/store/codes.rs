//! One-time codes (their keyed hashes), their attempts and the history the quotas count.

use super::Columns;
use super::Store;

/// A stored code (its hash only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRow {
    /// Its id (random, also the salt of the keyed hash).
    pub id: String,
    /// Where it was sent.
    pub destination: String,
    /// The keyed hash of the code.
    pub code_hash: String,
    /// Wrong guesses so far.
    pub attempts: i64,
    /// When it was made.
    pub created_at: i64,
    /// When it stops working.
    pub expires_at: i64,
}

impl crate::store::FromColumns for CodeRow {
    fn from_columns(r: &impl crate::store::Columns) -> Result<Self, sqlx::Error> {
        Ok(
            crate::store::from_columns!(r, CodeRow { id, destination, code_hash, attempts, created_at, expires_at; }),
        )
    }
}

/// A code to store.
#[derive(Debug, Clone)]
pub struct NewCode<'a> {
    /// Its id.
    pub id: &'a str,
    /// Whose.
    pub user_id: &'a str,
    /// The login it belongs to, for login codes.
    pub flow_id: Option<&'a str>,
    /// `login_sms`, `login_email`, `confirm_phone`, `confirm_email`.
    pub purpose: &'a str,
    /// Where it goes.
    pub destination: &'a str,
    /// Keyed hash of the code.
    pub code_hash: &'a str,
    /// The requester's address.
    pub ip: Option<&'a str>,
    /// Now.
    pub now: i64,
    /// Expiry.
    pub expires_at: i64,
}

/// What the quotas and the resend wait of a new code look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeHistory {
    /// When the newest code of the same user, purpose and flow was made.
    pub last_at: Option<i64>,
    /// Codes to the destination in the window.
    pub per_destination: i64,
    /// Codes for the user in the window.
    pub per_user: i64,
    /// Codes from the address in the window.
    pub per_ip: i64,
}

impl Store {
    /// The newest unused code of a user, purpose and flow.
    pub async fn current_code(
        &self,
        user_id: &str,
        purpose: &str,
        flow_id: Option<&str>,
    ) -> Result<Option<CodeRow>, sqlx::Error> {
        self.one(
            sqlx::query(
                "SELECT id, destination, code_hash, attempts, created_at, expires_at FROM codes \
                 WHERE user_id = $1 AND purpose = $2 AND COALESCE(flow_id, '') = $3 AND used_at IS NULL \
                 ORDER BY created_at DESC, id LIMIT 1",
            )
            .bind(user_id)
            .bind(purpose)
            .bind(flow_id.unwrap_or("")),
            super::read::<CodeRow>,
        )
        .await
    }
}

/// What [`super::Tx::try_code`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeTry {
    /// The code was right, and is now used.
    pub used: bool,
    /// Tries so far, this one included.
    pub attempts: i64,
    /// When the code stops working.
    pub expires_at: i64,
}

impl super::Tx {
    /// Invalidates a code (its delivery failed).
    pub async fn invalidate_code(&mut self, id: &str, now: i64) -> Result<(), sqlx::Error> {
        self.run(
            sqlx::query("UPDATE codes SET used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id),
        )
        .await
    }

    /// Stores a new code and invalidates the earlier unused ones of the same
    /// user, purpose and flow (a resend supersedes the old code).
    pub async fn insert_code(&mut self, c: &NewCode<'_>) -> Result<(), sqlx::Error> {
        let q = sqlx::query(
            "UPDATE codes SET used_at = $1 WHERE user_id = $2 AND purpose = $3 \
             AND COALESCE(flow_id, '') = $4 AND used_at IS NULL",
        )
        .bind(c.now)
        .bind(c.user_id)
        .bind(c.purpose)
        .bind(c.flow_id.unwrap_or(""));
        self.exec(q).await?;
        let q = sqlx::query(
            "INSERT INTO codes (id, user_id, flow_id, purpose, destination, code_hash, attempts, ip, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9)",
        )
        .bind(c.id)
        .bind(c.user_id)
        .bind(c.flow_id.map(str::to_owned))
        .bind(c.purpose)
        .bind(c.destination)
        .bind(c.code_hash)
        .bind(c.ip.map(str::to_owned))
        .bind(c.now)
        .bind(c.expires_at);
        self.run(q).await
    }

    /// For a new code, in the transaction that stores it (see
    /// [`super::Tx::lock_keys`]): when the newest code of the user, purpose and flow
    /// was made (used or not), and how many codes were made since `since`
    /// to the destination, for the user, and from the address. One query.
    pub async fn code_history(
        &mut self,
        user_id: &str,
        purpose: &str,
        flow_id: Option<&str>,
        since: i64,
        destination: &str,
        ip: Option<&str>,
    ) -> Result<CodeHistory, sqlx::Error> {
        let r = self
            .fetch_one(
                sqlx::query(
                    "SELECT \
               (SELECT MAX(created_at) FROM codes WHERE user_id = $3 AND purpose = $5 \
                AND COALESCE(flow_id, '') = $6) AS last, \
               (SELECT COUNT(*) FROM codes WHERE destination = $2 AND created_at >= $1) AS d, \
               (SELECT COUNT(*) FROM codes WHERE user_id = $3 AND created_at >= $1) AS u, \
               (SELECT COUNT(*) FROM codes WHERE ip = $4 AND created_at >= $1) AS i",
                )
                .bind(since)
                .bind(destination)
                .bind(user_id)
                .bind(ip.unwrap_or(""))
                .bind(purpose)
                .bind(flow_id.unwrap_or("")),
            )
            .await?;
        Ok(CodeHistory {
            last_at: r.col("last")?,
            per_destination: r.col("d")?,
            per_user: r.col("u")?,
            per_ip: r.col("i")?,
        })
    }

    /// Counts a try of the unused code `id` and uses it when `allowed`, its
    /// hash is `code_hash`, it is unexpired and fewer than `max_attempts`
    /// tries came before: one atomic update, so of any number of concurrent
    /// tries on any number of instances at most `max_attempts` are checked
    /// and exactly one right one wins. `None` when the code is used.
    pub async fn try_code(
        &mut self,
        id: &str,
        code_hash: &str,
        allowed: bool,
        now: i64,
        max_attempts: i64,
    ) -> Result<Option<CodeTry>, sqlx::Error> {
        let r = self.fetch_optional(sqlx::query(
            "UPDATE codes SET attempts = attempts + 1, \
               used_at = CASE WHEN $3 = 1 AND attempts < $4 AND expires_at >= $1 AND code_hash = $5 \
                         THEN $1 ELSE NULL END \
             WHERE id = $2 AND used_at IS NULL \
             RETURNING used_at, attempts, expires_at",
        )
        .bind(now)
        .bind(id)
        .bind(i64::from(allowed))
        .bind(max_attempts)
        .bind(code_hash))
        .await?;
        r.map(|r| {
            Ok(CodeTry {
                used: r.col::<Option<i64>>("used_at")?.is_some(),
                attempts: r.col("attempts")?,
                expires_at: r.col("expires_at")?,
            })
        })
        .transpose()
    }
}
