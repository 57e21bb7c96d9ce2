//! Logins in progress. The row's id is the hash of the flow cookie.

use super::{Store, Tx};
use authlevel_core::MethodSet;
use sqlx::Row;
use sqlx::any::AnyRow;

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
    /// When it expires.
    pub expires_at: i64,
    /// A level above the directory's, asked for by an application.
    pub required_level: Option<u32>,
    /// The application that asked, for the user's information.
    pub client_name: Option<String>,
    /// Where the browser goes when the login completes.
    pub continue_to: Option<String>,
}

/// The column names a flow is read from: as stored, or as aliased in a
/// joined query.
const PLAIN: [&str; 8] = [
    "id",
    "directory_id",
    "user_id",
    "verified",
    "expires_at",
    "required_level",
    "client_name",
    "continue_to",
];
const ALIASED: [&str; 8] = [
    "flow_id",
    "flow_directory_id",
    "flow_user_id",
    "flow_verified",
    "flow_expires_at",
    "flow_required_level",
    "flow_client_name",
    "flow_continue_to",
];

fn row(r: &AnyRow) -> Result<FlowRow, sqlx::Error> {
    parse(r, &PLAIN)
}

fn parse(r: &AnyRow, n: &[&str; 8]) -> Result<FlowRow, sqlx::Error> {
    let verified: i64 = r.try_get(n[3])?;
    Ok(FlowRow {
        id: r.try_get(n[0])?,
        directory_id: r.try_get(n[1])?,
        user_id: r.try_get(n[2])?,
        verified: MethodSet::from_bits(u8::try_from(verified & 0xff).unwrap_or(0)),
        expires_at: r.try_get(n[4])?,
        required_level: r
            .try_get::<Option<i64>, _>(n[5])?
            .and_then(|l| u32::try_from(l).ok()),
        client_name: r.try_get(n[6])?,
        continue_to: r.try_get(n[7])?,
    })
}

/// A flow with its directory and user: every code or TOTP step starts here.
static FLOW_WITH_USER: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT {}, f.id AS flow_id, f.directory_id AS flow_directory_id, \
         f.user_id AS flow_user_id, f.verified AS flow_verified, f.expires_at AS flow_expires_at, \
         f.required_level AS flow_required_level, f.client_name AS flow_client_name, \
         f.continue_to AS flow_continue_to, {} \
         FROM login_flows f JOIN directories d ON d.id = f.directory_id \
         JOIN users ON users.id = f.user_id \
         WHERE f.id = $1 AND f.expires_at >= $2",
        super::users::COLUMNS,
        super::directories::ALIASED_COLUMNS,
    )
});

impl Store {
    /// Stores a new flow.
    pub async fn insert_flow(&self, f: &FlowRow, now: i64) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_single().await?;
        insert(tx.conn(), f, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The unexpired flow with this id.
    pub async fn flow(&self, id: &str, now: i64) -> Result<Option<FlowRow>, sqlx::Error> {
        self.one(
            sqlx::query(
            "SELECT id, directory_id, user_id, verified, expires_at, required_level, client_name, \
             continue_to FROM login_flows \
             WHERE id = $1 AND expires_at >= $2",
        )
        .bind(id)
        .bind(now),
            row,
        ).await
    }

    /// The unexpired flow with this id, with its directory and its user
    /// (`None` also when no user is identified yet): one query.
    pub async fn flow_with_user(
        &self,
        id: &str,
        now: i64,
    ) -> Result<Option<(FlowRow, super::DirectoryRow, super::UserRow)>, sqlx::Error> {
        let Some(r) = sqlx::query(&FLOW_WITH_USER)
            .bind(id)
            .bind(now)
            .fetch_optional(self.pool())
            .await?
        else {
            return Ok(None);
        };
        Ok(Some((
            parse(&r, &ALIASED)?,
            super::directories::aliased_row(&r)?,
            super::users::row(&r)?,
        )))
    }

    /// Deletes a flow; answers whether it existed (so exactly one caller
    /// completes a login).
    pub async fn delete_flow(&self, id: &str) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_single().await?;
        let r = delete(tx.conn(), id).await?;
        tx.commit().await?;
        Ok(r)
    }
}

impl Tx {
    /// [`Store::insert_flow`], in the transaction.
    pub async fn insert_flow(&mut self, f: &FlowRow, now: i64) -> Result<(), sqlx::Error> {
        insert(self.conn(), f, now).await
    }

    /// Records a verified method on a flow (bitwise OR, so concurrent steps
    /// never lose each other's methods); answers the flow afterwards.
    pub async fn add_verified(
        &mut self,
        id: &str,
        verified: MethodSet,
        now: i64,
    ) -> Result<Option<FlowRow>, sqlx::Error> {
        add_verified(self.conn(), id, verified, now).await
    }

    /// [`Store::delete_flow`], in the transaction.
    pub async fn delete_flow(&mut self, id: &str) -> Result<bool, sqlx::Error> {
        delete(self.conn(), id).await
    }
}

async fn insert<'c, E>(db: E, f: &FlowRow, now: i64) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO login_flows (id, directory_id, user_id, verified, created_at, expires_at, \
         required_level, client_name, continue_to) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&f.id)
    .bind(&f.directory_id)
    .bind(f.user_id.clone())
    .bind(i64::from(f.verified.bits()))
    .bind(now)
    .bind(f.expires_at)
    .bind(f.required_level.map(i64::from))
    .bind(f.client_name.clone())
    .bind(f.continue_to.clone())
    .execute(db)
    .await?;
    Ok(())
}

/// One statement (`RETURNING`), so it is the same through a pool or a
/// transaction.
async fn add_verified<'c, E>(
    db: E,
    id: &str,
    verified: MethodSet,
    now: i64,
) -> Result<Option<FlowRow>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    sqlx::query(
        "UPDATE login_flows SET verified = verified | $1 WHERE id = $2 AND expires_at >= $3 \
         RETURNING id, directory_id, user_id, verified, expires_at, required_level, client_name, \
         continue_to",
    )
    .bind(i64::from(verified.bits()))
    .bind(id)
    .bind(now)
    .fetch_optional(db)
    .await?
    .as_ref()
    .map(row)
    .transpose()
}

async fn delete<'c, E>(db: E, id: &str) -> Result<bool, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = sqlx::Any>,
{
    let done = sqlx::query("DELETE FROM login_flows WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}
