//! Passkeys and WebAuthn ceremony state.

use crate::store::Columns;
use crate::store::{Store, Tx};

/// That a user has a passkey, as SQL on `users`.
pub const ENROLLED: &str = "EXISTS (SELECT 1 FROM passkeys p WHERE p.user_id = users.id)";

/// A stored passkey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyRow {
    /// Its id.
    pub id: String,
    /// Whose.
    pub user_id: String,
    /// The credential ID, base64url.
    pub credential_id: String,
    /// webauthn-rs's `Passkey`, as JSON.
    pub passkey: String,
    /// The name the user gave it.
    pub name: String,
    /// When it was added.
    pub created_at: i64,
    /// When it last logged in.
    pub last_used_at: Option<i64>,
}

impl crate::store::FromColumns for PasskeyRow {
    fn from_columns(r: &impl crate::store::Columns) -> Result<Self, sqlx::Error> {
        Ok(
            crate::store::from_columns!(r, PasskeyRow { id, user_id, credential_id, passkey, name, created_at, last_used_at; }),
        )
    }
}

const COLUMNS: &str = "id, user_id, credential_id, passkey, name, created_at, last_used_at";

static USER_WITH_CREDENTIALS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {}, pk.credential_id AS passkey_credential_id \
         FROM users LEFT JOIN passkeys pk ON pk.user_id = users.id \
         WHERE users.directory_id = $1 AND users.username = $2 \
         ORDER BY pk.created_at, pk.id",
        crate::store::users::COLUMNS.as_str()
    )
});

static PASSKEY_WITH_USER: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {}, p.id AS passkey_id, p.credential_id, p.passkey, p.name AS passkey_name, \
         p.created_at AS passkey_created_at, p.last_used_at \
         FROM passkeys p JOIN users ON users.id = p.user_id WHERE p.credential_id = $1",
        crate::store::users::COLUMNS.as_str()
    )
});

impl Store {
    /// Stores a passkey; `false` when its credential ID is registered already
    /// (to this or any other account).
    pub async fn insert_passkey(&self, p: &PasskeyRow) -> Result<bool, sqlx::Error> {
        Ok(self
            .exec_enrolment(
                &p.user_id,
                sqlx::query(
                    "INSERT INTO passkeys (id, user_id, credential_id, passkey, name, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (credential_id) DO NOTHING",
                )
                .bind(&p.id)
                .bind(&p.user_id)
                .bind(&p.credential_id)
                .bind(&p.passkey)
                .bind(&p.name)
                .bind(p.created_at),
            )
            .await?
            == 1)
    }

    /// A user's passkeys, oldest first.
    pub async fn passkeys(&self, user_id: &str) -> Result<Vec<PasskeyRow>, sqlx::Error> {
        self.few(
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY created_at, id"
            ))
            .bind(user_id),
            crate::store::read::<PasskeyRow>,
        )
        .await
    }

    /// The user with this normalised username in a directory, with the
    /// credential IDs (base64url) of their passkeys: one query, for a
    /// passkey login that names the account.
    pub async fn user_with_credentials(
        &self,
        directory_id: &str,
        username: &str,
    ) -> Result<Option<(crate::store::UserRow, Vec<String>)>, sqlx::Error> {
        let q = sqlx::query(&USER_WITH_CREDENTIALS)
            .bind(directory_id)
            .bind(username);
        // A row per passkey (one with none): the user's columns in each.
        let rows = self
            .few(q, |r| {
                Ok((
                    crate::store::users::row(r)?,
                    r.col::<Option<String>>("passkey_credential_id")?,
                ))
            })
            .await?;
        let credentials = rows.iter().filter_map(|(_, id)| id.clone()).collect();
        Ok(rows.into_iter().next().map(|(user, _)| (user, credentials)))
    }

    /// The passkey with this credential ID and its user: one query, for
    /// every passkey login.
    pub async fn passkey_with_user(
        &self,
        credential_id: &str,
    ) -> Result<Option<(PasskeyRow, crate::store::UserRow)>, sqlx::Error> {
        let q = sqlx::query(&PASSKEY_WITH_USER).bind(credential_id);
        self.one(q, |r| {
            let user = crate::store::users::row(r)?;
            let passkey = PasskeyRow {
                id: r.col("passkey_id")?,
                user_id: user.id.clone(),
                credential_id: r.col("credential_id")?,
                passkey: r.col("passkey")?,
                name: r.col("passkey_name")?,
                created_at: r.col("passkey_created_at")?,
                last_used_at: r.col("last_used_at")?,
            };
            Ok((passkey, user))
        })
        .await
    }

    /// Renames a user's passkey.
    pub async fn rename_passkey(
        &self,
        user_id: &str,
        id: &str,
        name: &str,
    ) -> Result<bool, sqlx::Error> {
        Ok(self
            .exec(
                sqlx::query("UPDATE passkeys SET name = $1 WHERE id = $2 AND user_id = $3")
                    .bind(name)
                    .bind(id)
                    .bind(user_id),
            )
            .await?
            == 1)
    }

    /// Deletes a user's passkey.
    pub async fn delete_passkey(&self, user_id: &str, id: &str) -> Result<bool, sqlx::Error> {
        Ok(self
            .exec_enrolment(
                user_id,
                sqlx::query("DELETE FROM passkeys WHERE id = $1 AND user_id = $2")
                    .bind(id)
                    .bind(user_id),
            )
            .await?
            == 1)
    }

    /// Takes the unexpired state under `id`: it is deleted in the same
    /// statement, so a ceremony can be finished once.
    pub async fn take_webauthn_state(
        &self,
        id: &str,
        now: i64,
    ) -> Result<Option<String>, sqlx::Error> {
        let r = self
            .exec_optional(
                sqlx::query(
                    "DELETE FROM webauthn_states WHERE id = $1 RETURNING state, expires_at",
                )
                .bind(id),
            )
            .await?;
        match r {
            Some(r) if r.col::<i64>("expires_at")? >= now => Ok(Some(r.col("state")?)),
            _ => Ok(None),
        }
    }

    /// The unexpired state under `id`, left in place: a login reads its
    /// ceremony, verifies outside any transaction, and takes it with
    /// [`Tx::take_webauthn_state`] in the transaction that completes the
    /// step.
    pub async fn webauthn_state(&self, id: &str, now: i64) -> Result<Option<String>, sqlx::Error> {
        self.one(
            sqlx::query("SELECT state FROM webauthn_states WHERE id = $1 AND expires_at >= $2")
                .bind(id)
                .bind(now),
            |r| r.col("state"),
        )
        .await
    }
}

impl Tx {
    /// Deletes the state under `id`; answers whether this deleted it (it
    /// was there): of two transactions finishing one ceremony, only one
    /// does.
    pub async fn take_webauthn_state(&mut self, id: &str) -> Result<bool, sqlx::Error> {
        let q = sqlx::query("DELETE FROM webauthn_states WHERE id = $1").bind(id);
        Ok(self.exec(q).await? == 1)
    }

    /// Stores (or replaces) ceremony state under `id`.
    pub async fn put_webauthn_state(
        &mut self,
        id: &str,
        state: &str,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        let q = sqlx::query(
            "INSERT INTO webauthn_states (id, state, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at",
        )
        .bind(id)
        .bind(state)
        .bind(expires_at);
        self.run(q).await
    }

    /// Saves the updated credential (counter, backup state) of a passkey,
    /// or of a paired phone's device key (`table`: `passkeys`,
    /// `app_devices`), after an assertion that carried `counter`: only when
    /// that is above the stored counter, or both are 0 (passkeys synced
    /// between devices report 0). Answers false when a concurrent login
    /// saved the same or a higher counter first: this assertion is then
    /// refused, as a clone's (SECURITY 16).
    pub async fn update_passkey(
        &mut self,
        table: &'static str,
        id: &str,
        passkey: &str,
        counter: u32,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let sql = format!(
            "UPDATE {table} SET passkey = $1, last_used_at = $2, sign_count = $4 \
             WHERE id = $3 AND (sign_count < $4 OR ($4 = 0 AND sign_count = 0))"
        );
        let q = sqlx::query(&sql)
            .bind(passkey)
            .bind(now)
            .bind(id)
            .bind(i64::from(counter));
        Ok(self.exec(q).await? == 1)
    }
}
