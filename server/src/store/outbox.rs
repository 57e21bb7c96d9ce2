//! The development outbox: what the `log` delivery sent, for the dev mode.

use super::Store;
use sqlx::Row;

impl Store {
    /// Keeps a message the `log` delivery sent (development only).
    pub async fn insert_outbox(
        &self,
        at: i64,
        channel: &str,
        destination: &str,
        message: &str,
    ) -> Result<(), sqlx::Error> {
        self.run(
            sqlx::query(
                "INSERT INTO outbox (at, channel, destination, message) VALUES ($1, $2, $3, $4)",
            )
            .bind(at)
            .bind(channel)
            .bind(destination)
            .bind(message),
        )
        .await
    }

    /// The newest messages of the development outbox.
    pub async fn outbox(
        &self,
        limit: i64,
    ) -> Result<Vec<(i64, String, String, String)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT at, channel, destination, message FROM outbox ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("at")?,
                    r.try_get("channel")?,
                    r.try_get("destination")?,
                    r.try_get("message")?,
                ))
            })
            .collect()
    }
}
