//! Group commit for SQLite. Every write goes through one connection (the
//! writer); the pool's connections only read. A transaction is a savepoint
//! inside a shared outer transaction, the batch: the transactions of
//! requests that arrive together commit with one `COMMIT`, so one fsync,
//! and each caller is answered only once that commit is on disk.
//!
//! - A member holds the writer from [`Member::begin`] to its commit or
//!   rollback; others queue (first come, first served).
//! - Its commit releases the savepoint and queues a committer for the
//!   batch, behind those already waiting: they join the batch, later
//!   arrivals start the next one. With nobody waiting it commits at once.
//! - The first member of a batch needs no savepoint: until it is released
//!   into the batch, rolling back the whole transaction undoes just it.
//! - A failed statement rolls back only its member's savepoint. If the
//!   batch itself fails, every member of it gets the error, and nothing of
//!   it is written: all or nothing, as with one transaction each.
//! - A member whose request went away mid-transaction (its future was
//!   dropped) leaves its savepoint open; whoever takes the writer next rolls
//!   it back first.
//!
//! The connection is rusqlite's, and a member's statements run on its own
//! thread (`lite.rs`): only the batch's `COMMIT` (the fsync), and its
//! `BEGIN IMMEDIATE` when another process holds the write lock (it is tried
//! at once first), run on Tokio's blocking pool, so the workers do not
//! wait for them.

use super::Sql;
use super::lite::{self, LiteRow};
use sqlx::{AnyConnection, Connection};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard, watch};

/// How long a transaction waits for the writer before the request fails
/// with "unavailable", like the pool's own timeout.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// The one writing connection.
pub(super) struct Writer {
    state: Arc<Mutex<State>>,
    next_batch: AtomicU64,
    counts: Arc<Counts>,
    /// Transactions waiting for the writer now.
    waiting: Arc<AtomicUsize>,
    /// The database's address, for the migrations' own connection.
    url: String,
}

/// Transactions committed, and the commits that carried them.
#[derive(Debug, Default)]
pub(super) struct Counts {
    pub(super) transactions: AtomicU64,
    pub(super) commits: AtomicU64,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").finish_non_exhaustive()
    }
}

struct State {
    conn: rusqlite::Connection,
    counts: Arc<Counts>,
    batch: Option<Batch>,
    /// False from the moment a holder starts until it has left the
    /// connection as the batch expects (no savepoint of its own open).
    clean: bool,
    /// Whether a member's savepoint is open.
    savepoint: bool,
}

/// The outer transaction and who waits for its commit.
struct Batch {
    id: u64,
    /// Members whose savepoint was released into it.
    members: usize,
    /// Whether a committer task is queued for it.
    committer: bool,
    done: watch::Sender<Option<Result<(), String>>>,
}

impl Writer {
    /// The writer over `conn` (`lite::open`), of the database at `url`.
    pub(super) fn new(conn: rusqlite::Connection, url: &str) -> Writer {
        let counts = Arc::new(Counts::default());
        Writer {
            state: Arc::new(Mutex::new(State {
                conn,
                counts: counts.clone(),
                batch: None,
                clean: true,
                savepoint: false,
            })),
            next_batch: AtomicU64::new(1),
            counts,
            waiting: Arc::default(),
            url: url.to_owned(),
        }
    }

    /// How many transactions committed, in how many commits.
    pub(super) fn counts(&self) -> &Counts {
        &self.counts
    }

    /// Runs the migrations: on a connection of their own (sqlx's migrator
    /// drives sqlx connections), while the writer is held outside any
    /// batch (the current one committed first).
    pub(super) async fn migrate(
        &self,
        migrator: &sqlx::migrate::Migrator,
    ) -> Result<(), sqlx::migrate::MigrateError> {
        let mut g = self.state.clone().lock_owned().await;
        recover(&mut g)?;
        if let Some(b) = &g.batch {
            let id = b.id;
            if b.members > 0 {
                commit_batch(&mut g, id);
            } else {
                fail(&mut g, "rolled back");
            }
        }
        let mut conn = AnyConnection::connect(&self.url).await?;
        let done = migrator.run(&mut conn).await;
        let _ = conn.close().await;
        drop(g);
        done
    }
}

/// One transaction: a savepoint in the current batch, or the batch's
/// first writes.
pub(super) struct Member {
    guard: OwnedMutexGuard<State>,
    tidy: Tidy,
    /// Whether it has a savepoint (it is not the batch's first).
    savepoint: bool,
    waiting: Arc<AtomicUsize>,
}

impl Member {
    /// Waits for the writer and opens a savepoint (and the batch's outer
    /// transaction when there is none).
    pub(super) async fn begin(writer: &Writer) -> Result<Member, sqlx::Error> {
        let lock = writer.state.clone().lock_owned();
        let waiting = Waiting::new(&writer.waiting);
        let mut guard = tokio::time::timeout(ACQUIRE_TIMEOUT, lock)
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?;
        drop(waiting);
        recover(&mut guard)?;
        // Until this member commits or rolls back, a drop leaves work behind.
        guard.clean = false;
        let tidy = Tidy(Some(writer.state.clone()));
        let savepoint = guard.batch.is_some();
        if savepoint {
            guard
                .conn
                .execute_batch("SAVEPOINT member")
                .map_err(lite::error)?;
            guard.savepoint = true;
        } else {
            // IMMEDIATE: take the write lock now. It is free unless another
            // process writes the file (a CLI command, another instance):
            // tried here without waiting, and only when taken, waited for
            // by the busy timeout off the worker.
            if !begin_at_once(&guard.conn)? {
                let begun;
                (guard, begun) =
                    off_worker(guard, |g| g.conn.execute_batch("BEGIN IMMEDIATE")).await?;
                begun.map_err(lite::error)?;
            }
            let id = writer.next_batch.fetch_add(1, Ordering::Relaxed);
            guard.batch = Some(Batch {
                id,
                members: 0,
                committer: false,
                done: watch::Sender::new(None),
            });
        }
        Ok(Member {
            guard,
            tidy,
            savepoint,
            waiting: writer.waiting.clone(),
        })
    }

    /// Runs `q` in this transaction; answers how many rows it changed and,
    /// when `rows`, the rows it returned.
    pub(super) fn run(
        &mut self,
        q: Sql<'_>,
        rows: bool,
    ) -> Result<(u64, Vec<LiteRow>), sqlx::Error> {
        lite::run(&self.guard.conn, q, rows)
    }

    /// Releases the savepoint into the batch and waits for the batch's
    /// commit.
    pub(super) async fn commit(self) -> Result<(), sqlx::Error> {
        let Member {
            mut guard,
            mut tidy,
            savepoint,
            waiting,
        } = self;
        // Settled either way; the next holder recovers what a drop leaves.
        tidy.disarm();
        if savepoint {
            end(&mut guard, "RELEASE member")?;
        }
        guard.clean = true;
        let writer = OwnedMutexGuard::mutex(&guard).clone();
        let Some(batch) = guard.batch.as_mut() else {
            return Err(batch_failed("the transaction ended early"));
        };
        batch.members += 1;
        if !batch.committer && waiting.load(Ordering::Acquire) == 0 {
            // Nobody to wait for: commit now, without a committer's hop.
            let id = batch.id;
            let done = batch.done.subscribe();
            // A drop during the commit leaves the next holder to check.
            guard.clean = false;
            (guard, ()) = off_worker(guard, move |g| commit_batch(g, id)).await?;
            guard.clean = true;
            drop(guard);
            let result = done.borrow().clone().unwrap_or(Err(String::new()));
            return result.map_err(|e| batch_failed(&e));
        }
        let mut done = batch.done.subscribe();
        if !batch.committer {
            // Queued behind those waiting now, who join this batch.
            batch.committer = true;
            tokio::spawn(committer(writer, batch.id));
        }
        drop(guard);
        let result = match done.wait_for(Option::is_some).await {
            Ok(r) => r.clone().unwrap_or(Err(String::new())),
            Err(_) => Err("the commit was abandoned".to_owned()),
        };
        result.map_err(|e| batch_failed(&e))
    }

    /// Rolls back this member's writes; the batch goes on.
    pub(super) async fn rollback(self) -> Result<(), sqlx::Error> {
        let Member {
            mut guard,
            mut tidy,
            savepoint,
            ..
        } = self;
        tidy.disarm();
        // The first member's writes are the whole transaction so far.
        end(&mut guard, if savepoint { UNDO_MEMBER } else { "ROLLBACK" })?;
        guard.clean = true;
        if !savepoint {
            // The first member: the batch ended with it. (A later member
            // always finds an earlier one released into the batch.)
            guard.batch = None;
        }
        Ok(())
    }
}

/// `BEGIN IMMEDIATE` without waiting: false when another process holds
/// the write lock (nothing begun then).
fn begin_at_once(conn: &rusqlite::Connection) -> Result<bool, sqlx::Error> {
    conn.busy_timeout(Duration::ZERO).map_err(lite::error)?;
    let begun = conn.execute_batch("BEGIN IMMEDIATE");
    conn.busy_timeout(lite::BUSY_TIMEOUT).map_err(lite::error)?;
    match begun {
        Ok(()) => Ok(true),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::DatabaseBusy =>
        {
            Ok(false)
        }
        Err(e) => Err(lite::error(e)),
    }
}

/// Runs `f` on the held writer on a thread of Tokio's blocking pool, for
/// what may wait on the disk (a commit's fsync) or on another process's
/// lock (`BEGIN IMMEDIATE`): the workers go on with other requests. Answers
/// the writer back. (`block_in_place` would hand the worker's role to
/// another thread each time, and every thread that has been a worker keeps
/// an allocator arena of its own: some MiB more at the peak.)
async fn off_worker<R: Send + 'static>(
    mut g: OwnedMutexGuard<State>,
    f: impl FnOnce(&mut State) -> R + Send + 'static,
) -> Result<(OwnedMutexGuard<State>, R), sqlx::Error> {
    tokio::task::spawn_blocking(move || {
        let r = f(&mut g);
        (g, r)
    })
    .await
    .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))
}

/// Rolls back what a dropped member left, once it is gone (armed until its
/// commit or rollback).
struct Tidy(Option<Arc<Mutex<State>>>);

impl Tidy {
    fn disarm(&mut self) {
        self.0 = None;
    }
}

impl Drop for Tidy {
    fn drop(&mut self) {
        let Some(state) = self.0.take() else {
            return;
        };
        // Without a runtime the next holder of the writer tidies up.
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                // Rolls back the savepoint, or the whole transaction when
                // nothing of it was released into the batch.
                let _ = recover(&mut *state.lock().await);
            });
        }
    }
}

/// Counts a transaction waiting for the writer while it lives.
struct Waiting(Arc<AtomicUsize>);

impl Waiting {
    fn new(n: &Arc<AtomicUsize>) -> Waiting {
        n.fetch_add(1, Ordering::AcqRel);
        Waiting(n.clone())
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Commits batch `id` once the writer is free, unless it already ended.
async fn committer(state: Arc<Mutex<State>>, id: u64) {
    let mut g = state.lock_owned().await;
    if recover(&mut g).is_ok() {
        let _ = off_worker(g, move |g| commit_batch(g, id)).await;
    }
}

fn commit_batch(g: &mut State, id: u64) {
    if g.batch.as_ref().map(|b| b.id) != Some(id) {
        return;
    }
    match g.conn.execute_batch("COMMIT") {
        Ok(()) => {
            if let Some(b) = g.batch.take() {
                g.counts.commits.fetch_add(1, Ordering::Relaxed);
                let members = u64::try_from(b.members).unwrap_or(u64::MAX);
                g.counts.transactions.fetch_add(members, Ordering::Relaxed);
                b.done.send_replace(Some(Ok(())));
            }
        }
        Err(e) => {
            let e = lite::error(e);
            tracing::error!(error = %e, "a group commit failed; its transactions are rolled back");
            fail(g, &e.to_string());
        }
    }
}

/// Makes the writer usable after a holder went away mid-transaction: rolls
/// back its savepoint, or the batch's outer transaction when nothing of it
/// was released into the batch, and fails the batch if its outer
/// transaction is gone.
fn recover(g: &mut State) -> Result<(), sqlx::Error> {
    if g.clean {
        return Ok(());
    }
    if g.savepoint {
        end(g, UNDO_MEMBER)?;
    }
    let open = !g.conn.is_autocommit();
    let kept = g.batch.as_ref().is_some_and(|b| b.members > 0);
    if !open && g.batch.is_some() {
        fail(g, "the transaction ended early");
    } else if open && !kept {
        // Only the writes of callers that went away (a batch's first
        // member, or a begin): nothing of it to keep.
        end(g, "ROLLBACK")?;
        g.batch = None;
    }
    g.clean = true;
    Ok(())
}

/// Undoes a member's writes and closes its savepoint.
const UNDO_MEMBER: &str = "ROLLBACK TO member; RELEASE member";

/// Ends a member's savepoint, or the batch's transaction, with `sql`; when
/// that fails, the batch fails with it.
fn end(g: &mut State, sql: &str) -> Result<(), sqlx::Error> {
    if let Err(e) = g.conn.execute_batch(sql) {
        let e = lite::error(e);
        fail(g, &e.to_string());
        return Err(e);
    }
    g.savepoint = false;
    Ok(())
}

/// Ends the batch with `why` for its members, rolling back whatever of it
/// the database still holds.
fn fail(g: &mut State, why: &str) {
    if !g.conn.is_autocommit() {
        let _ = g.conn.execute_batch("ROLLBACK");
    }
    g.savepoint = false;
    if let Some(b) = g.batch.take() {
        b.done.send_replace(Some(Err(why.to_owned())));
    }
    g.clean = true;
}

/// The error a member gets when its batch did not commit: unavailable
/// (503), as when the database cannot be reached; the caller may retry.
fn batch_failed(why: &str) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::other(format!(
        "the database did not commit the transaction: {why}"
    )))
}

#[cfg(test)]
#[path = "group_tests.rs"]
mod tests;
