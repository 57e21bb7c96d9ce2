//! Users: identity, contact points, role, password hash.

use super::Store;
use authlevel_core::api::{Role, User};
use authlevel_core::{Method, MethodSet};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::fmt;

/// A stored user.
#[derive(Clone, PartialEq, Eq)]
pub struct UserRow {
    /// Its id.
    pub id: String,
    /// Its directory's id.
    pub directory_id: String,
    /// Normalised (trimmed, lower-case) username.
    pub username: String,
    /// Name shown to people.
    pub display_name: String,
    /// Confirmed email address.
    pub email: Option<String>,
    /// Confirmed mobile number, E.164.
    pub phone: Option<String>,
    /// Email address awaiting its code.
    pub pending_email: Option<String>,
    /// Mobile number awaiting its code.
    pub pending_phone: Option<String>,
    /// Role in the directory.
    pub role: Role,
    /// Whether logins are refused.
    pub disabled: bool,
    /// The argon2id PHC string, when a password is set.
    pub password_hash: Option<String>,
    /// Creation time.
    pub created_at: i64,
    /// Whether a confirmed authenticator app is set up.
    pub has_totp: bool,
    /// Whether at least one passkey is registered.
    pub has_passkey: bool,
    /// Recovery codes left unused.
    pub recovery_left: u32,
}

impl fmt::Debug for UserRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("directory_id", &self.directory_id)
            .field("username", &self.username)
            .field("role", &self.role)
            .field("disabled", &self.disabled)
            .field(
                "password_hash",
                &self.password_hash.as_ref().map(|_| "[redacted]"),
            )
            .finish_non_exhaustive()
    }
}

impl UserRow {
    /// The methods this user can use at login: a password, a confirmed phone
    /// (SMS), a confirmed email address, a confirmed authenticator app, a passkey.
    pub fn enrolled(&self) -> MethodSet {
        let mut set = MethodSet::EMPTY;
        if self.password_hash.is_some() {
            set.insert(Method::Password);
        }
        if self.phone.is_some() {
            set.insert(Method::Sms);
        }
        if self.email.is_some() {
            set.insert(Method::Email);
        }
        if self.has_totp {
            set.insert(Method::Totp);
        }
        if self.has_passkey {
            set.insert(Method::Passkey);
        }
        if self.recovery_left > 0 {
            set.insert(Method::Recovery);
        }
        set
    }

    /// The administrator's view.
    pub fn to_api(&self) -> User {
        User {
            id: self.id.clone(),
            directory_id: self.directory_id.clone(),
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            role: self.role,
            disabled: self.disabled,
            enrolled: self.enrolled(),
            recovery_codes: self.recovery_left,
            created_at: self.created_at,
        }
    }
}

/// A user to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Directory id.
    pub directory_id: String,
    /// Normalised username.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// Confirmed email.
    pub email: Option<String>,
    /// Confirmed phone, E.164.
    pub phone: Option<String>,
    /// Role.
    pub role: Role,
}

/// Changes to a user; `None` keeps a field, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    /// New display name.
    pub display_name: Option<String>,
    /// New confirmed email.
    pub email: Option<Option<String>>,
    /// New confirmed phone.
    pub phone: Option<Option<String>>,
    /// New pending email.
    pub pending_email: Option<Option<String>>,
    /// New pending phone.
    pub pending_phone: Option<Option<String>>,
    /// New role.
    pub role: Option<Role>,
    /// New disabled flag.
    pub disabled: Option<bool>,
}

pub(super) fn row(r: &AnyRow) -> Result<UserRow, sqlx::Error> {
    let role: String = r.try_get("role")?;
    let disabled: i64 = r.try_get("disabled")?;
    Ok(UserRow {
        id: r.try_get("id")?,
        directory_id: r.try_get("directory_id")?,
        username: r.try_get("username")?,
        display_name: r.try_get("display_name")?,
        email: r.try_get("email")?,
        phone: r.try_get("phone")?,
        pending_email: r.try_get("pending_email")?,
        pending_phone: r.try_get("pending_phone")?,
        role: Role::parse(&role).unwrap_or_default(),
        disabled: disabled != 0,
        password_hash: r.try_get("password_hash")?,
        created_at: r.try_get("created_at")?,
        has_totp: r.try_get::<i64, _>("totp_count")? > 0,
        has_passkey: r.try_get::<i64, _>("passkey_count")? > 0,
        recovery_left: u32::try_from(r.try_get::<i64, _>("recovery_count")?).unwrap_or(0),
    })
}

// Counts come back as BIGINT on both backends (EXISTS would be a boolean
// on PostgreSQL and an integer on SQLite). Qualified, so a query may join
// `users` with tables that have an `id` or `created_at` too.
pub(super) const COLUMNS: &str = "users.id, users.directory_id, username, display_name, email, \
                       phone, pending_email, pending_phone, role, disabled, password_hash, users.created_at, \
                       (SELECT COUNT(*) FROM totp t WHERE t.user_id = users.id AND t.secret_enc IS NOT NULL) AS totp_count, \
                       (SELECT COUNT(*) FROM passkeys p WHERE p.user_id = users.id) AS passkey_count, \
                       (SELECT COUNT(*) FROM recovery_codes rc WHERE rc.user_id = users.id AND rc.used_at IS NULL) AS recovery_count";

/// Binds a [`UserPatch`] change of an optional column: its flag (1 when
/// set) and its new value.
trait BindChange {
    fn bind_change(self, change: &Option<Option<String>>) -> Self;
}

impl<'q> BindChange for sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    fn bind_change(self, change: &Option<Option<String>>) -> Self {
        self.bind(i64::from(change.is_some()))
            .bind(change.clone().flatten())
    }
}

impl Store {
    /// Creates a user; `None` when the username is taken in that directory.
    pub async fn insert_user(
        &self,
        id: &str,
        u: &NewUser,
        now: i64,
    ) -> Result<Option<UserRow>, sqlx::Error> {
        let done = self.exec(sqlx::query(
            "INSERT INTO users (id, directory_id, username, display_name, email, phone, role, \
             disabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8) \
             ON CONFLICT (directory_id, username) DO NOTHING",
        )
        .bind(id)
        .bind(&u.directory_id)
        .bind(&u.username)
        .bind(&u.display_name)
        .bind(u.email.clone())
        .bind(u.phone.clone())
        .bind(u.role.as_str())
        .bind(now)
        )
        .await?;
        if done == 0 {
            return Ok(None);
        }
        self.user(id).await
    }

    /// The user with this id.
    pub async fn user(&self, id: &str) -> Result<Option<UserRow>, sqlx::Error> {
        self.one(
            sqlx::query(&format!("SELECT {COLUMNS} FROM users WHERE id = $1")).bind(id),
            row,
        )
        .await
    }

    /// The user with this normalised username in a directory.
    pub async fn user_by_username(
        &self,
        directory_id: &str,
        username: &str,
    ) -> Result<Option<UserRow>, sqlx::Error> {
        self.one(
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM users WHERE directory_id = $1 AND username = $2"
            ))
            .bind(directory_id)
            .bind(username),
            row,
        )
        .await
    }

    /// A directory's users, by username.
    pub async fn users(&self, directory_id: &str) -> Result<Vec<UserRow>, sqlx::Error> {
        self.all(
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM users WHERE directory_id = $1 ORDER BY username"
            ))
            .bind(directory_id),
            row,
        )
        .await
    }

    /// Applies a patch; answers the user afterwards, `None` when unknown.
    pub async fn update_user(
        &self,
        id: &str,
        p: &UserPatch,
        now: i64,
    ) -> Result<Option<UserRow>, sqlx::Error> {
        // One statement: a column is set when its flag is 1, so the update is
        // atomic and the SQL stays static.
        self.exec(
            sqlx::query(
                "UPDATE users SET \
               display_name  = CASE WHEN $2 = 1 THEN $3 ELSE display_name END, \
               email         = CASE WHEN $4 = 1 THEN $5 ELSE email END, \
               phone         = CASE WHEN $6 = 1 THEN $7 ELSE phone END, \
               pending_email = CASE WHEN $8 = 1 THEN $9 ELSE pending_email END, \
               pending_phone = CASE WHEN $10 = 1 THEN $11 ELSE pending_phone END, \
               role          = CASE WHEN $12 = 1 THEN $13 ELSE role END, \
               disabled      = CASE WHEN $14 = 1 THEN $15 ELSE disabled END, \
               updated_at    = $16 \
             WHERE id = $1",
            )
            .bind(id)
            .bind(i64::from(p.display_name.is_some()))
            .bind(p.display_name.clone().unwrap_or_default())
            .bind_change(&p.email)
            .bind_change(&p.phone)
            .bind_change(&p.pending_email)
            .bind_change(&p.pending_phone)
            .bind(i64::from(p.role.is_some()))
            .bind(p.role.unwrap_or_default().as_str())
            .bind(i64::from(p.disabled.is_some()))
            .bind(i64::from(p.disabled.unwrap_or(false)))
            .bind(now),
        )
        .await?;
        self.user(id).await
    }

    /// Sets the password hash.
    pub async fn set_password_hash(
        &self,
        id: &str,
        hash: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        self.run(
            sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(hash)
                .bind(now)
                .bind(id),
        )
        .await
    }

    /// Deletes a user with everything hanging off them.
    pub async fn delete_user(&self, id: &str) -> Result<bool, sqlx::Error> {
        self.delete_row("users", id).await
    }
}
