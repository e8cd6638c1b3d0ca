//! Kill-safe file writes for the config folder: a temp file in the same
//! directory, fsync, then rename over the target. A crash leaves either the old
//! file or the new one, never half of each.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Creates `dir` (and parents) and makes it private (0700) on Unix: it holds
/// the secrets fallback file, so other users must not list or enter it.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically with Unix mode `mode` (set on the temp
/// file before the rename, so the secret never exists with wider permissions).
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    ensure_private_dir(dir)?;
    let mut tmp = tempfile::Builder::new().prefix(".tmp-").tempfile_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    // Make the rename itself durable; not every filesystem supports fsync on a
    // directory, and the data is already safe, so a failure here is ignored.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// A new, unused path `<path>.corrupt-<UTC yyyymmddThhmmss>` (with `-N` added if
/// that name is taken), so a backup never overwrites an earlier one.
pub fn corrupt_backup_path(path: &Path) -> PathBuf {
    let stamp = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!("[year][month][day]T[hour][minute][second]"))
        .unwrap_or_else(|_| "unknown-time".into());
    let base = format!("{}.corrupt-{stamp}", path.display());
    let mut candidate = PathBuf::from(&base);
    let mut n = 1;
    while candidate.exists() {
        candidate = PathBuf::from(format!("{base}-{n}"));
        n += 1;
    }
    candidate
}

/// Copies `path` to a fresh backup path without ever replacing an existing file.
pub fn copy_to_backup(path: &Path) -> io::Result<PathBuf> {
    let bytes = fs::read(path)?;
    loop {
        let backup = corrupt_backup_path(path);
        match fs::OpenOptions::new().write(true).create_new(true).open(&backup) {
            Ok(mut f) => {
                f.write_all(&bytes)?;
                f.sync_all()?;
                return Ok(backup);
            }
            // Another process took the name between the check and the open.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests;
