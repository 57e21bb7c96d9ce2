//! Sessions, setup links and the enrolment sessions a setup link opens.
//! Every id here is the SHA-256 of the token the client holds.

use super::{Columns, Store, Tx, UserRow, times};
use authlevel_core::{MethodSet, MethodTimes};

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// Hash of the session token.
    pub id: String,
    /// The id the session is shown and ended by (never the token's hash);
    /// empty for sessions from before there was one.
    pub public_id: String,
    /// Whose session.
    pub user_id: String,
    /// The level reached at login.
    pub level: u32,
    /// The methods verified at login.
    pub methods: MethodSet,
    /// When each of them was verified.
    pub times: MethodTimes,
    /// When the last first step (password or passkey) was verified: the
    /// login's `auth_time`.
    pub authenticated_at: i64,
    /// When the session began.
    pub created_at: i64,
    /// When the session was last used.
    pub last_seen_at: i64,
    /// Absolute end; a step-up keeps it.
    pub expires_at: i64,
    /// The client's address when it began.
    pub ip: Option<String>,
    /// The client's browser (`User-Agent`) when it began.
    pub user_agent: Option<String>,
}

/// The session's columns but for the method times.
const COLUMNS: &str = "id, public_id, user_id, level, methods, authenticated_at, created_at, \
                       last_seen_at, expires_at, ip, user_agent";

/// The columns to select from `s`, as `session_<column>`.
fn select() -> String {
    times::select_with(COLUMNS, "s", "session_")
}

fn session_row(r: &impl Columns) -> Result<SessionRow, sqlx::Error> {
    let col = |c: &str| format!("session_{c}");
    let level: i64 = r.col(&col("level"))?;
    let methods: i64 = r.col(&col("methods"))?;
    let authenticated_at: i64 = r.col(&col("authenticated_at"))?;
    Ok(from_columns!(r, "session_" => SessionRow {
        id, user_id, last_seen_at, expires_at, ip, user_agent;
        public_id: r
            .col::<Option<String>>(&col("public_id"))?
            .unwrap_or_default(),
        level: u32::try_from(level).unwrap_or(0),
        methods: MethodSet::from_bits(u8::try_from(methods & 0xff).unwrap_or(0)),
        times: times::read(r, "session_")?,
        authenticated_at: authenticated_at,
        created_at: r
            .col::<Option<i64>>(&col("created_at"))?
            .unwrap_or(authenticated_at),
    }))
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

/// The query of [`Store::session`], built once.
static SESSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {} FROM sessions s \
         WHERE s.id = $1 AND s.expires_at >= $2 AND s.last_seen_at >= $3",
        select()
    )
});

/// The query of [`Store::session_by_public_id`], built once.
static SESSION_BY_PUBLIC_ID: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {} FROM sessions s \
         WHERE s.public_id = $1 AND s.public_id <> '' AND s.expires_at >= $2 AND s.last_seen_at >= $3",
        select()
    )
});

/// The query of [`Store::session_with_user`], built once.
static SESSION_WITH_USER: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {}, {}, d.slug AS directory_slug, d.policy AS directory_policy \
         FROM sessions s JOIN users ON users.id = s.user_id \
         JOIN directories d ON d.id = users.directory_id \
         WHERE s.id = $1 AND s.expires_at >= $2 AND s.last_seen_at >= $3",
        super::users::COLUMNS.as_str(),
        select()
    )
});

/// The query of [`Store::user_sessions`], built once.
static USER_SESSIONS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {} FROM sessions s \
         WHERE s.user_id = $1 AND s.expires_at >= $2 AND s.last_seen_at >= $3 \
         ORDER BY s.last_seen_at DESC, s.id",
        select()
    )
});

/// One of the queries above for the sessions `key` names (`$1`) that are
/// live at `now`: neither their absolute nor their idle timeout passed.
fn live<'q>(sql: &'q str, key: &'q str, now: i64, idle_s: i64) -> super::Sql<'q> {
    sqlx::query(sql).bind(key).bind(now).bind(now - idle_s)
}

static INSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "INSERT INTO sessions (id, public_id, user_id, level, methods, authenticated_at, \
         created_at, last_seen_at, expires_at, ip, user_agent, {}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, {})",
        times::names(),
        times::placeholders(12)
    )
});

impl Tx {
    /// Stores a new session.
    pub async fn insert_session(&mut self, s: &SessionRow) -> Result<(), sqlx::Error> {
        let q = sqlx::query(&INSERT)
            .bind(&s.id)
            .bind(&s.public_id)
            .bind(&s.user_id)
            .bind(i64::from(s.level))
            .bind(i64::from(s.methods.bits()))
            .bind(s.authenticated_at)
            .bind(s.created_at)
            .bind(s.last_seen_at)
            .bind(s.expires_at)
            .bind(s.ip.clone())
            .bind(s.user_agent.clone());
        self.run(times::bind(q, &s.times)).await
    }

    /// Ends a session (the one a browser held before its new login);
    /// answers its user and public id when there was one.
    pub async fn delete_session(
        &mut self,
        id: &str,
    ) -> Result<Option<(String, String)>, sqlx::Error> {
        let q =
            sqlx::query("DELETE FROM sessions WHERE id = $1 RETURNING user_id, public_id").bind(id);
        self.fetch_optional(q)
            .await?
            .map(|r| {
                Ok((
                    r.col("user_id")?,
                    r.col::<Option<String>>("public_id")?.unwrap_or_default(),
                ))
            })
            .transpose()
    }

    /// Ends every enrolment a setup link opened for a user (a new link, a
    /// finished setup or a login of theirs supersedes them).
    pub async fn end_enrolments(&mut self, user_id: &str) -> Result<(), sqlx::Error> {
        let q = sqlx::query("DELETE FROM enrolments WHERE user_id = $1").bind(user_id);
        self.run(q).await
    }
}

impl Store {
    /// The live session (as [`Store::session`]) with this public id.
    pub async fn session_by_public_id(
        &self,
        public_id: &str,
        now: i64,
        idle_s: i64,
    ) -> Result<Option<SessionRow>, sqlx::Error> {
        self.one(
            live(&SESSION_BY_PUBLIC_ID, public_id, now, idle_s),
            session_row,
        )
        .await
    }

    /// Ends every enrolment a setup link opened for a user.
    pub async fn end_enrolments(&self, user_id: &str) -> Result<(), sqlx::Error> {
        self.run(sqlx::query("DELETE FROM enrolments WHERE user_id = $1").bind(user_id))
            .await
    }

    /// The session with this id if neither its absolute nor its idle
    /// timeout (`idle_s`) has passed.
    pub async fn session(
        &self,
        id: &str,
        now: i64,
        idle_s: i64,
    ) -> Result<Option<SessionRow>, sqlx::Error> {
        self.one(live(&SESSION, id, now, idle_s), session_row).await
    }

    /// The live session with this id (as [`Store::session`]), its enabled
    /// or disabled user, and the slug and policy (as stored, JSON) of the
    /// user's directory: one query,
    /// for every request a session makes.
    pub async fn session_with_user(
        &self,
        id: &str,
        now: i64,
        idle_s: i64,
    ) -> Result<Option<(SessionRow, UserRow, String, String)>, sqlx::Error> {
        fn read(r: &impl Columns) -> Result<(SessionRow, UserRow, String, String), sqlx::Error> {
            Ok((
                session_row(r)?,
                super::users::row(r)?,
                r.col("directory_slug")?,
                r.col("directory_policy")?,
            ))
        }
        if let Some(readers) = &self.readers {
            return readers.one(&SESSION_WITH_USER, (id, now, now - idle_s), |r| read(r));
        }
        self.one(live(&SESSION_WITH_USER, id, now, idle_s), read)
            .await
    }

    /// A user's live sessions (as [`Store::session`]), most recently used
    /// first.
    pub async fn user_sessions(
        &self,
        user_id: &str,
        now: i64,
        idle_s: i64,
    ) -> Result<Vec<SessionRow>, sqlx::Error> {
        self.few(live(&USER_SESSIONS, user_id, now, idle_s), session_row)
            .await
    }

    /// Ends every session of a user but `keep` (a session id); answers how
    /// many.
    pub async fn delete_other_sessions(
        &self,
        user_id: &str,
        keep: &str,
    ) -> Result<u64, sqlx::Error> {
        self.exec(
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
                .bind(user_id)
                .bind(keep),
        )
        .await
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
            Some(r) => SetupLinkUse::Used(r.col("user_id")?),
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
        let q = sqlx::query("SELECT user_id FROM enrolments WHERE id = $1 AND expires_at >= $2")
            .bind(id)
            .bind(now);
        self.one(q, |r| r.col("user_id")).await
    }

    /// Ends an enrolment session.
    pub async fn delete_enrolment(&self, id: &str) -> Result<(), sqlx::Error> {
        self.run(sqlx::query("DELETE FROM enrolments WHERE id = $1").bind(id))
            .await
    }
}
