//! The SQL layer: one `Store` over sqlx's `Any` driver, for SQLite (the
//! embedded default) and PostgreSQL. Every piece of state lives here, so any
//! instance can serve any request and a restart loses nothing. SQL is written
//! once, in the dialect both accept (`$1` parameters, `ON CONFLICT`,
//! `RETURNING`); times come from the server as Unix seconds.

mod audit;
mod codes;
mod directories;
mod flows;
mod oidc;
mod passkeys;
mod sessions;
mod totp;
mod users;

pub use audit::AuditQuery;
pub use codes::{CodeRow, NewCode};
pub use directories::DirectoryRow;
pub use flows::FlowRow;
pub use oidc::{ClientRow, TokenRow};
pub use passkeys::PasskeyRow;
pub use sessions::{SessionRow, SetupLinkUse};
pub use totp::TotpRow;
pub use users::{NewUser, UserPatch, UserRow};

use authlevel_core::api::AuditEvent;
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyConnection, AnyPool, Transaction};
use std::time::Duration;

/// Which database the store talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in WAL mode.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The database.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

/// Why the store could not open.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The database could not be reached or opened (where, without a
    /// password; why).
    #[error("cannot reach or open the database at {0}: {1}")]
    Connect(String, sqlx::Error),
    /// The database has a migration this binary does not carry: another
    /// instance, of a newer version, upgraded it.
    #[error(
        "the database schema is newer than this binary: the database has migration {0}, \
         which this binary does not know. Run the newer version of authlevel (every \
         instance on one database must be the same version or newer), or restore the \
         database from before the upgrade"
    )]
    SchemaNewer(i64),
    /// A migration failed.
    #[error("cannot bring the schema up to date: {0}")]
    Migrate(sqlx::migrate::MigrateError),
    /// A database statement failed.
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
}

/// `url` without the password of its user part, for messages.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rsplit_once('@') {
        Some((user, host)) => {
            let user = user.split_once(':').map_or(user, |(u, _)| u);
            format!("{scheme}://{user}@{host}{}", &rest[authority_end..])
        }
        None => url.to_owned(),
    }
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Opens the database at `url` with at most `max_connections`; creates a
    /// SQLite file when missing.
    pub async fn open(url: &str, max_connections: u32) -> Result<Store, OpenError> {
        Store::open_with(url, max_connections, true).await
    }

    /// Like [`Store::open`]; with `full_sync` false a SQLite file commits
    /// with `synchronous=NORMAL` (WAL): an answered write survives a crash
    /// of the process, but the last ones may be lost if the machine loses
    /// power. PostgreSQL ignores it.
    pub async fn open_with(
        url: &str,
        max_connections: u32,
        full_sync: bool,
    ) -> Result<Store, OpenError> {
        sqlx::any::install_default_drivers();
        let (url, backend) = if url.starts_with("sqlite:") {
            let url = if url.contains("mode=") {
                url.to_owned()
            } else if url.contains('?') {
                format!("{url}&mode=rwc")
            } else {
                format!("{url}?mode=rwc")
            };
            (url, Backend::Sqlite)
        } else {
            (url.to_owned(), Backend::Postgres)
        };
        let normal = backend == Backend::Sqlite && !full_sync;
        let pool = AnyPoolOptions::new()
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if normal {
                        sqlx::query("PRAGMA synchronous=NORMAL")
                            .execute(conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect(&url)
            .await
            .map_err(|e| OpenError::Connect(without_password(&url), e))?;
        if backend == Backend::Sqlite {
            // WAL lets readers run beside the writer; the setting is kept in
            // the file. synchronous=FULL (the default) makes every answered
            // write durable even against power loss.
            sqlx::query("PRAGMA journal_mode=WAL")
                .execute(&pool)
                .await?;
        }
        Ok(Store { pool, backend })
    }

    /// Applies the migrations this binary carries; refuses a database whose
    /// schema is newer than the binary.
    pub async fn migrate(&self) -> Result<(), OpenError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        // On PostgreSQL the migrator holds an advisory lock, so instances
        // starting together apply each migration once.
        migrator.run(&self.pool).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::VersionMissing(v) => OpenError::SchemaNewer(v),
            e => OpenError::Migrate(e),
        })
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    /// Deletes expired flows, sessions (absolute or idle timeout, `idle_s`),
    /// setup links and enrolments. Safe to run on several instances at once:
    /// each statement stands alone and deleting twice is harmless.
    pub async fn housekeeping(&self, now: i64, idle_s: i64) -> Result<u64, sqlx::Error> {
        let mut n = 0;
        for sql in [
            "DELETE FROM login_flows WHERE expires_at < $1",
            "DELETE FROM setup_links WHERE expires_at < $1",
            "DELETE FROM enrolments WHERE expires_at < $1",
            "DELETE FROM webauthn_states WHERE expires_at < $1",
            "DELETE FROM unknown_failures WHERE updated_at < $1 - 86400",
            "DELETE FROM oidc_requests WHERE expires_at < $1",
            "DELETE FROM oidc_codes WHERE expires_at < $1 - 86400",
            "DELETE FROM oidc_tokens WHERE expires_at < $1 - 86400",
            // Codes are kept a day past expiry: the quotas count them.
            "DELETE FROM codes WHERE expires_at < $1 - 86400",
        ] {
            n += sqlx::query(sql)
                .bind(now)
                .execute(&self.pool)
                .await?
                .rows_affected();
        }
        n += sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2")
            .bind(now)
            .bind(now - idle_s)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(n)
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins writes that commit together (one transaction, one commit).
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(Tx {
            inner: self.pool.begin().await?,
            audits: Vec::new(),
        })
    }
}

/// Writes that commit together: a login step's flow, session, counters and
/// audit events are one transaction, so one commit (one fsync on SQLite)
/// and all or nothing. Dropped without [`Tx::commit`], nothing is written.
/// Only writes go through it: on SQLite a transaction that read first could
/// not take the write lock when another connection wrote in between.
pub struct Tx {
    inner: Transaction<'static, Any>,
    audits: Vec<AuditEvent>,
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx")
            .field("audits", &self.audits.len())
            .finish()
    }
}

impl Tx {
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }

    /// Adds an audit event, written with the rest at commit.
    pub fn audit(&mut self, e: AuditEvent) {
        self.audits.push(e);
    }

    /// Writes nothing: ends the transaction now, before the caller writes
    /// through the pool (dropping it rolls back too, but only once its
    /// connection goes back to the pool).
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.inner.rollback().await
    }

    /// Writes the audit events and commits; answers the events written.
    pub async fn commit(mut self) -> Result<Vec<AuditEvent>, sqlx::Error> {
        let audits = std::mem::take(&mut self.audits);
        for e in &audits {
            audit::insert(&mut *self.inner, e).await?;
        }
        self.inner.commit().await?;
        Ok(audits)
    }
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn messages_never_show_the_database_password() {
        assert_eq!(
            without_password("postgres://me:secret@db:5432/auth?sslmode=require"),
            "postgres://me@db:5432/auth?sslmode=require"
        );
        assert_eq!(without_password("postgres://db/auth"), "postgres://db/auth");
        assert_eq!(
            without_password("sqlite://data/a.db?mode=rwc"),
            "sqlite://data/a.db?mode=rwc"
        );
    }

    /// The PostgreSQL migrations are the SQLite ones but for the
    /// auto-increment key: same files, same statements, in step.
    #[test]
    fn the_migrations_of_both_backends_are_in_step() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let names = |backend: &str| {
            let mut v: Vec<String> = std::fs::read_dir(dir.join(backend))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        let files = names("sqlite");
        assert!(!files.is_empty());
        assert_eq!(files, names("postgres"));
        for f in files {
            let sqlite = std::fs::read_to_string(dir.join("sqlite").join(&f)).unwrap();
            let postgres = std::fs::read_to_string(dir.join("postgres").join(&f)).unwrap();
            assert_eq!(
                sqlite.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY"),
                postgres,
                "{f}: the PostgreSQL migration differs from the SQLite one"
            );
        }
    }
}
