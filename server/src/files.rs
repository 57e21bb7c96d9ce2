//! Files that hold secrets: the SQLite database with its `-wal` and `-shm`
//! files (password hashes, contact points, audit addresses), backups of
//! it, and the key file. They are readable by their owner only (0600, in
//! a 0700 folder the server creates), whatever the umask the service was
//! started with (SECURITY 37).

use std::io;
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

/// The mode of a file that holds secrets.
pub const FILE_MODE: u32 = 0o600;
/// The mode of a folder the server makes for such files.
pub const DIR_MODE: u32 = 0o700;

/// Makes every file and folder this process creates from now on private
/// to its owner (umask 077), so nothing it writes is readable by others,
/// whatever umask it was started with.
pub fn private_by_default() {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
}

/// The file of a SQLite URL (`sqlite://data/authlevel.db?mode=rwc`), when
/// it names one (not `sqlite::memory:`).
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.starts_with(':')).then(|| PathBuf::from(path))
}

/// Makes a SQLite database file ready to open privately: its folder made
/// (0700) when missing, the file created 0600 when missing (SQLite gives
/// the `-wal` and `-shm` files the mode of the database file), and an
/// existing database and its `-wal` and `-shm` made 0600 (a file an earlier
/// version left readable to others).
pub fn prepare_sqlite(path: &Path) -> io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.exists()
    {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(parent)?;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)
    {
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        restrict(Path::new(&name));
    }
    Ok(())
}

/// Makes an existing file 0600 when it is readable by others; a missing
/// one is left alone. A file this process may not change (another owner's,
/// say a key handed in read-only) is used as it is, with a warning.
pub fn restrict(path: &Path) {
    let Ok(m) = std::fs::metadata(path) else {
        return;
    };
    if m.permissions().mode() & 0o077 == 0 {
        return;
    }
    if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(FILE_MODE)) {
        tracing::warn!(file = %path.display(), error = %e,
            "this file holds secrets and others may read it; make it readable by its owner only (chmod 600)");
    }
}

/// Creates the new, empty file `path`, 0600; fails when it exists.
pub fn create_private(path: &Path) -> io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        for (url, file) in [
            ("sqlite://data/authlevel.db", Some("data/authlevel.db")),
            ("sqlite:///var/lib/a.db?mode=rwc", Some("/var/lib/a.db")),
            ("sqlite:a.db", Some("a.db")),
            ("sqlite::memory:", None),
            ("postgres://u@h/db", None),
        ] {
            assert_eq!(sqlite_file(url), file.map(PathBuf::from), "{url}");
        }
    }

    #[test]
    fn files_are_created_private_and_old_ones_restricted() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("new/data.db");
        prepare_sqlite(&db).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&db), 0o600);
        assert_eq!(mode(db.parent().unwrap()), 0o700);
        let old = dir.path().join("old.db");
        std::fs::write(&old, b"").unwrap();
        std::fs::write(dir.path().join("old.db-wal"), b"").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        prepare_sqlite(&old).unwrap();
        assert_eq!(mode(&old), 0o600);
        assert_eq!(mode(&dir.path().join("old.db-wal")), 0o600);
    }
}
