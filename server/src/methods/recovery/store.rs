//! Recovery codes, as keyed hashes: a user's set, replaced whole; each code
//! used once (an atomic update).

use crate::store::{Store, Tx};

/// That a user has unused recovery codes, as SQL on `users`.
pub const ENROLLED: &str =
    "EXISTS (SELECT 1 FROM recovery_codes r WHERE r.user_id = users.id AND r.used_at IS NULL)";

impl Tx {
    /// Replaces the user's recovery codes with `hashes` (keyed hashes of the
    /// new codes).
    pub async fn replace_recovery_codes(
        &mut self,
        user_id: &str,
        hashes: &[String],
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let q = sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id);
        self.exec(q).await?;
        for hash in hashes {
            let q = sqlx::query(
                "INSERT INTO recovery_codes (id, user_id, code_hash, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(crate::token::new_id())
            .bind(user_id)
            .bind(hash)
            .bind(now);
            self.exec(q).await?;
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
        let q = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 \
             WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(user_id)
        .bind(code_hash);
        let used = self.exec(q).await? == 1;
        if used {
            self.recount_enrolled(user_id).await?;
        }
        Ok(used)
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
