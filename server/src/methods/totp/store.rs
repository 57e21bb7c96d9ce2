//! Authenticator-app secrets (sealed) and the last accepted time step.

use crate::store::{Store, Tx};

/// That a user has a confirmed authenticator app, as SQL on `users`.
pub const ENROLLED: &str =
    "EXISTS (SELECT 1 FROM totp t WHERE t.user_id = users.id AND t.secret_enc IS NOT NULL)";

/// A user's authenticator-app row.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpRow {
    /// The confirmed secret, sealed.
    pub secret_enc: Option<String>,
    /// A secret being set up, sealed.
    pub pending_enc: Option<String>,
    /// The last accepted time step.
    pub last_step: i64,
}

impl crate::store::FromColumns for TotpRow {
    fn from_columns(r: &impl crate::store::Columns) -> Result<Self, sqlx::Error> {
        Ok(crate::store::from_columns!(r, TotpRow { secret_enc, pending_enc, last_step; }))
    }
}

impl std::fmt::Debug for TotpRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TotpRow")
            .field("confirmed", &self.secret_enc.is_some())
            .field("pending", &self.pending_enc.is_some())
            .field("last_step", &self.last_step)
            .finish()
    }
}

impl Store {
    /// Stores a secret being set up (replacing an earlier pending one; a
    /// confirmed secret stays until the new one is confirmed).
    pub async fn set_pending_totp(
        &self,
        user_id: &str,
        sealed: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        self.run(
            sqlx::query(
                "INSERT INTO totp (user_id, pending_enc, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id) DO UPDATE SET pending_enc = excluded.pending_enc",
            )
            .bind(user_id)
            .bind(sealed)
            .bind(now),
        )
        .await
    }

    /// The user's row.
    pub async fn totp(&self, user_id: &str) -> Result<Option<TotpRow>, sqlx::Error> {
        self.one(
            sqlx::query("SELECT secret_enc, pending_enc, last_step FROM totp WHERE user_id = $1")
                .bind(user_id),
            crate::store::read::<TotpRow>,
        )
        .await
    }

    /// Makes the pending secret `sealed` the confirmed one, with `step` used.
    pub async fn confirm_totp(
        &self,
        user_id: &str,
        sealed: &str,
        step: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        Ok(self.exec_enrolment(user_id, sqlx::query(
            "UPDATE totp SET secret_enc = pending_enc, pending_enc = NULL, last_step = $1, confirmed_at = $2 \
             WHERE user_id = $3 AND pending_enc = $4",
        )
        .bind(step)
        .bind(now)
        .bind(user_id)
        .bind(sealed)
        ).await? == 1)
    }

    /// Removes the user's authenticator app.
    pub async fn delete_totp(&self, user_id: &str) -> Result<bool, sqlx::Error> {
        Ok(self
            .exec_enrolment(
                user_id,
                sqlx::query("DELETE FROM totp WHERE user_id = $1 AND secret_enc IS NOT NULL")
                    .bind(user_id),
            )
            .await?
            == 1)
    }
}

impl Tx {
    /// Accepts time step `step` for the user unless it, or a later one, was
    /// accepted before: one atomic update, so concurrent submits of one code
    /// succeed at most once.
    pub async fn consume_totp_step(
        &mut self,
        user_id: &str,
        step: i64,
    ) -> Result<bool, sqlx::Error> {
        let q = sqlx::query(
            "UPDATE totp SET last_step = $1 WHERE user_id = $2 AND last_step < $1 AND secret_enc IS NOT NULL",
        )
        .bind(step)
        .bind(user_id);
        Ok(self.exec(q).await? == 1)
    }
}
