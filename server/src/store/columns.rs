//! Reading a row's columns by name, from a sqlx row or (for the session
//! check on SQLite, `readers.rs`) a rusqlite one, so that a row type has one
//! reader whichever read it.

/// A row struct from a query row `r`: each field named before the `;` is
/// read from the column of the same name (after `prefix`, in the second
/// form, for the aliased columns of a joined query); the fields after it
/// are written out, for the columns that need a conversion.
macro_rules! from_columns {
    ($r:expr, $row:ident { $($col:ident),* ; $($field:ident: $value:expr),* $(,)? }) => {
        $row {
            $($col: $crate::store::Columns::col($r, stringify!($col))?,)*
            $($field: $value,)*
        }
    };
    ($r:expr, $prefix:expr => $row:ident { $($col:ident),* ; $($field:ident: $value:expr),* $(,)? }) => {
        $row {
            $($col: $crate::store::Columns::col($r, format!("{}{}", $prefix, stringify!($col)).as_str())?,)*
            $($field: $value,)*
        }
    };
}

pub(crate) use from_columns;

/// A row type read by the names of its columns, for [`super::read`].
pub(crate) trait FromColumns: Sized {
    /// The row from `r`'s columns.
    fn from_columns(r: &impl Columns) -> Result<Self, sqlx::Error>;
}

/// A value a column holds: what both drivers decode (`i64`, `String`, and
/// `Option`s of them).
pub(crate) trait Column:
    for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> + rusqlite::types::FromSql
{
}

impl<T> Column for T where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any> + rusqlite::types::FromSql
{
}

/// A row whose columns can be read by name.
pub(crate) trait Columns {
    /// The column `name`, as a `T`.
    fn col<T: Column>(&self, name: &str) -> Result<T, sqlx::Error>;
}

impl Columns for sqlx::any::AnyRow {
    fn col<T: Column>(&self, name: &str) -> Result<T, sqlx::Error> {
        sqlx::Row::try_get(self, name)
    }
}

/// The column `name` of a rusqlite row, `value` (`None` when the row has no
/// such column), as a `T`; a missing or undecodable column is the error
/// sqlx gives for one.
pub(crate) fn from_sqlite<T: Column>(
    name: &str,
    value: Option<rusqlite::types::ValueRef<'_>>,
) -> Result<T, sqlx::Error> {
    let value = value.ok_or_else(|| sqlx::Error::ColumnNotFound(name.to_owned()))?;
    T::column_result(value).map_err(|e| sqlx::Error::ColumnDecode {
        index: name.to_owned(),
        source: Box::new(e),
    })
}
