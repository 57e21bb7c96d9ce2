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

fn row(r: &AnyRow) -> Result<FlowRow, sqlx::Error> {
    let verified: i64 = r.try_get("verified")?;
    Ok(FlowRow {
        id: r.try_get("id")?,
        directory_id: r.try_get("directory_id")?,
        user_id: r.try_get("user_id")?,
        verified: MethodSet::from_bits(u8::try_from(verified & 0xff).unwrap_or(0)),
        expires_at: r.try_get("expires_at")?,
        required_level: r
            .try_get::<Option<i64>, _>("required_level")?
            .and_then(|l| u32::try_from(l).ok()),
        client_name: r.try_get("client_name")?,
        continue_to: r.try_get("continue_to")?,
    })
}

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
        sqlx::query(
            "SELECT id, directory_id, user_id, verified, expires_at, required_level, client_name, \
             continue_to FROM login_flows \
             WHERE id = $1 AND expires_at >= $2",
        )
        .bind(id)
        .bind(now)
        .fetch_optional(self.pool())
        .await?
        .as_ref()
        .map(row)
        .transpose()
    }

    /// Records a verified method on a flow (bitwise OR, so concurrent steps
    /// never lose each other's methods); answers the flow afterwards.
    pub async fn add_verified(
        &self,
        id: &str,
        verified: MethodSet,
        now: i64,
    ) -> Result<Option<FlowRow>, sqlx::Error> {
        let mut tx = self.begin_single().await?;
        let r = add_verified(tx.conn(), id, verified, now).await?;
        tx.commit().await?;
        Ok(r)
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

    /// [`Store::add_verified`], in the transaction.
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
