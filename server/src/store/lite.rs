//! The SQLite writer's statements, without sqlx: a statement of this store
//! (an sqlx query with its values bound) run on the writer's rusqlite
//! connection, on the thread of the transaction that runs it. The reads by
//! key (`readers.rs`) run the same way on read-only connections.
//!
//! Through sqlx's SQLite driver every statement of a transaction crossed
//! to the connection's worker thread and back, and the transaction's task
//! then waited for a Tokio worker, behind whatever else that worker was
//! doing (a signature check, say). A transaction holds the one writer for
//! all of that, so the hand-offs, not the statements, set how many
//! transactions a second the writer carries. Here a statement runs where
//! its transaction runs, prepared once and kept in the connection's cache:
//! some microseconds each. The SQL stays the one text both backends run.

use super::{Column, Columns, Sql};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use sqlx::Execute;
use sqlx_core::any::AnyValueKind;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// How many statements each connection keeps prepared: more than the
/// store has writing statements on a login's path.
const PREPARED: usize = 128;

/// How long a connection (the writer, a reader) waits for a lock another
/// process holds (a CLI command, another instance on the same file).
pub(super) const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Opens the writer's connection to the SQLite file at `path` (made when
/// missing), in WAL mode, with sqlx's defaults that the SQL relies on
/// (foreign keys enforced); `full_sync` as in [`super::Store::open_with`].
pub(super) fn open(path: &Path, full_sync: bool) -> Result<rusqlite::Connection, sqlx::Error> {
    let conn = rusqlite::Connection::open(path).map_err(error)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(error)?;
    conn.set_prepared_statement_cache_capacity(PREPARED);
    // WAL lets readers run beside the writer; the setting is kept in the
    // file. synchronous=FULL (the default) makes every answered write
    // durable even against power loss.
    conn.query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
        .map_err(error)?;
    let sync = if full_sync { "FULL" } else { "NORMAL" };
    conn.execute_batch(&format!(
        "PRAGMA synchronous={sync}; PRAGMA foreign_keys=ON;"
    ))
    .map_err(error)?;
    Ok(conn)
}

/// Runs `q` on `conn`; answers how many rows it changed and, when `rows`,
/// the rows it returned (a `SELECT`, or a `RETURNING`).
pub(super) fn run(
    conn: &rusqlite::Connection,
    mut q: Sql<'_>,
    rows: bool,
) -> Result<(u64, Vec<LiteRow>), sqlx::Error> {
    let sql = q.sql();
    let values = q
        .take_arguments()
        .map_err(sqlx::Error::Encode)?
        .map(|a| a.values.0)
        .unwrap_or_default();
    let mut statement = conn.prepare_cached(sql).map_err(error)?;
    for i in 1..=statement.parameter_count() {
        // `$n` names the n-th value; SQLite numbers the parameters in the
        // order they first appear, which need not be n.
        let n = statement
            .parameter_name(i)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(i);
        let value = values
            .get(n - 1)
            .ok_or_else(|| sqlx::Error::Protocol(format!("SQLite: no value for parameter ${n}")))?;
        statement
            .raw_bind_parameter(i, to_sqlite(value)?)
            .map_err(error)?;
    }
    // A write's own rows are stepped through but not kept: no names then.
    let names: Option<Arc<[String]>> = rows.then(|| {
        statement
            .column_names()
            .iter()
            .map(|n| (*n).to_owned())
            .collect()
    });
    let mut found = Vec::new();
    let mut cursor = statement.raw_query();
    while let Some(row) = cursor.next().map_err(error)? {
        if let Some(names) = &names {
            let values = (0..names.len())
                .map(|i| row.get::<_, Value>(i))
                .collect::<Result<_, _>>()
                .map_err(error)?;
            found.push(LiteRow {
                names: names.clone(),
                values,
            });
        }
    }
    drop(cursor);
    Ok((conn.changes(), found))
}

/// A bound value as SQLite stores it (as sqlx's SQLite driver binds it).
fn to_sqlite<'v>(v: &'v AnyValueKind<'_>) -> Result<ToSqlOutput<'v>, sqlx::Error> {
    Ok(ToSqlOutput::Borrowed(match v {
        AnyValueKind::Null(_) => ValueRef::Null,
        AnyValueKind::Bool(b) => ValueRef::Integer(i64::from(*b)),
        AnyValueKind::SmallInt(n) => ValueRef::Integer(i64::from(*n)),
        AnyValueKind::Integer(n) => ValueRef::Integer(i64::from(*n)),
        AnyValueKind::BigInt(n) => ValueRef::Integer(*n),
        AnyValueKind::Real(x) => ValueRef::Real(f64::from(*x)),
        AnyValueKind::Double(x) => ValueRef::Real(*x),
        AnyValueKind::Text(s) => ValueRef::Text(s.as_bytes()),
        AnyValueKind::Blob(b) => ValueRef::Blob(b),
        // A kind a later sqlx adds: none of this store's values bind one.
        _ => {
            return Err(sqlx::Error::Protocol(
                "SQLite: a value of a kind this store does not bind".into(),
            ));
        }
    }))
}

/// What a failed statement says (SQLite's message; a
/// statement's values never appear in it).
pub(super) fn error(e: rusqlite::Error) -> sqlx::Error {
    sqlx::Error::Protocol(format!("SQLite: {e}"))
}

/// A row a writing transaction read, with its column names.
#[derive(Debug, Clone)]
pub(crate) struct LiteRow {
    names: Arc<[String]>,
    values: Vec<Value>,
}

impl Columns for LiteRow {
    fn col<T: Column>(&self, name: &str) -> Result<T, sqlx::Error> {
        let i = self.names.iter().position(|n| n == name);
        super::columns::from_sqlite(name, i.map(|i| ValueRef::from(&self.values[i])))
    }
}

#[cfg(test)]
mod tests {
    use super::{LiteRow, run};
    use crate::store::Columns;

    fn db() -> (rusqlite::Connection, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let conn = super::open(&dir.path().join("db.sqlite"), true).unwrap();
        conn.execute_batch(
            "CREATE TABLE p (id TEXT PRIMARY KEY, n INTEGER NOT NULL, note TEXT); \
             CREATE TABLE c (p_id TEXT NOT NULL REFERENCES p(id) ON DELETE CASCADE);",
        )
        .unwrap();
        (conn, dir)
    }

    fn one(conn: &rusqlite::Connection, q: crate::store::Sql<'_>) -> LiteRow {
        let (_, mut rows) = run(conn, q, true).unwrap();
        assert_eq!(rows.len(), 1);
        rows.remove(0)
    }

    #[test]
    fn values_go_to_the_parameter_their_number_names_in_any_order() {
        let (conn, _dir) = db();
        // `$3` and `$2` come before `$1`, and `$1` stands twice.
        let q = sqlx::query(
            "INSERT INTO p (note, n, id) VALUES ($3 || $1, $2, $1) RETURNING id, n, note",
        )
        .bind("a")
        .bind(7_i64)
        .bind("note-");
        let (changed, rows) = run(&conn, q, true).unwrap();
        assert_eq!(changed, 1);
        let r = &rows[0];
        assert_eq!(r.col::<String>("id").unwrap(), "a");
        assert_eq!(r.col::<i64>("n").unwrap(), 7);
        assert_eq!(
            r.col::<Option<String>>("note").unwrap().as_deref(),
            Some("note-a")
        );
        let q = sqlx::query("SELECT note FROM p WHERE n = $2 AND id = $1")
            .bind("a")
            .bind(7_i64);
        assert_eq!(one(&conn, q).col::<String>("note").unwrap(), "note-a");
        // A value left out is an error, not a NULL.
        let q = sqlx::query("SELECT note FROM p WHERE id = $2").bind("a");
        assert!(run(&conn, q, true).is_err());
    }

    #[test]
    fn a_write_answers_the_rows_it_changed_and_nulls_and_bools_bind() {
        let (conn, _dir) = db();
        for (id, n) in [("a", 1_i64), ("b", 2), ("c", 3)] {
            let q = sqlx::query("INSERT INTO p (id, n, note) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(n)
                .bind(None::<String>);
            assert_eq!(run(&conn, q, false).unwrap().0, 1);
        }
        let q = sqlx::query("UPDATE p SET n = n + 10 WHERE n >= $1 AND $2")
            .bind(2_i64)
            .bind(true);
        assert_eq!(run(&conn, q, false).unwrap().0, 2);
        let q =
            sqlx::query("SELECT COUNT(*) AS k FROM p WHERE note IS NULL AND n > $1").bind(10_i64);
        assert_eq!(one(&conn, q).col::<i64>("k").unwrap(), 2);
        let q = sqlx::query("SELECT n FROM p WHERE id = $1").bind("a");
        assert!(matches!(
            one(&conn, q).col::<i64>("missing"),
            Err(sqlx::Error::ColumnNotFound(_))
        ));
    }

    #[test]
    fn foreign_keys_hold_as_with_sqlx() {
        let (conn, _dir) = db();
        let q = sqlx::query("INSERT INTO c (p_id) VALUES ($1)").bind("nobody");
        assert!(run(&conn, q, false).is_err(), "a row pointing nowhere");
        run(
            &conn,
            sqlx::query("INSERT INTO p (id, n) VALUES ('a', 1)"),
            false,
        )
        .unwrap();
        run(
            &conn,
            sqlx::query("INSERT INTO c (p_id) VALUES ('a')"),
            false,
        )
        .unwrap();
        run(&conn, sqlx::query("DELETE FROM p WHERE id = 'a'"), false).unwrap();
        let q = sqlx::query("SELECT COUNT(*) AS k FROM c");
        assert_eq!(
            one(&conn, q).col::<i64>("k").unwrap(),
            0,
            "deleted with its parent"
        );
    }
}
