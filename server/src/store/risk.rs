//! What the risk signals of a login read: the networks a user completed a
//! login from, "this wasn't me" answers, lockouts and known browsers.

use super::Columns;
use super::Tx;

/// What the database knows of a user, for a login's risk signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RiskFacts {
    /// A login of the user completed from this network since `since_network`.
    pub seen_network: bool,
    /// The browser's known-browser entry for the user is on file.
    pub known_browser: bool,
    /// The user said "this wasn't me" to an approval since `since_day`.
    pub said_not_me: bool,
    /// The user was told of a lockout since `since_day`.
    pub told_of_lockout: bool,
    /// The anonymous lockout engaged for the user since `since_day`.
    pub lockout_engaged: bool,
}

/// The statement of [`Tx::risk_facts`]: one row of counts.
const FACTS: &str = "SELECT \
     (SELECT COUNT(*) FROM user_networks WHERE user_id = $1 AND network = $2 AND last_seen_at >= $3) AS net, \
     (SELECT COUNT(*) FROM known_browsers WHERE id = $4 AND user_id = $1 AND last_used_at >= $6) AS known, \
     (SELECT COUNT(*) FROM app_approvals WHERE user_id = $1 AND status = 'not_me' AND answered_at >= $5) AS not_me, \
     (SELECT COUNT(*) FROM failures WHERE user_id = $1 AND notified_at >= $5 AND notified_at > 0) AS told, \
     (SELECT COUNT(*) FROM failures WHERE user_id = $1 AND engaged_at >= $5 AND engaged_at > 0) AS engaged";

impl Tx {
    /// What is known of `user_id` for the risk signals of a login from
    /// `network` in a browser whose known-browser entry has the row id
    /// `known_row` (when it holds one), in one read.
    pub async fn risk_facts(
        &mut self,
        user_id: &str,
        network: &str,
        since_network: i64,
        known_row: &str,
        known_since: i64,
        since_day: i64,
    ) -> Result<RiskFacts, sqlx::Error> {
        let r = self
            .fetch_one(
                sqlx::query(FACTS)
                    .bind(user_id)
                    .bind(network)
                    .bind(since_network)
                    .bind(known_row)
                    .bind(since_day)
                    .bind(known_since),
            )
            .await?;
        let some = |c: &str| r.col::<i64>(c).map(|n| n > 0);
        Ok(RiskFacts {
            seen_network: some("net")?,
            known_browser: some("known")?,
            said_not_me: some("not_me")?,
            told_of_lockout: some("told")?,
            lockout_engaged: some("engaged")?,
        })
    }

    /// Records that `user_id` completed a login from `network` at `now`.
    pub async fn remember_network(
        &mut self,
        user_id: &str,
        network: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        self.run(
            sqlx::query(
                "INSERT INTO user_networks (user_id, network, last_seen_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (user_id, network) DO UPDATE SET last_seen_at = $3",
            )
            .bind(user_id)
            .bind(network)
            .bind(now),
        )
        .await
    }
}
