//! Sessions, setup links and the enrolment sessions a setup link opens.
//! Every id here is the SHA-256 of the token the client holds.

use super::{Store, Tx, UserRow};
use authlevel_core::MethodSet;
use sqlx::Row;
use sqlx::any::AnyRow;

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// Hash of the session token.
    pub id: String,
    /// Whose session.
    pub user_id: String,
    /// The level reached at login.
    pub level: u32,
    /// The methods verified at login.
    pub methods: MethodSet,
    /// When the login completed.
    pub authenticated_at: i64,
    /// When the session was last used.
    pub last_seen_at: i64,
    /// Absolute end.
    pub expires_at: i64,
}

fn session_row(r: &AnyRow) -> Result<SessionRow, sqlx::Error> {
    let level: i64 = r.try_get("level")?;
    let methods: i64 = r.try_get("methods")?;
    Ok(SessionRow {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        level: u32::try_from(level).unwrap_or(0),
        methods: MethodSet::from_bits(u8::try_from(methods & 0xff).unwrap_or(0)),
        authenticated_at: r.try_get("authenticated_at")?,
        last_seen_at: r.try_get("last_seen_at")?,
        expires_at: r.try_get("expires_at")?,
    })
}

/// A token a user holds, stored as its hash with the same columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserToken {
    /// A one-time setup link.
    SetupLink,
    /// The enrolment a setup link opened.
    Enrolment,
}

/// What happened when a setup link was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetupLinkUse {
    /// It was valid and is now used; the user's id.
    Used(String),
    /// Unknown, used before, or expired.
    Invalid,
}

/// The query of [`Store::session_with_user`], built once.
static SESSION_WITH_USER: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {}, s.id AS session_id, s.level, s.methods, s.authenticated_at, s.last_seen_at, \
         s.expires_at AS session_expires_at, d.slug AS directory_slug \
         FROM sessions s JOIN users ON users.id = s.user_id \
         JOIN directories d ON d.id = users.directory_id \
         WHERE s.id = $1 AND s.expires_at >= $2 AND s.last_seen_at >= $3",
        super::users::COLUMNS
    )
});

impl Tx {
    /// Stores a new session.
    pub async fn insert_session(&mut self, s: &SessionRow) -> Result<(), sqlx::Error> {
        insert_session(self.conn(), s).await
    }

    /// Ends a session (the one a browser held before its new login).
    pub async fn delete_session(&mut self, id: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

async fn insert_session<'c, E>(db: E, s: &SessionRow) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO sessions (id, user_id, level, methods, authenticated_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&s.id)
    .bind(&s.user_id)
    .bind(i64::from(s.level))
    .bind(i64::from(s.methods.bits()))
    .bind(s.authenticated_at)
    .bind(s.last_seen_at)
    .bind(s.expires_at)
    .execute(db)
    .await?;
    Ok(())
}

impl Store {
    /// The session with this id if neither its absolute nor its idle
    /// timeout (`idle_s`) has passed.
    pub async fn session(
        &self,
        id: &str,
        now: i64,
        idle_s: i64,
    ) -> Result<Option<SessionRow>, sqlx::Error> {
        self.one(
            sqlx::query(
                "SELECT id, user_id, level, methods, authenticated_at, last_seen_at, expires_at \
             FROM sessions WHERE id = $1 AND expires_at >= $2 AND last_seen_at >= $3",
            )
            .bind(id)
            .bind(now)
            .bind(now - idle_s),
            session_row,
        )
        .await
    }

    /// The live session with this id (as [`Store::session`]), its enabled
    /// or disabled user, and the slug of the user's directory: one query,
    /// for every request a session makes.
    pub async fn session_with_user(
        &self,
        id: &str,
        now: i64,
        idle_s: i64,
    ) -> Result<Option<(SessionRow, UserRow, String)>, sqlx::Error> {
        let Some(r) = sqlx::query(&SESSION_WITH_USER)
            .bind(id)
            .bind(now)
            .bind(now - idle_s)
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        let user = super::users::row(&r)?;
        let level: i64 = r.try_get("level")?;
        let methods: i64 = r.try_get("methods")?;
        let session = SessionRow {
            id: r.try_get("session_id")?,
            user_id: user.id.clone(),
            level: u32::try_from(level).unwrap_or(0),
            methods: MethodSet::from_bits(u8::try_from(methods & 0xff).unwrap_or(0)),
            authenticated_at: r.try_get("authenticated_at")?,
            last_seen_at: r.try_get("last_seen_at")?,
            expires_at: r.try_get("session_expires_at")?,
        };
        Ok(Some((session, user, r.try_get("directory_slug")?)))
    }

    /// Marks a session as used now.
    pub async fn touch_session(&self, id: &str, now: i64) -> Result<(), sqlx::Error> {
        self.run(
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id),
        )
        .await
    }

    /// Ends one session.
    pub async fn delete_session(&self, id: &str) -> Result<bool, sqlx::Error> {
        self.delete_row("sessions", id).await
    }

    /// Ends every session of a user; answers how many.
    pub async fn delete_user_sessions(&self, user_id: &str) -> Result<u64, sqlx::Error> {
        self.exec(sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id))
            .await
    }

    /// Stores the hash of a token for a user: a setup link, or the
    /// enrolment one opens.
    pub async fn insert_user_token(
        &self,
        kind: UserToken,
        id: &str,
        user_id: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        let table = match kind {
            UserToken::SetupLink => "setup_links",
            UserToken::Enrolment => "enrolments",
        };
        self.run(
            sqlx::query(&format!(
                "INSERT INTO {table} (id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)"
            ))
            .bind(id)
            .bind(user_id)
            .bind(now)
            .bind(expires_at),
        )
        .await
    }

    /// Uses a setup link: one atomic update, so a link works exactly once
    /// even when submitted twice at the same moment.
    pub async fn use_setup_link(&self, id: &str, now: i64) -> Result<SetupLinkUse, sqlx::Error> {
        let used = self.exec_optional(sqlx::query(
            "UPDATE setup_links SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at >= $1 \
             RETURNING user_id",
        )
        .bind(now)
        .bind(id)
        )
        .await?;
        Ok(match used {
            Some(r) => SetupLinkUse::Used(r.try_get("user_id")?),
            None => SetupLinkUse::Invalid,
        })
    }

    /// Invalidates a user's unused setup links (a new one supersedes them).
    pub async fn revoke_setup_links(&self, user_id: &str, now: i64) -> Result<(), sqlx::Error> {
        self.run(
            sqlx::query(
                "UPDATE setup_links SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
            )
            .bind(now)
            .bind(user_id),
        )
        .await
    }

    /// The user of an unexpired enrolment session.
    pub async fn enrolment_user(&self, id: &str, now: i64) -> Result<Option<String>, sqlx::Error> {
        let r = sqlx::query("SELECT user_id FROM enrolments WHERE id = $1 AND expires_at >= $2")
            .bind(id)
            .bind(now)
            .fetch_optional(self.pool())
            .await?;
        r.map(|r| r.try_get("user_id")).transpose()
    }

    /// Ends an enrolment session.
    pub async fn delete_enrolment(&self, id: &str) -> Result<(), sqlx::Error> {
        self.run(sqlx::query("DELETE FROM enrolments WHERE id = $1").bind(id))
            .await
    }
}
