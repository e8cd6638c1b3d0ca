//! Cross-process advisory locks for the config folder. The GUI and the CLI
//! may both change the accounts and secrets files; each read-check-write runs
//! while holding an exclusive lock on a small lock file beside them, so two
//! writers never start from the same old contents and drop each other's change.
//!
//! Uses `std::fs::File::lock` (stable since Rust 1.89: `flock` on Unix,
//! `LockFileEx` on Windows). The lock goes away when the file is closed, so a
//! killed process never leaves the folder locked.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::atomic;

/// An exclusive lock, held until dropped.
#[derive(Debug)]
pub struct FileLock {
    file: fs::File,
    path: PathBuf,
}

impl FileLock {
    /// Waits for the exclusive lock on `path` (created 0600 if missing, in a 0700 folder).
    pub fn acquire(path: &Path) -> io::Result<FileLock> {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        atomic::ensure_private_dir(dir)?;
        let mut options = fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options.open(path)?;
        file.lock()?;
        Ok(FileLock { file, path: path.to_path_buf() })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Closing the file releases the lock too; unlocking first is explicit.
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let held = FileLock::acquire(&path).unwrap();
        // A second open file of the same path (as another process would have) cannot take it now.
        let other = fs::OpenOptions::new().read(true).write(true).open(&path).unwrap();
        assert!(matches!(other.try_lock(), Err(fs::TryLockError::WouldBlock)));
        drop(held);
        other.try_lock().unwrap();
        other.unlock().unwrap();
        let again = FileLock::acquire(&path).unwrap();
        assert_eq!(again.path(), path);
    }
}
