//! Kill-safe file writes: a temp file in the same directory, fsync, then
//! rename over the target. A crash leaves either the old file or the new one,
//! never half of each. For the config folder ([`write_atomic`], which makes the
//! folder private) and for files the user chose ([`write_user_file`], exports,
//! which leaves the folder as it is).

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

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
    let dir = folder_of(path);
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

/// The folder `path` is in (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Writes a file the user chose (an export to their Downloads, a HAR file)
/// kill-safely with Unix mode `mode`, leaving the folder's permissions alone:
/// `fill` writes the content through a buffer; its value is returned.
pub fn write_user_file<T, E: From<io::Error>>(
    path: &Path,
    mode: u32,
    fill: impl FnOnce(&mut dyn Write) -> Result<T, E>,
) -> Result<T, E> {
    let tmp = tempfile::Builder::new().prefix(".genesys-desk-export-").tempfile_in(folder_of(path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut out = io::BufWriter::new(tmp);
    let value = fill(&mut out)?;
    let tmp = out.into_inner().map_err(io::IntoInnerError::into_error)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(value)
}

/// The backup path of `bytes` read from `path`: `<path>.corrupt-<first 16 hex
/// digits of their SHA-256>`. Named by content, so the same broken file read
/// again (every run until it is fixed) maps to the same backup.
pub fn corrupt_backup_path(path: &Path, bytes: &[u8]) -> PathBuf {
    let digest = Sha256::digest(bytes);
    let hash: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    PathBuf::from(format!("{}.corrupt-{hash}", path.display()))
}

/// Copies `path` to its content-named backup (mode 0600: it may hold what the
/// user typed), once per distinct content, never replacing a different file.
pub fn copy_to_backup(path: &Path) -> io::Result<PathBuf> {
    let bytes = fs::read(path)?;
    let base = corrupt_backup_path(path, &bytes);
    let mut candidate = base.clone();
    for n in 1.. {
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&candidate) {
            Ok(mut f) => {
                f.write_all(&bytes)?;
                f.sync_all()?;
                return Ok(candidate);
            }
            // Already backed up (by an earlier run or another process right now),
            // unless a different file took the name: then try the next one.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                if fs::read(&candidate).is_ok_and(|existing| existing == bytes) {
                    return Ok(candidate);
                }
                candidate = PathBuf::from(format!("{}-{n}", base.display()));
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("no free backup name"))
}

#[cfg(test)]
mod tests;
