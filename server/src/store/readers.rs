//! Reads by key on SQLite, without sqlx: a few read-only connections of
//! the SQLite file, each with its statements prepared once, used on the
//! thread that asks. The session check, [`Store::one`](super::Store::one)
//! and [`Store::few`](super::Store::few) read here; reads of any size
//! (lists, counts, reports) stay on sqlx's pool and its threads.
//!
//! Every request with a session cookie reads its session, user and
//! directory, and a login step reads its flow, user and directory. Through
//! sqlx's SQLite driver each indexed read crosses to the connection's
//! worker thread and back, and waits for a pool slot: the hand-offs cost
//! more than the read. Here the read runs where the request runs: a point
//! lookup of some tens of microseconds, within what a Tokio worker may do
//! between two awaits. WAL lets these connections read beside the writer,
//! and each read is its own transaction, so it sees every commit made
//! before it: a logout through the writer, of this instance or another on
//! the same file, is seen by the next check. PostgreSQL keeps sqlx, whose
//! statements are prepared once per connection already.

use super::Columns;
use super::lite::error;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The read-only connections.
pub(crate) struct Readers {
    conns: Vec<Mutex<rusqlite::Connection>>,
    next: AtomicUsize,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("connections", &self.conns.len())
            .finish()
    }
}

impl Readers {
    /// One read-only connection per core (at least two, at most eight)
    /// of the SQLite file at `path`, which the writer has put in WAL mode.
    pub(crate) fn open(path: &Path) -> Result<Readers, sqlx::Error> {
        let n = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8));
        let conns = (0..n)
            .map(|_| {
                let conn = rusqlite::Connection::open_with_flags(
                    path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                        | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )
                .map_err(error)?;
                conn.busy_timeout(super::lite::BUSY_TIMEOUT)
                    .map_err(error)?;
                conn.set_prepared_statement_cache_capacity(64);
                Ok(Mutex::new(conn))
            })
            .collect::<Result<_, sqlx::Error>>()?;
        Ok(Readers {
            conns,
            next: AtomicUsize::new(0),
        })
    }

    /// The one row `sql` finds with `params` bound to `$1`, `$2`, …, read
    /// by `read`; `None` when it finds none.
    pub(crate) fn one<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        read: impl FnOnce(&Named<'_, '_>) -> Result<T, sqlx::Error>,
    ) -> Result<Option<T>, sqlx::Error> {
        let conn = self.connection();
        let mut statement = conn.prepare_cached(sql).map_err(error)?;
        let mut rows = statement.query(params).map_err(error)?;
        match rows.next().map_err(error)? {
            Some(row) => {
                // Each column's index, found once: rusqlite finds a column
                // by name by walking all of them.
                let names = row.as_ref().column_names();
                let index = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
                read(&Named { row, index }).map(Some)
            }
            None => Ok(None),
        }
    }

    /// The rows `q` finds (a read by key: it runs on this thread).
    pub(crate) fn rows(&self, q: super::Sql<'_>) -> Result<Vec<super::lite::LiteRow>, sqlx::Error> {
        let conn = self.connection();
        super::lite::run(&conn, q, true).map(|(_, rows)| rows)
    }

    /// A free connection, or when all are in use, the next one's turn.
    fn connection(&self) -> std::sync::MutexGuard<'_, rusqlite::Connection> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let n = self.conns.len();
        for i in 0..n {
            if let Ok(conn) = self.conns[(start + i) % n].try_lock() {
                return conn;
            }
        }
        // A reader that panicked left nothing half-done: a statement is
        // reset when it is dropped.
        self.conns[start % n]
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A row of a read, with its columns' indexes by name.
pub(crate) struct Named<'r, 's> {
    row: &'r rusqlite::Row<'s>,
    index: HashMap<&'r str, usize>,
}

impl Columns for Named<'_, '_> {
    fn col<T: super::Column>(&self, name: &str) -> Result<T, sqlx::Error> {
        // The index comes from this row's own column names: always in range.
        let value = self.index.get(name).and_then(|i| self.row.get_ref(*i).ok());
        super::columns::from_sqlite(name, value)
    }
}

#[cfg(test)]
mod tests {
    use crate::store::{Columns, Store};

    /// A read by key sees every commit made before it, with its
    /// statement prepared once and used again: a statement left
    /// unfinished would hold its read transaction open, and the next read
    /// would see the database as it was then (a session ended since would
    /// still be live) or fail. Seen failing with `lite::run` stopping after
    /// the first row and forgetting its cursor.
    #[tokio::test]
    async fn a_read_by_key_sees_each_commit_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("db.sqlite").display());
        let store = Store::open(&url, 2).await.unwrap();
        store.migrate().await.unwrap();
        let (message, of_channel) = (
            "SELECT message FROM outbox WHERE channel = $1",
            "SELECT message FROM outbox WHERE channel = $1 ORDER BY message",
        );
        let one = |channel: &'static str| {
            let store = store.clone();
            async move {
                let q = sqlx::query(message).bind(channel);
                store.one(q, |r| r.col::<String>("message")).await.unwrap()
            }
        };
        assert_eq!(one("a").await, None);
        for (i, text) in ["first", "second", "third"].into_iter().enumerate() {
            store
                .run(
                    sqlx::query(
                        "INSERT INTO outbox (at, channel, destination, message) VALUES ($1, 'b', 'x', $2)",
                    )
                    .bind(i as i64)
                    .bind(text),
                )
                .await
                .unwrap();
            store
                .run(sqlx::query("DELETE FROM outbox WHERE channel = 'a'"))
                .await
                .unwrap();
            store
                .run(
                    sqlx::query(
                        "INSERT INTO outbox (at, channel, destination, message) VALUES (0, 'a', 'x', $1)",
                    )
                    .bind(text),
                )
                .await
                .unwrap();
            assert_eq!(one("a").await.as_deref(), Some(text));
            let q = sqlx::query(of_channel).bind("b");
            let all = store.few(q, |r| r.col::<String>("message")).await.unwrap();
            assert_eq!(all.len(), i + 1, "{all:?}");
        }
        assert!(store.readers.is_some(), "a SQLite file has readers");
        assert_eq!(one("a").await.as_deref(), Some("third"));
    }
}
