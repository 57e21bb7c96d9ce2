//! Logins in progress. The row's id is the hash of the flow cookie.

use super::Columns;
use super::{Store, Tx, times};
use authlevel_core::{Method, MethodSet, MethodTimes, Signals};

/// A stored login flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowRow {
    /// Hash of the flow token.
    pub id: String,
    /// The directory the login is for.
    pub directory_id: String,
    /// The user, once a first step identified them.
    pub user_id: Option<String>,
    /// Methods verified in this login.
    pub verified: MethodSet,
    /// When each of them was verified (a step-up carries its session's).
    pub times: MethodTimes,
    /// When it expires.
    pub expires_at: i64,
    /// A level above the directory's, asked for by an application.
    pub required_level: Option<u32>,
    /// The application that asked, for the user's information.
    pub client_name: Option<String>,
    /// Its client id, for the login history.
    pub client_id: Option<String>,
    /// Where the browser goes when the login completes.
    pub continue_to: Option<String>,
    /// A step-up's session's absolute end, which the new session keeps.
    pub session_expires_at: Option<i64>,
    /// The risk signals seen at its first step.
    pub signals: Signals,
}

/// The flow's columns but for the method times.
const COLUMNS: &str = "id, directory_id, user_id, verified, expires_at, required_level, \
                       client_name, client_id, continue_to, session_expires_at, signals";

/// The columns to select, as `table.column AS prefixcolumn`.
fn select(table: &str, prefix: &str) -> String {
    times::select_with(COLUMNS, table, prefix)
}

/// A flow from columns named with `prefix` (see [`select`]).
fn read(r: &impl Columns, prefix: &str) -> Result<FlowRow, sqlx::Error> {
    let col = |c: &str| format!("{prefix}{c}");
    let verified: i64 = r.col(col("verified").as_str())?;
    let signals: i64 = r.col(col("signals").as_str())?;
    Ok(from_columns!(r, prefix => FlowRow {
        id, directory_id, user_id, expires_at, client_name, client_id, continue_to, session_expires_at;
        verified: MethodSet::from_bits(u8::try_from(verified & 0xff).unwrap_or(0)),
        times: times::read(r, prefix)?,
        signals: Signals::from_bits(u8::try_from(signals & 0xff).unwrap_or(0)),
        required_level: r
            .col::<Option<i64>>(col("required_level").as_str())?
            .and_then(|l| u32::try_from(l).ok()),
    }))
}

fn row(r: &impl Columns) -> Result<FlowRow, sqlx::Error> {
    read(r, "")
}

static FLOW: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {} FROM login_flows WHERE id = $1 AND expires_at >= $2",
        select("login_flows", "")
    )
});

/// Flows with their directory and user where `condition` holds.
fn with_user_where(condition: &str) -> String {
    format!(
        "SELECT {}, {}, {} \
         FROM login_flows f JOIN directories d ON d.id = f.directory_id \
         JOIN users ON users.id = f.user_id \
         WHERE {condition}",
        super::users::COLUMNS.as_str(),
        select("f", "flow_"),
        super::directories::ALIASED_COLUMNS,
    )
}

/// A flow with its directory and user: every code or TOTP step starts here.
static FLOW_WITH_USER: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| with_user_where("f.id = $1 AND f.expires_at >= $2"));

/// Flows expired after a first step, for the login history.
static EXPIRED_WITH_USER: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| with_user_where("f.expires_at < $1 LIMIT $2"));

/// A flow, its directory and its user from a [`with_user_where`] row.
fn with_user(
    r: &impl Columns,
) -> Result<(FlowRow, super::DirectoryRow, super::UserRow), sqlx::Error> {
    Ok((
        read(r, "flow_")?,
        super::directories::aliased_row(r)?,
        super::users::row(r)?,
    ))
}

impl Store {
    /// Stores a new flow.
    pub async fn insert_flow(&self, f: &FlowRow, now: i64) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_single().await?;
        tx.insert_flow(f, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The unexpired flow with this id.
    pub async fn flow(&self, id: &str, now: i64) -> Result<Option<FlowRow>, sqlx::Error> {
        self.one(sqlx::query(&FLOW).bind(id).bind(now), row).await
    }

    /// The unexpired flow with this id, with its directory and its user
    /// (`None` also when no user is identified yet): one query.
    pub async fn flow_with_user(
        &self,
        id: &str,
        now: i64,
    ) -> Result<Option<(FlowRow, super::DirectoryRow, super::UserRow)>, sqlx::Error> {
        self.one(sqlx::query(&FLOW_WITH_USER).bind(id).bind(now), with_user)
            .await
    }

    /// Flows that expired unfinished after a first step, with their
    /// directory and user, at most `limit`.
    pub async fn expired_flows(
        &self,
        now: i64,
        limit: i64,
    ) -> Result<Vec<(FlowRow, super::DirectoryRow, super::UserRow)>, sqlx::Error> {
        self.all(
            sqlx::query(&EXPIRED_WITH_USER).bind(now).bind(limit),
            with_user,
        )
        .await
    }

    /// Deletes a flow; answers whether it existed (so exactly one caller
    /// completes a login).
    pub async fn delete_flow(&self, id: &str) -> Result<bool, sqlx::Error> {
        self.delete_row("login_flows", id).await
    }
}

impl Tx {
    /// [`Store::insert_flow`], in the transaction.
    pub async fn insert_flow(&mut self, f: &FlowRow, now: i64) -> Result<(), sqlx::Error> {
        let q = sqlx::query(&INSERT)
            .bind(&f.id)
            .bind(&f.directory_id)
            .bind(f.user_id.clone())
            .bind(i64::from(f.verified.bits()))
            .bind(now)
            .bind(f.expires_at)
            .bind(f.required_level.map(i64::from))
            .bind(f.client_name.clone())
            .bind(f.continue_to.clone())
            .bind(f.session_expires_at)
            .bind(f.client_id.clone())
            .bind(i64::from(f.signals.bits()));
        self.run(times::bind(q, &f.times)).await
    }

    /// Records `method` as verified at `now` on a flow (a bitwise OR, so
    /// concurrent steps never lose each other's methods); answers the flow
    /// afterwards.
    pub async fn add_verified(
        &mut self,
        id: &str,
        method: Method,
        now: i64,
    ) -> Result<Option<FlowRow>, sqlx::Error> {
        let sql = format!(
            "UPDATE login_flows SET verified = verified | $1, {} = $3 \
             WHERE id = $2 AND expires_at >= $3 RETURNING {}",
            times::column(method),
            select("login_flows", "")
        );
        self.fetch_optional(
            sqlx::query(&sql)
                .bind(i64::from(MethodSet::of(&[method]).bits()))
                .bind(id)
                .bind(now),
        )
        .await?
        .as_ref()
        .map(row)
        .transpose()
    }

    /// [`Store::delete_flow`], in the transaction.
    pub async fn delete_flow(&mut self, id: &str) -> Result<bool, sqlx::Error> {
        let q = sqlx::query("DELETE FROM login_flows WHERE id = $1").bind(id);
        Ok(self.exec(q).await? == 1)
    }
}

static INSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "INSERT INTO login_flows (id, directory_id, user_id, verified, created_at, expires_at, \
         required_level, client_name, continue_to, session_expires_at, client_id, signals, {}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, {})",
        times::names(),
        times::placeholders(13)
    )
});
