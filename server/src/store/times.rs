//! The `<method>_at` columns (Unix seconds, NULL when not verified) in
//! which a login and a session keep when each method was verified.

use super::Columns;
use authlevel_core::{Method, MethodTimes};

/// The column of `m`.
pub(crate) fn column(m: Method) -> String {
    format!("{}_at", m.as_str())
}

/// The columns, comma-separated, in [`Method::ALL`] order.
pub(crate) fn names() -> String {
    Method::ALL.map(column).join(", ")
}

/// Placeholders for them, numbered from `first`.
pub(crate) fn placeholders(first: usize) -> String {
    (first..first + Method::ALL.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The columns to select from `table`, as `prefix<column>`.
pub(crate) fn select(table: &str, prefix: &str) -> String {
    Method::ALL
        .map(|m| format!("{table}.{c} AS {prefix}{c}", c = column(m)))
        .join(", ")
}

/// `columns` (comma-separated) and the method times, to select from
/// `table`, as `prefix<column>`.
pub(crate) fn select_with(columns: &str, table: &str, prefix: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("{table}.{c} AS {prefix}{c}"))
        .chain([select(table, prefix)])
        .collect::<Vec<_>>()
        .join(", ")
}

/// `q` with the times bound to the next placeholders, in
/// [`Method::ALL`] order (as [`placeholders`] numbers them).
pub(crate) fn bind<'q>(q: super::Sql<'q>, times: &MethodTimes) -> super::Sql<'q> {
    Method::ALL.into_iter().fold(q, |q, m| q.bind(times.get(m)))
}

/// The times from columns named `prefix<column>`.
pub(crate) fn read(r: &impl Columns, prefix: &str) -> Result<MethodTimes, sqlx::Error> {
    let mut times = MethodTimes::default();
    for m in Method::ALL {
        if let Some(t) = r.col::<Option<i64>>(format!("{prefix}{}", column(m)).as_str())? {
            times.set(m, t);
        }
    }
    Ok(times)
}
