//! The audit log: append and query.

use super::{Columns as _, Store};
use authlevel_core::api::AuditEvent;
use authlevel_core::{AuditKind, Method};
use sqlx::Row;

/// Filters of an audit query.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Only events of this directory.
    pub directory_id: Option<String>,
    /// Only events about this user.
    pub user_id: Option<String>,
    /// At most this many, newest first.
    pub limit: i64,
}

/// The statement that appends an event.
pub(super) fn insert(e: &AuditEvent) -> super::Sql<'_> {
    bound(INSERT, e)
}

const INSERT: &str = "INSERT INTO audit (at, directory_id, user_id, actor_id, kind, method, outcome, ip, detail) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/// `sql` (an [`INSERT`]) with the event's values bound.
fn bound<'q>(sql: &'q str, e: &'q AuditEvent) -> super::Sql<'q> {
    sqlx::query(sql)
        .bind(e.at)
        .bind(e.directory_id.clone())
        .bind(e.user_id.clone())
        .bind(e.actor_id.clone())
        .bind(e.kind.as_str().into_owned())
        .bind(e.method.map(|m| m.as_str().to_owned()))
        .bind(&e.outcome)
        .bind(e.ip.clone())
        .bind(e.detail.clone())
}

impl super::Tx {
    /// Appends `e` now, not at commit, and answers its id: for an event
    /// whose outcome is only known after the commit (a code stored, then
    /// handed to its gateway), settled by [`super::Tx::audit_failed`].
    pub async fn append_audit(&mut self, e: &AuditEvent) -> Result<i64, sqlx::Error> {
        static INSERT_RETURNING_ID: std::sync::LazyLock<String> =
            std::sync::LazyLock::new(|| format!("{INSERT} RETURNING id"));
        self.fetch_one(bound(&INSERT_RETURNING_ID, e))
            .await?
            .col("id")
    }

    /// Turns the event `id` (see [`super::Tx::append_audit`]) into a
    /// failure, with `detail` in place of its own.
    pub async fn audit_failed(&mut self, id: i64, detail: &str) -> Result<(), sqlx::Error> {
        let q = sqlx::query("UPDATE audit SET outcome = 'failure', detail = $1 WHERE id = $2")
            .bind(detail)
            .bind(id);
        self.run(q).await
    }
}

impl Store {
    /// Appends an event (its `id` is assigned by the database).
    pub async fn insert_audit(&self, e: &AuditEvent) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_single().await?;
        tx.run(insert(e)).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Events matching `q`, newest first.
    pub async fn audit(&self, q: &AuditQuery) -> Result<Vec<AuditEvent>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, at, directory_id, user_id, actor_id, kind, method, outcome, ip, detail FROM audit \
             WHERE ($1 = '' OR directory_id = $1) AND ($2 = '' OR user_id = $2) ORDER BY id DESC LIMIT $3",
        )
        .bind(q.directory_id.clone().unwrap_or_default())
        .bind(q.user_id.clone().unwrap_or_default())
        .bind(q.limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let method: Option<String> = r.try_get("method")?;
                let kind: String = r.try_get("kind")?;
                Ok(from_columns!(r, AuditEvent {
                    id, at, directory_id, user_id, actor_id, outcome, ip, detail;
                    kind: AuditKind::parse(&kind).ok_or_else(|| sqlx::Error::ColumnDecode {
                        index: "kind".into(),
                        source: format!("unknown audit kind `{kind}`").into(),
                    })?,
                    method: method.as_deref().and_then(Method::parse),
                }))
            })
            .collect()
    }
}
