//! Facts about the installation (one row per name), such as the fingerprint
//! of the server key the database was first used with.

use super::Columns;
use super::Store;

impl Store {
    /// The value of the setting `name`: the stored one, or `value`, stored
    /// now when there is none. One statement, so of instances starting
    /// together the first to write wins and every one reads its value.
    pub async fn setting_or_insert(&self, name: &str, value: &str) -> Result<String, sqlx::Error> {
        // The no-op update makes `RETURNING` give the row that was there.
        let row = self
            .exec_optional(
                sqlx::query(
                    "INSERT INTO settings (name, value) VALUES ($1, $2) \
                     ON CONFLICT (name) DO UPDATE SET value = settings.value RETURNING value",
                )
                .bind(name)
                .bind(value),
            )
            .await?;
        row.ok_or(sqlx::Error::RowNotFound)?.col("value")
    }
}
