//! Directories and their policies.

use super::Columns;
use super::Store;
use authlevel_core::Policy;

/// A stored directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryRow {
    /// Its id.
    pub id: String,
    /// Its slug.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// Its policy.
    pub policy: Policy,
    /// A policy staged report-only beside it, and since when.
    pub staged: Option<(Policy, i64)>,
}

impl DirectoryRow {
    /// The wire form.
    pub fn to_api(&self) -> authlevel_core::api::Directory {
        authlevel_core::api::Directory {
            id: self.id.clone(),
            slug: self.slug.clone(),
            name: self.name.clone(),
            policy: self.policy,
        }
    }
}

/// A directory from columns named with `prefix` (empty as stored, `dir_`
/// as aliased in a joined query).
fn read(r: &impl Columns, prefix: &str) -> Result<DirectoryRow, sqlx::Error> {
    let json = |s: &str| -> Result<Policy, sqlx::Error> {
        serde_json::from_str(s).map_err(|e| sqlx::Error::Decode(Box::new(e)))
    };
    let policy: String = r.col(format!("{prefix}policy").as_str())?;
    let staged: Option<String> = r.col(format!("{prefix}staged_policy").as_str())?;
    let staged_at: Option<i64> = r.col(format!("{prefix}staged_at").as_str())?;
    Ok(from_columns!(r, prefix => DirectoryRow {
        id, slug, name;
        policy: json(&policy)?,
        staged: match (staged, staged_at) {
            (Some(p), Some(at)) => Some((json(&p)?, at)),
            _ => None,
        },
    }))
}

fn row(r: &impl Columns) -> Result<DirectoryRow, sqlx::Error> {
    read(r, "")
}

const COLUMNS: &str = "id, slug, name, policy, staged_policy, staged_at";

/// The columns as aliased in a joined query (`d` is the directory).
pub(super) const ALIASED_COLUMNS: &str = "d.id AS dir_id, d.slug AS dir_slug, d.name AS dir_name, d.policy AS dir_policy, \
     d.staged_policy AS dir_staged_policy, d.staged_at AS dir_staged_at";

/// A directory read through [`ALIASED_COLUMNS`].
pub(super) fn aliased_row(r: &impl Columns) -> Result<DirectoryRow, sqlx::Error> {
    read(r, "dir_")
}

impl Store {
    /// Inserts a directory unless its slug exists; answers whether it was new.
    pub async fn insert_directory(&self, d: &DirectoryRow, now: i64) -> Result<bool, sqlx::Error> {
        let policy =
            serde_json::to_string(&d.policy).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        Ok(self
            .exec(
                sqlx::query(
                    "INSERT INTO directories (id, slug, name, policy, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (slug) DO NOTHING",
                )
                .bind(&d.id)
                .bind(&d.slug)
                .bind(&d.name)
                .bind(policy)
                .bind(now),
            )
            .await?
            == 1)
    }

    /// All directories, by slug.
    pub async fn directories(&self) -> Result<Vec<DirectoryRow>, sqlx::Error> {
        self.all(
            sqlx::query(&format!("SELECT {COLUMNS} FROM directories ORDER BY slug")),
            row,
        )
        .await
    }

    /// The directory with this id.
    pub async fn directory(&self, id: &str) -> Result<Option<DirectoryRow>, sqlx::Error> {
        self.directory_where("id", id).await
    }

    /// The directory with this slug.
    pub async fn directory_by_slug(&self, slug: &str) -> Result<Option<DirectoryRow>, sqlx::Error> {
        self.directory_where("slug", slug).await
    }

    /// The directory whose `column` (a unique one) is `value`.
    async fn directory_where(
        &self,
        column: &'static str,
        value: &str,
    ) -> Result<Option<DirectoryRow>, sqlx::Error> {
        let sql = format!("SELECT {COLUMNS} FROM directories WHERE {column} = $1");
        self.one(sqlx::query(&sql).bind(value), row).await
    }

    /// Renames a directory; false when it is unknown.
    pub async fn set_directory_name(
        &self,
        id: &str,
        name: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        Ok(self
            .exec(
                sqlx::query("UPDATE directories SET name = $1, updated_at = $2 WHERE id = $3")
                    .bind(name)
                    .bind(now)
                    .bind(id),
            )
            .await?
            == 1)
    }

    /// Saves a directory's policy.
    pub async fn set_policy(
        &self,
        id: &str,
        policy: &Policy,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let policy = serde_json::to_string(policy).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        Ok(self
            .exec(
                sqlx::query("UPDATE directories SET policy = $1, updated_at = $2 WHERE id = $3")
                    .bind(policy)
                    .bind(now)
                    .bind(id),
            )
            .await?
            == 1)
    }

    /// Stages `policy` report-only (`None`: drops the staged one); false
    /// when the directory is unknown.
    pub async fn set_staged_policy(
        &self,
        id: &str,
        policy: Option<&Policy>,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let policy = policy
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        let since = policy.as_ref().map(|_| now);
        Ok(self
            .exec(
                sqlx::query(
                    "UPDATE directories SET staged_policy = $1, staged_at = $2, updated_at = $3 \
                     WHERE id = $4",
                )
                .bind(policy)
                .bind(since)
                .bind(now)
                .bind(id),
            )
            .await?
            == 1)
    }

    /// Makes the staged policy the active one, if it is still the one
    /// staged at `since`; answers whether it was.
    pub async fn promote_staged(
        &self,
        id: &str,
        since: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        Ok(self
            .exec(
                sqlx::query(
                    "UPDATE directories SET policy = staged_policy, staged_policy = NULL, \
                     staged_at = NULL, updated_at = $1 \
                     WHERE id = $2 AND staged_at = $3 AND staged_policy IS NOT NULL",
                )
                .bind(now)
                .bind(id)
                .bind(since),
            )
            .await?
            == 1)
    }
}
