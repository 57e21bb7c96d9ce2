//! Counters in fixed windows, for rate limits: a request takes one from
//! each counter it is held to (count, then check, in one statement), so
//! concurrent requests on any number of instances cannot all slip under a
//! limit.

use super::Columns;
use super::Tx;

/// Counts one for `key` in the window starting at `window_start` (a new
/// window starts the count again); answers the count afterwards.
const TAKE: &str = "INSERT INTO counters (key, window_start, count) VALUES ($1, $2, 1) \
     ON CONFLICT (key) DO UPDATE SET \
       count = CASE WHEN counters.window_start = $2 THEN counters.count + 1 ELSE 1 END, \
       window_start = $2 \
     RETURNING count";

impl Tx {
    /// Takes one from the counter `key` in the window starting at
    /// `window_start`; answers its count afterwards.
    pub async fn take_count(&mut self, key: &str, window_start: i64) -> Result<i64, sqlx::Error> {
        self.fetch_one(sqlx::query(TAKE).bind(key).bind(window_start))
            .await?
            .col("count")
    }
}
