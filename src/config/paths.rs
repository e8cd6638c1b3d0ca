//! Where genesys-desk keeps its files: per-user directories by default, or one
//! folder given by `--home DIR` / `GENESYS_DESK_HOME` (tests, portable use).

use std::path::{Path, PathBuf};

/// Environment variable that puts everything under one folder.
pub const HOME_ENV: &str = "GENESYS_DESK_HOME";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Accounts file and the secrets fallback file.
    pub config_dir: PathBuf,
    /// History database and media files.
    pub data_dir: PathBuf,
}

impl Paths {
    /// `home` (from `--home`) wins, then `GENESYS_DESK_HOME`, then the OS default.
    pub fn resolve(home: Option<&Path>) -> Result<Paths, String> {
        if let Some(home) = home {
            return Ok(Paths::under(home));
        }
        if let Some(home) = std::env::var_os(HOME_ENV).filter(|v| !v.is_empty()) {
            return Ok(Paths::under(Path::new(&home)));
        }
        let dirs = directories::ProjectDirs::from("cloud", "genesys-desk", "genesys-desk")
            .ok_or_else(|| format!("no home directory found for this user: set {HOME_ENV}=DIR or pass --home DIR"))?;
        Ok(Paths { config_dir: dirs.config_dir().to_path_buf(), data_dir: dirs.data_dir().to_path_buf() })
    }

    /// Everything under one folder: `DIR/config` and `DIR/data`.
    pub fn under(home: &Path) -> Paths {
        Paths { config_dir: home.join("config"), data_dir: home.join("data") }
    }

    /// Non-secret account settings and the workspace tier (JSON).
    pub fn accounts_file(&self) -> PathBuf {
        self.config_dir.join("accounts.json")
    }

    /// The 0600 fallback for secrets when no OS keyring is available.
    pub fn secrets_file(&self) -> PathBuf {
        self.config_dir.join("secrets")
    }

    /// App settings (listener address, toggles) as JSON.
    pub fn settings_file(&self) -> PathBuf {
        self.config_dir.join("settings.json")
    }

    /// SQLite history of traffic and chats.
    pub fn history_db(&self) -> PathBuf {
        self.data_dir.join("history.sqlite3")
    }

    /// Daily log files and crash reports.
    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }

    /// Files served at the listener's `/media/{id}` and downloaded agent images.
    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_home_puts_everything_under_it() {
        let p = Paths::resolve(Some(Path::new("/tmp/gd"))).unwrap();
        assert_eq!(p.accounts_file(), Path::new("/tmp/gd/config/accounts.json"));
        assert_eq!(p.history_db(), Path::new("/tmp/gd/data/history.sqlite3"));
    }
}
