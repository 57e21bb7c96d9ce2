//! A writing transaction of the store, on either backend.

use super::lite::LiteRow;
use super::{Column, Columns, Sql, audit, group};
use authlevel_core::api::AuditEvent;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Transaction};

/// Writes that commit together: a login step's flow, session, counters and
/// audit events are one transaction, so one commit (one fsync on SQLite,
/// shared with the transactions committing beside it) and all or nothing.
/// Dropped without [`Tx::commit`], nothing is written. Reads that decide
/// what to write come before it where they can: on SQLite a transaction
/// holds the one writer until it ends.
pub struct Tx {
    pub(super) inner: TxInner,
    pub(super) audits: Vec<AuditEvent>,
}

pub(super) enum TxInner {
    /// PostgreSQL: a pooled connection's transaction.
    Pooled(Transaction<'static, Any>),
    /// PostgreSQL, one statement: a pooled connection in autocommit.
    Direct(PoolConnection<Any>),
    /// SQLite: a savepoint in the writer's batch.
    Group(group::Member),
}

/// A row a transaction read: from sqlx (PostgreSQL), or from the SQLite
/// writer.
pub(crate) enum TxRow {
    Any(sqlx::any::AnyRow),
    Lite(LiteRow),
}

impl Columns for TxRow {
    fn col<T: Column>(&self, name: &str) -> Result<T, sqlx::Error> {
        match self {
            TxRow::Any(r) => r.col(name),
            TxRow::Lite(r) => r.col(name),
        }
    }
}

impl std::fmt::Debug for Tx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx")
            .field("audits", &self.audits.len())
            .finish()
    }
}

impl Tx {
    /// Runs `q`; answers how many rows it changed and, when `rows`, the rows
    /// it returned.
    async fn statement<'q>(
        &mut self,
        q: Sql<'q>,
        rows: bool,
    ) -> Result<(u64, Vec<TxRow>), sqlx::Error> {
        let conn: &mut AnyConnection = match &mut self.inner {
            TxInner::Pooled(t) => t,
            TxInner::Direct(c) => c,
            TxInner::Group(m) => {
                let (n, found) = m.run(q, rows)?;
                // The statement ran on this thread without an await: a
                // transaction of thousands (an import, housekeeping) lets
                // the worker's other tasks run now and then, as sqlx's
                // hand-offs did. A login's few statements stay within
                // Tokio's budget and do not yield while holding the writer.
                tokio::task::coop::consume_budget().await;
                return Ok((n, found.into_iter().map(TxRow::Lite).collect()));
            }
        };
        if rows {
            let found = q.fetch_all(conn).await?;
            Ok((0, found.into_iter().map(TxRow::Any).collect()))
        } else {
            Ok((q.execute(conn).await?.rows_affected(), Vec::new()))
        }
    }

    /// Runs one writing statement in the transaction; answers how many rows
    /// it changed.
    pub(crate) async fn exec<'q>(&mut self, q: Sql<'q>) -> Result<u64, sqlx::Error> {
        Ok(self.statement(q, false).await?.0)
    }

    /// Runs one writing statement in the transaction.
    pub(crate) async fn run<'q>(&mut self, q: Sql<'q>) -> Result<(), sqlx::Error> {
        self.exec(q).await.map(drop)
    }

    /// The row `q` returns (a read, or a write's `RETURNING`), if any.
    pub(crate) async fn fetch_optional<'q>(
        &mut self,
        q: Sql<'q>,
    ) -> Result<Option<TxRow>, sqlx::Error> {
        Ok(self.statement(q, true).await?.1.into_iter().next())
    }

    /// The row `q` returns; an error when it returns none.
    pub(crate) async fn fetch_one<'q>(&mut self, q: Sql<'q>) -> Result<TxRow, sqlx::Error> {
        self.fetch_optional(q)
            .await?
            .ok_or(sqlx::Error::RowNotFound)
    }

    /// Serialises this transaction with every other one that locks any of
    /// `keys`, until it ends: on PostgreSQL with transaction-level advisory
    /// locks (taken in a fixed order, so two never wait for each other); on
    /// SQLite every writing transaction holds the one writer already. For a
    /// read-check-write that instances race for, such as a quota.
    pub async fn lock_keys(&mut self, keys: &[&str]) -> Result<(), sqlx::Error> {
        if !matches!(self.inner, TxInner::Pooled(_)) {
            return Ok(());
        }
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        keys.dedup();
        for k in keys {
            self.exec(sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))").bind(k))
                .await?;
        }
        Ok(())
    }

    /// Adds an audit event, written with the rest at commit.
    pub fn audit(&mut self, e: AuditEvent) {
        self.audits.push(e);
    }

    /// Writes nothing: ends the transaction now, before the caller writes
    /// elsewhere (dropping it rolls back too, but later).
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        match self.inner {
            TxInner::Pooled(t) => t.rollback().await,
            TxInner::Direct(_) => Ok(()),
            TxInner::Group(m) => m.rollback().await,
        }
    }

    /// Writes the audit events and commits; answers the events written.
    pub async fn commit(mut self) -> Result<Vec<AuditEvent>, sqlx::Error> {
        let audits = std::mem::take(&mut self.audits);
        for e in &audits {
            self.run(audit::insert(e)).await?;
        }
        match self.inner {
            TxInner::Pooled(t) => t.commit().await?,
            TxInner::Direct(_) => {}
            TxInner::Group(m) => m.commit().await?,
        }
        Ok(audits)
    }
}
