//! Recovery codes, as keyed hashes: a user's set, replaced whole; each code
//! used once (an atomic update).

use super::{Store, Tx};

impl Tx {
    /// Replaces the user's recovery codes with `hashes` (keyed hashes of the
    /// new codes).
    pub async fn replace_recovery_codes(
        &mut self,
        user_id: &str,
        hashes: &[String],
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(self.conn())
            .await?;
        for hash in hashes {
            sqlx::query(
                "INSERT INTO recovery_codes (id, user_id, code_hash, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(crate::token::new_id())
            .bind(user_id)
            .bind(hash)
            .bind(now)
            .execute(self.conn())
            .await?;
        }
        self.recount_enrolled(user_id).await
    }

    /// Uses the user's unused code with hash `code_hash`: one atomic
    /// update, so of any number of concurrent uses on any number of
    /// instances exactly one succeeds.
    pub async fn use_recovery_code(
        &mut self,
        user_id: &str,
        code_hash: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 \
             WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .bind(code_hash)
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 1 {
            self.recount_enrolled(user_id).await?;
        }
        Ok(done.rows_affected() == 1)
    }
}

impl Store {
    /// Revokes (deletes) every recovery code of a user; answers how many
    /// were unused.
    pub async fn revoke_recovery_codes(&self, user_id: &str) -> Result<u64, sqlx::Error> {
        self.exec_enrolment(
            user_id,
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL")
                .bind(user_id),
        )
        .await
    }
}
