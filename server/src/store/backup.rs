//! `authlevel admin backup FILE`: a consistent copy of the SQLite database,
//! taken while the service runs. PostgreSQL has `pg_dump` for that.
//!
//! The copy is SQLite's `VACUUM INTO` on a connection of its own that opens
//! the database read-only: a read transaction, so it sees one committed
//! moment (WAL lets the service go on writing meanwhile), and it cannot
//! change the live database whatever happens to it. The copy is written
//! under a temporary name beside `FILE`, synced, checked, and only then
//! linked to `FILE`, which is never overwritten: a backup killed half-way
//! leaves at most a `FILE.partial-…` file, never a half `FILE`.

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions as _, Connection as _};
use std::path::{Path, PathBuf};
use std::str::FromStr as _;
use std::time::Duration;

/// Why there is no backup.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The database is PostgreSQL.
    #[error(
        "the database is PostgreSQL: `authlevel admin backup` copies SQLite files; back \
         PostgreSQL up with pg_dump (see docs/operating.md, Backups)"
    )]
    Postgres,
    /// `FILE` exists; a backup never replaces a file.
    #[error("{0} exists; a backup never replaces a file: name a new one")]
    Exists(PathBuf),
    /// The folder for `FILE` is missing or not usable.
    #[error("cannot write a backup to {0}: {1}")]
    Target(PathBuf, std::io::Error),
    /// The live database could not be opened.
    #[error("cannot open the database {0} to back it up: {1}")]
    Open(String, sqlx::Error),
    /// The copy failed (the live database is untouched).
    #[error("the copy failed (the database is untouched): {0}")]
    Copy(sqlx::Error),
    /// The copy was made but is not a sound database.
    #[error("the copy failed its integrity check: {0}")]
    Check(String),
    /// Writing or renaming the copy failed.
    #[error("cannot finish the backup file {0}: {1}")]
    Io(PathBuf, std::io::Error),
}

/// Copies the SQLite database at `database_url` to the new file `dest`;
/// answers the copy's size in bytes.
pub async fn backup(database_url: &str, dest: &Path) -> Result<u64, BackupError> {
    if !database_url.starts_with("sqlite:") {
        return Err(BackupError::Postgres);
    }
    if dest.symlink_metadata().is_ok() {
        return Err(BackupError::Exists(dest.to_owned()));
    }
    let name = dest
        .file_name()
        .ok_or_else(|| {
            BackupError::Target(
                dest.to_owned(),
                std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file name"),
            )
        })?
        .to_string_lossy()
        .into_owned();
    let parent = match dest.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    // Absolute, so SQLite never reads it as a `file:` URI.
    let parent = parent
        .canonicalize()
        .map_err(|e| BackupError::Target(parent.clone(), e))?;
    let dest = parent.join(&name);
    let partial = parent.join(format!("{name}.partial-{:08x}", rand::random::<u32>()));

    let result = copy_into(database_url, &partial).await;
    let finished = result.and_then(|()| finish(&partial, &dest, &parent));
    if finished.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    finished
}

/// `VACUUM INTO partial` from a read-only connection, then an integrity
/// check of the copy.
async fn copy_into(database_url: &str, partial: &Path) -> Result<(), BackupError> {
    // Made empty and 0600 first: `VACUUM INTO` fills an empty file, and the
    // copy holds password hashes (SECURITY 37).
    crate::files::create_private(partial).map_err(|e| BackupError::Io(partial.to_owned(), e))?;
    let shown = database_url.split('?').next().unwrap_or(database_url);
    let options = SqliteConnectOptions::from_str(database_url)
        .map_err(|e| BackupError::Open(shown.to_owned(), e))?
        .read_only(true)
        .create_if_missing(false)
        // The copy is a reader: it waits only when the service checkpoints
        // or starts up, and then not long.
        .busy_timeout(Duration::from_secs(30));
    let mut live = options
        .connect()
        .await
        .map_err(|e| BackupError::Open(shown.to_owned(), e))?;
    let copied = sqlx::query("VACUUM INTO $1")
        .bind(partial.to_string_lossy().into_owned())
        .execute(&mut live)
        .await
        .map_err(BackupError::Copy);
    let _ = live.close().await;
    copied?;

    let mut copy = SqliteConnectOptions::new()
        .filename(partial)
        .read_only(true)
        .connect()
        .await
        .map_err(BackupError::Copy)?;
    let verdict: Result<String, sqlx::Error> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut copy)
        .await;
    let _ = SqliteConnection::close(copy).await;
    match verdict.map_err(BackupError::Copy)? {
        ok if ok == "ok" => Ok(()),
        problem => Err(BackupError::Check(problem)),
    }
}

/// Syncs `partial`, gives it the name `dest` unless that exists by now,
/// and syncs the folder so the name survives a power loss.
fn finish(partial: &Path, dest: &Path, parent: &Path) -> Result<u64, BackupError> {
    let io = |e| BackupError::Io(dest.to_owned(), e);
    let file = std::fs::File::open(partial).map_err(io)?;
    file.sync_all().map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    // A hard link never replaces an existing file, unlike a rename.
    match std::fs::hard_link(partial, dest) {
        Ok(()) => std::fs::remove_file(partial).map_err(io)?,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(BackupError::Exists(dest.to_owned()));
        }
        // A file system without hard links: a rename, after one more look.
        Err(_) if dest.symlink_metadata().is_err() => std::fs::rename(partial, dest).map_err(io)?,
        Err(e) => return Err(io(e)),
    }
    if let Ok(dir) = std::fs::File::open(parent) {
        let _ = dir.sync_all();
    }
    Ok(size)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn database(dir: &Path) -> (String, crate::store::Store) {
        let url = format!("sqlite://{}/live.db", dir.display());
        let store = crate::store::Store::open(&url, 2).await.unwrap();
        store.migrate().await.unwrap();
        (url, store)
    }

    #[tokio::test]
    async fn copies_a_live_database_and_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let (url, store) = database(dir.path()).await;
        let dest = dir.path().join("copy.db");
        let size = backup(&url, &dest).await.unwrap();
        assert!(size > 0);
        assert_eq!(std::fs::metadata(&dest).unwrap().len(), size);
        // The copy opens as a database with this binary's schema.
        let copy = crate::store::Store::open(&format!("sqlite://{}", dest.display()), 1)
            .await
            .unwrap();
        copy.migrate().await.unwrap();
        // Never over an existing file, and nothing left beside it.
        let err = backup(&url, &dest).await.unwrap_err();
        assert!(matches!(err, BackupError::Exists(_)), "{err}");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("partial"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
        drop(store);
    }

    #[tokio::test]
    async fn postgres_and_missing_databases_are_refused_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let err = backup("postgres://u@localhost/db", &dir.path().join("x"))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("pg_dump"), "{err}");
        let missing = format!("sqlite://{}/missing.db", dir.path().display());
        let err = backup(&missing, &dir.path().join("x")).await.unwrap_err();
        assert!(matches!(err, BackupError::Open(..)), "{err}");
        assert!(!dir.path().join("missing.db").exists());
        assert!(!dir.path().join("x").exists());
    }
}
