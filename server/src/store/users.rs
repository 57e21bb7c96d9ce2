//! Users: identity, contact points, role, password hash.

use super::Columns;
use super::Store;
use authlevel_core::api::{Role, User};
use authlevel_core::{Channel, Lang, Method, MethodSet};
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
    /// The methods this user can use at login (each method's `ENROLLED`).
    pub enrolled: MethodSet,
    /// Recovery codes left unused.
    pub recovery_left: u32,
    /// The language of what is sent to them, once chosen.
    pub language: Option<Lang>,
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
    /// The methods this user can use at login: those whose `ENROLLED`
    /// condition holds (`crate::methods::enrolled`).
    pub fn enrolled(&self) -> MethodSet {
        self.enrolled
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
    /// The language of what is sent to them.
    pub language: Option<Lang>,
}

pub(crate) fn row(r: &impl super::Columns) -> Result<UserRow, sqlx::Error> {
    let role: String = r.col("role")?;
    let disabled: i64 = r.col("disabled")?;
    Ok(from_columns!(r, UserRow {
        id, directory_id, username, display_name, email, phone, pending_email, pending_phone,
        password_hash, created_at;
        role: Role::parse(&role).unwrap_or_default(),
        disabled: disabled != 0,
        enrolled: MethodSet::from_bits(u8::try_from(r.col::<i64>("enrolled_now")? & 0xff).unwrap_or(0)),
        recovery_left: u32::try_from(r.col::<i64>("recovery_count")?).unwrap_or(0),
        language: r
            .col::<Option<String>>("language")?
            .as_deref()
            .and_then(Lang::parse),
    }))
}

/// The bits of the methods a user has enrolled now: each method's
/// `ENROLLED` condition on `users` (`crate::methods::enrolled`), as the sum
/// of the bits of those that hold. Integers on both backends.
pub(crate) static ENROLLED_NOW: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    Method::ALL
        .iter()
        .map(|m| {
            format!(
                "(CASE WHEN {} THEN {} ELSE 0 END)",
                crate::methods::enrolled(*m),
                m.spec().bit
            )
        })
        .collect::<Vec<_>>()
        .join(" + ")
});

// Counts come back as BIGINT on both backends (EXISTS would be a boolean
// on PostgreSQL and an integer on SQLite). Qualified, so a query may join
// `users` with tables that have an `id` or `created_at` too.
pub(crate) static COLUMNS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "users.id, users.directory_id, username, display_name, email, \
         phone, pending_email, pending_phone, role, disabled, password_hash, users.created_at, users.language, \
         ({}) AS enrolled_now, \
         (SELECT COUNT(*) FROM recovery_codes rc WHERE rc.user_id = users.id AND rc.used_at IS NULL) AS recovery_count",
        *ENROLLED_NOW
    )
});

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

/// Sets a user's `enrolled` bits (the column the users list, its filters
/// and the what-if count by) from what they have now.
static RECOUNT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "UPDATE users SET enrolled = ({}) WHERE id = $1",
        *ENROLLED_NOW
    )
});

impl super::Tx {
    /// Creates a user (with their `enrolled` bits); false when the
    /// username is taken in that directory.
    pub async fn insert_user(
        &mut self,
        id: &str,
        u: &NewUser,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        // A new user has enrolled no method but the code methods whose
        // contact point they were given: one statement, no recount.
        let enrolled: MethodSet = Method::ALL
            .into_iter()
            .filter(|m| match m.spec().channel {
                Some(Channel::Sms) => u.phone.is_some(),
                Some(Channel::Email) => u.email.is_some(),
                None => false,
            })
            .collect();
        let q = sqlx::query(
            "INSERT INTO users (id, directory_id, username, display_name, email, phone, role, \
             disabled, created_at, updated_at, enrolled) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8, $9) \
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
        .bind(i64::from(enrolled.bits()));
        Ok(self.exec(q).await? == 1)
    }

    /// Applies a patch (and brings the `enrolled` bits up to date); false
    /// when the user is unknown.
    pub async fn update_user(
        &mut self,
        id: &str,
        p: &UserPatch,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        // One statement: a column is set when its flag is 1, so the update is
        // atomic and the SQL stays static.
        let q = sqlx::query(
            "UPDATE users SET \
               display_name  = CASE WHEN $2 = 1 THEN $3 ELSE display_name END, \
               email         = CASE WHEN $4 = 1 THEN $5 ELSE email END, \
               phone         = CASE WHEN $6 = 1 THEN $7 ELSE phone END, \
               pending_email = CASE WHEN $8 = 1 THEN $9 ELSE pending_email END, \
               pending_phone = CASE WHEN $10 = 1 THEN $11 ELSE pending_phone END, \
               role          = CASE WHEN $12 = 1 THEN $13 ELSE role END, \
               disabled      = CASE WHEN $14 = 1 THEN $15 ELSE disabled END, \
               updated_at    = $16, \
               language      = CASE WHEN $17 = 1 THEN $18 ELSE language END \
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
        .bind(now)
        .bind(i64::from(p.language.is_some()))
        .bind(p.language.unwrap_or_default().as_str());
        if self.exec(q).await? == 0 {
            return Ok(false);
        }
        self.recount_enrolled(id).await?;
        Ok(true)
    }

    /// Brings the user's `enrolled` bits up to date, after a change of what
    /// they have enrolled in this transaction.
    pub async fn recount_enrolled(&mut self, user_id: &str) -> Result<(), sqlx::Error> {
        let q = sqlx::query(&RECOUNT).bind(user_id);
        self.run(q).await
    }
}

impl Store {
    /// Runs `q`, a write that may change what `user_id` has enrolled, and
    /// brings their `enrolled` bits up to date, in one transaction; answers
    /// how many rows `q` changed.
    pub(crate) async fn exec_enrolment<'q>(
        &self,
        user_id: &str,
        q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<u64, sqlx::Error> {
        let mut tx = self.begin().await?;
        let n = tx.exec(q).await?;
        if n > 0 {
            tx.recount_enrolled(user_id).await?;
        }
        tx.commit().await?;
        Ok(n)
    }

    /// Creates a user; `None` when the username is taken in that directory.
    pub async fn insert_user(
        &self,
        id: &str,
        u: &NewUser,
        now: i64,
    ) -> Result<Option<UserRow>, sqlx::Error> {
        let mut tx = self.begin().await?;
        let created = tx.insert_user(id, u, now).await?;
        tx.commit().await?;
        if !created {
            return Ok(None);
        }
        self.user(id).await
    }

    /// The user with this id.
    pub async fn user(&self, id: &str) -> Result<Option<UserRow>, sqlx::Error> {
        self.one(
            sqlx::query(&format!("SELECT {} FROM users WHERE id = $1", *COLUMNS)).bind(id),
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
                "SELECT {} FROM users WHERE directory_id = $1 AND username = $2",
                *COLUMNS
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
                "SELECT {} FROM users WHERE directory_id = $1 ORDER BY username",
                *COLUMNS
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
        let mut tx = self.begin().await?;
        tx.update_user(id, p, now).await?;
        tx.commit().await?;
        self.user(id).await
    }

    /// Sets the password hash; every token an application holds for the
    /// user is revoked with the old password (SECURITY 33).
    pub async fn set_password_hash(
        &self,
        id: &str,
        hash: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin().await?;
        tx.run(
            sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(hash)
                .bind(now)
                .bind(id),
        )
        .await?;
        tx.recount_enrolled(id).await?;
        tx.run(
            sqlx::query(
                "UPDATE oidc_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a user with everything hanging off them.
    pub async fn delete_user(&self, id: &str) -> Result<bool, sqlx::Error> {
        self.delete_row("users", id).await
    }
}

/// What a page of a directory's users is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct UsersQuery {
    /// The directory.
    pub directory_id: String,
    /// Words to find in the username, display name, email or phone.
    pub search: Option<String>,
    /// Only users whose `enrolled` bits are one of these.
    pub enrolled_in: Option<Vec<u8>>,
    /// Only users locked out of some method at this time.
    pub locked_at: Option<i64>,
    /// Only disabled users.
    pub disabled_only: bool,
    /// Only enabled users.
    pub enabled_only: bool,
    /// Only users after this username (the cursor).
    pub after: Option<String>,
    /// At most this many.
    pub limit: i64,
}

impl UsersQuery {
    /// The `WHERE` clause (bound from `$2` on, after the directory) and
    /// its bound values, in order.
    fn condition(&self, with_cursor: bool) -> (String, Vec<String>) {
        let mut sql = String::from("users.directory_id = $1");
        let mut binds = Vec::new();
        if let Some(words) = self
            .search
            .as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            let pattern = format!(
                "%{}%",
                words
                    .to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            );
            binds.push(pattern);
            let n = binds.len() + 1;
            sql.push_str(&format!(
                " AND (username LIKE ${n} ESCAPE '\\' OR LOWER(display_name) LIKE ${n} ESCAPE '\\' \
                 OR LOWER(COALESCE(email, '')) LIKE ${n} ESCAPE '\\' OR COALESCE(phone, '') LIKE ${n} ESCAPE '\\')"
            ));
        }
        if let Some(set) = &self.enrolled_in {
            // Bits of method sets, not user input: written into the query.
            let list: Vec<String> = set.iter().map(u8::to_string).collect();
            sql.push_str(&format!(
                " AND users.enrolled IN ({})",
                if list.is_empty() {
                    "-1".to_owned()
                } else {
                    list.join(", ")
                }
            ));
        }
        if let Some(t) = self.locked_at {
            sql.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM failures f WHERE f.user_id = users.id AND f.locked_until > {t})"
            ));
        }
        if self.disabled_only {
            sql.push_str(" AND users.disabled = 1");
        }
        if self.enabled_only {
            sql.push_str(" AND users.disabled = 0");
        }
        if let (true, Some(after)) = (with_cursor, &self.after) {
            binds.push(after.clone());
            sql.push_str(&format!(" AND username > ${}", binds.len() + 1));
        }
        (sql, binds)
    }
}

impl Store {
    /// How many enabled users of a directory have enrolled each set of
    /// methods: one indexed group-by, whatever the number of users.
    pub async fn enrolment_counts(
        &self,
        directory_id: &str,
    ) -> Result<Vec<authlevel_core::EnrolmentCount>, sqlx::Error> {
        self.all(
            sqlx::query(
                "SELECT enrolled, COUNT(*) AS n FROM users \
                 WHERE directory_id = $1 AND disabled = 0 GROUP BY enrolled ORDER BY enrolled",
            )
            .bind(directory_id),
            |r| {
                let bits: i64 = r.col("enrolled")?;
                let n: i64 = r.col("n")?;
                Ok(authlevel_core::EnrolmentCount {
                    methods: MethodSet::from_bits(u8::try_from(bits & 0xff).unwrap_or(0)),
                    users: u32::try_from(n).unwrap_or(u32::MAX),
                })
            },
        )
        .await
    }

    /// A page of a directory's users matching `q`, by username, and how
    /// many match over all pages.
    pub async fn users_page(&self, q: &UsersQuery) -> Result<(Vec<UserRow>, u32), sqlx::Error> {
        let (cond, binds) = q.condition(true);
        let sql = format!(
            "SELECT {} FROM users WHERE {cond} ORDER BY username LIMIT {}",
            *COLUMNS,
            q.limit.max(1)
        );
        let mut query = sqlx::query(&sql).bind(&q.directory_id);
        for b in &binds {
            query = query.bind(b);
        }
        let users = self.all(query, row).await?;
        let (cond, binds) = q.condition(false);
        let sql = format!("SELECT COUNT(*) AS n FROM users WHERE {cond}");
        let mut query = sqlx::query(&sql).bind(&q.directory_id);
        for b in &binds {
            query = query.bind(b);
        }
        // A count over the directory's users: through the pool, off the
        // request's thread (`Store::one` is for lookups by key).
        let total = self
            .all(query, |r| r.col::<i64>("n"))
            .await?
            .first()
            .copied()
            .unwrap_or(0);
        Ok((users, u32::try_from(total).unwrap_or(u32::MAX)))
    }
}

impl Store {
    /// Every username of a directory, with the user's id.
    pub async fn usernames(
        &self,
        directory_id: &str,
    ) -> Result<std::collections::HashMap<String, String>, sqlx::Error> {
        Ok(self
            .all(
                sqlx::query("SELECT username, id FROM users WHERE directory_id = $1")
                    .bind(directory_id),
                |r| Ok((r.col("username")?, r.col("id")?)),
            )
            .await?
            .into_iter()
            .collect())
    }
}

#[cfg(test)]
#[path = "users_tests.rs"]
mod tests;
