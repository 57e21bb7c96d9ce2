//! The SQL layer: one `Store` over sqlx's `Any` driver, for SQLite (the
//! embedded default) and PostgreSQL. Every piece of state lives here, so any
//! instance can serve any request and a restart loses nothing. SQL is written
//! once, in the dialect both accept (`$1` parameters, `ON CONFLICT`,
//! `RETURNING`); times come from the server as Unix seconds.

#[macro_use]
mod columns;
mod audit;
pub mod backup;
mod codes;
mod counters;
mod directories;
mod failures;
mod flows;
mod group;
pub mod history;
mod known_browsers;
mod lite;
mod oidc;
mod outbox;
mod readers;
mod risk;
mod sessions;
mod settings;
mod times;
mod tx;
pub(crate) mod users;

pub use audit::AuditQuery;
pub use codes::{CodeHistory, CodeRow, NewCode};
pub use directories::DirectoryRow;
pub use failures::Taken;
pub use flows::FlowRow;
pub use history::HistoryRow;
pub use oidc::{ClientRow, RefreshUse, TokenRow};
pub use risk::RiskFacts;

pub(crate) use columns::{Column, Columns, FromColumns, from_columns};
pub use sessions::{SessionRow, SetupLinkUse, UserToken};
pub use tx::Tx;
use tx::TxInner;
pub(crate) use tx::TxRow;
pub use users::{NewUser, UserPatch, UserRow, UsersQuery};

use sqlx::any::{AnyArguments, AnyPoolOptions};
use sqlx::query::Query;
use sqlx::{Any, AnyPool};
use std::sync::Arc;
use std::time::Duration;

/// A statement of this store with its values bound, for either backend.
pub(crate) type Sql<'q> = Query<'q, Any, AnyArguments<'q>>;

/// How long what housekeeping deletes is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// A session unused this long (seconds) has ended.
    pub session_idle_s: i64,
    /// A known browser that logged in last this long ago is forgotten.
    pub known_browser_s: i64,
    /// Login history older than this (seconds) is deleted.
    pub history_s: i64,
}

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
    /// Reads (and on PostgreSQL, writes).
    pool: AnyPool,
    /// On SQLite, the one connection that writes (group commit).
    writer: Option<Arc<group::Writer>>,
    /// On a SQLite file, the reads by key: the session check, [`Store::one`]
    /// and [`Store::few`] (`readers.rs`).
    readers: Option<Arc<readers::Readers>>,
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
        let file = crate::files::sqlite_file(&url).filter(|_| backend == Backend::Sqlite);
        if let Some(file) = &file {
            crate::files::prepare_sqlite(file)
                .map_err(|e| OpenError::Connect(without_password(&url), sqlx::Error::Io(e)))?;
        }
        let writer = match (&file, backend) {
            (Some(file), Backend::Sqlite) => {
                let conn = lite::open(file, full_sync)
                    .map_err(|e| OpenError::Connect(without_password(&url), e))?;
                Some(Arc::new(group::Writer::new(conn, &url)))
            }
            (None, Backend::Sqlite) => {
                return Err(OpenError::Connect(
                    without_password(&url),
                    sqlx::Error::Configuration(
                        "a SQLite database must be a file (sqlite:///path/to/file.db)".into(),
                    ),
                ));
            }
            (_, Backend::Postgres) => None,
        };
        let read_only = writer.is_some();
        let pool = AnyPoolOptions::new()
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if read_only {
                        // Every write goes through the writer; a write
                        // here would be a bug, and fails.
                        sqlx::query("PRAGMA query_only=ON").execute(conn).await?;
                    }
                    Ok(())
                })
            })
            .max_connections(max_connections.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .connect(&url)
            .await
            .map_err(|e| OpenError::Connect(without_password(&url), e))?;
        // After the writer: it made the file and put it in WAL mode.
        let readers = match &file {
            Some(file) => Some(Arc::new(readers::Readers::open(file)?)),
            None => None,
        };
        Ok(Store {
            pool,
            writer,
            readers,
            backend,
        })
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
        let result = match &self.writer {
            Some(w) => w.migrate(migrator).await,
            None => migrator.run(&self.pool).await,
        };
        result.map_err(|e| match e {
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
    /// setup links and enrolments, in one transaction. Safe to run on
    /// several instances at once: deleting twice is harmless.
    pub async fn housekeeping(&self, now: i64, keep: &Retention) -> Result<u64, sqlx::Error> {
        let mut n = self.record_expired_logins(now).await?;
        let mut tx = self.begin().await?;
        for sql in [
            "DELETE FROM login_flows WHERE expires_at < $1",
            "DELETE FROM setup_links WHERE expires_at < $1",
            "DELETE FROM enrolments WHERE expires_at < $1",
            "DELETE FROM webauthn_states WHERE expires_at < $1",
            "DELETE FROM unknown_failures WHERE updated_at < $1 - 86400",
            // Rate-limit windows are minutes: a day-old one is long over.
            "DELETE FROM counters WHERE window_start < $1 - 86400",
            "DELETE FROM oidc_requests WHERE expires_at < $1",
            "DELETE FROM oidc_codes WHERE expires_at < $1 - 86400",
            "DELETE FROM oidc_tokens WHERE expires_at < $1 - 86400",
            // Codes are kept a day past expiry: the quotas count them.
            "DELETE FROM codes WHERE expires_at < $1 - 86400",
        ]
        .into_iter()
        .chain(crate::methods::EXPIRED.iter().copied())
        {
            n += tx.exec(sqlx::query(sql).bind(now)).await?;
        }
        n += tx
            .exec(
                sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2")
                    .bind(now)
                    .bind(now - keep.session_idle_s),
            )
            .await?;
        n += tx
            .exec(
                sqlx::query("DELETE FROM known_browsers WHERE last_used_at < $1")
                    .bind(now - keep.known_browser_s),
            )
            .await?;
        let history_from = now - keep.history_s;
        n += tx
            .exec(sqlx::query("DELETE FROM login_history WHERE at < $1").bind(history_from))
            .await?;
        n += tx
            .exec(
                sqlx::query("DELETE FROM user_networks WHERE last_seen_at < $1").bind(history_from),
            )
            .await?;
        n += tx
            .exec(
                sqlx::query("DELETE FROM login_shapes WHERE day < $1")
                    .bind(history::day_of(history_from)),
            )
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Moves the logins whose flow expired after a first step to the login
    /// history, as abandoned or blocked, a batch per transaction. A flow
    /// another instance took meanwhile is not recorded twice: only the
    /// transaction whose delete found it records it.
    async fn record_expired_logins(&self, now: i64) -> Result<u64, sqlx::Error> {
        const BATCH: i64 = 500;
        let mut n = 0;
        loop {
            let expired = self.expired_flows(now, BATCH).await?;
            let mut tx = self.begin().await?;
            for (flow, dir, user) in &expired {
                if tx.delete_flow(&flow.id).await? {
                    tx.record_login(&HistoryRow::of(dir, flow, user, false, flow.expires_at))
                        .await?;
                    n += 1;
                }
            }
            tx.commit().await?;
            if i64::try_from(expired.len()).unwrap_or(0) < BATCH {
                return Ok(n);
            }
        }
    }

    /// On SQLite, the transactions committed so far and the commits (fsyncs)
    /// that carried them: the group commit's effect, for `/metrics`.
    pub fn group_commit_counts(&self) -> Option<(u64, u64)> {
        self.writer.as_ref().map(|w| {
            let c = w.counts();
            (
                c.transactions.load(std::sync::atomic::Ordering::Relaxed),
                c.commits.load(std::sync::atomic::Ordering::Relaxed),
            )
        })
    }

    /// Where reads go. On SQLite its connections are read-only: writes go
    /// through [`Store::begin`], [`Store::exec`] and [`Store::exec_optional`].
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// The row `q` finds, if any, read by `read` (a row type's reader).
    /// On a SQLite file it is read on this thread by one of the read-only
    /// connections (`readers.rs`), without a hand-off to sqlx's worker
    /// thread and back: for lookups by key, which take microseconds.
    pub(crate) async fn one<'q, T>(
        &self,
        q: Sql<'q>,
        read: impl Fn(&TxRow) -> Result<T, sqlx::Error>,
    ) -> Result<Option<T>, sqlx::Error> {
        let row = match &self.readers {
            Some(readers) => readers.rows(q)?.into_iter().next().map(TxRow::Lite),
            None => q.fetch_optional(&self.pool).await?.map(TxRow::Any),
        };
        row.as_ref().map(read).transpose()
    }

    /// Every row `q` finds, read by `read`, through sqlx's pool: for reads
    /// of any size (lists, counts, reports), which on SQLite run on the
    /// pool's own threads, not a request's.
    pub(crate) async fn all<'q, T>(
        &self,
        q: Sql<'q>,
        read: impl Fn(&TxRow) -> Result<T, sqlx::Error>,
    ) -> Result<Vec<T>, sqlx::Error> {
        q.fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(|r| read(&TxRow::Any(r)))
            .collect()
    }

    /// Every row `q` finds, read by `read`, where `q` finds a few rows by
    /// key (one user's passkeys, say): on a SQLite file read on this thread,
    /// as [`Store::one`].
    pub(crate) async fn few<'q, T>(
        &self,
        q: Sql<'q>,
        read: impl Fn(&TxRow) -> Result<T, sqlx::Error>,
    ) -> Result<Vec<T>, sqlx::Error> {
        match &self.readers {
            Some(readers) => readers
                .rows(q)?
                .into_iter()
                .map(|r| read(&TxRow::Lite(r)))
                .collect(),
            None => self.all(q, read).await,
        }
    }

    /// Begins writes that commit together (one transaction, one commit).
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        let inner = match &self.writer {
            Some(w) => TxInner::Group(group::Member::begin(w).await?),
            None => TxInner::Pooled(self.pool.begin().await?),
        };
        Ok(Tx {
            inner,
            audits: Vec::new(),
        })
    }

    /// For one statement, atomic by itself: on SQLite a transaction of the
    /// group commit, on PostgreSQL a pooled connection in autocommit (no
    /// `BEGIN`/`COMMIT` round trips).
    async fn begin_single(&self) -> Result<Tx, sqlx::Error> {
        match &self.writer {
            Some(_) => self.begin().await,
            None => Ok(Tx {
                inner: TxInner::Direct(self.pool.acquire().await?),
                audits: Vec::new(),
            }),
        }
    }

    /// Runs one writing statement and commits it; answers how many rows
    /// it changed.
    pub(crate) async fn exec<'q>(&self, q: Sql<'q>) -> Result<u64, sqlx::Error> {
        let mut tx = self.begin_single().await?;
        let done = tx.exec(q).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// Runs one writing statement and commits it.
    pub(crate) async fn run<'q>(&self, q: Sql<'q>) -> Result<(), sqlx::Error> {
        self.exec(q).await.map(drop)
    }

    /// Deletes the row `id` of `table` (a table of this store, whose key
    /// is `id`); answers whether it existed.
    pub(crate) async fn delete_row(
        &self,
        table: &'static str,
        id: &str,
    ) -> Result<bool, sqlx::Error> {
        Ok(self
            .exec(sqlx::query(&format!("DELETE FROM {table} WHERE id = $1")).bind(id))
            .await?
            == 1)
    }

    /// Deletes `user_id`'s row of `kind` whose public id is `public_id`
    /// (the id the user is shown, never a hash of their secret); answers
    /// whether it existed.
    pub async fn delete_own(
        &self,
        kind: Own,
        user_id: &str,
        public_id: &str,
    ) -> Result<bool, sqlx::Error> {
        let table = match kind {
            Own::Session => "sessions",
            Own::KnownBrowser => "known_browsers",
        };
        let sql = format!("DELETE FROM {table} WHERE user_id = $1 AND public_id = $2");
        Ok(!public_id.is_empty()
            && self
                .exec(sqlx::query(&sql).bind(user_id).bind(public_id))
                .await?
                == 1)
    }

    /// Runs one writing statement that may return a row (`RETURNING`) and
    /// commits it.
    pub(crate) async fn exec_optional<'q>(&self, q: Sql<'q>) -> Result<Option<TxRow>, sqlx::Error> {
        let mut tx = self.begin_single().await?;
        let row = tx.fetch_optional(q).await?;
        tx.commit().await?;
        Ok(row)
    }
}

/// Reads a row of a [`FromColumns`] type, for [`Store::one`],
/// [`Store::all`] and [`Store::few`].
pub(crate) fn read<T: FromColumns>(r: &TxRow) -> Result<T, sqlx::Error> {
    T::from_columns(r)
}

/// What a user ends or forgets of their own by its public id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Own {
    /// A session (`sessions`).
    Session,
    /// A known browser (`known_browsers`).
    KnownBrowser,
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
