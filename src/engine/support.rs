//! What a support ticket needs from the engine: where the logs are, a crash
//! report from the last run (offered once, to the window), the secret store
//! and the OS; and opening a file or folder with the desktop's own app.

use std::path::{Path, PathBuf};

use super::command::{Event, ToastLevel};
use super::worker::Engine;

/// Facts the window shows in Settings and copies as diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportInfo {
    pub log_dir: PathBuf,
    /// A crash report the last run left, not offered before.
    pub crash_report: Option<PathBuf>,
    /// The secret store in use, e.g. "0600 file".
    pub secret_store: Option<String>,
    /// e.g. "Debian GNU/Linux 12 (bookworm), linux x86_64".
    pub os: String,
}

impl Engine {
    /// Reports [`SupportInfo`] to a window (a command line has its own output).
    pub(super) fn emit_support(&self) {
        if !self.config.window_events {
            return;
        }
        let log_dir = self.config.paths.log_dir();
        let info = SupportInfo {
            crash_report: crate::logging::crash::take_unoffered(&log_dir),
            log_dir,
            secret_store: self.accounts.secret_store(),
            os: os_name(Path::new("/etc/os-release")),
        };
        self.shared.events.send(Event::Support(Box::new(info)));
    }

    /// Opens `path` with the desktop's default app, off the engine's threads;
    /// a failure becomes a toast that says what to install.
    pub(super) fn open_path(&self, path: PathBuf) {
        let events = self.shared.events.clone();
        self.spawn(async move {
            let shown = path.clone();
            let result = tokio::task::spawn_blocking(move || open::that_detached(&path)).await;
            if let Some(error) = match result {
                Ok(Ok(())) => None,
                Ok(Err(e)) => Some(e.to_string()),
                Err(e) => Some(e.to_string()),
            } {
                let text = format!(
                    "Could not open {} ({error}). Install xdg-utils (xdg-open) or a file manager, or open the path yourself.",
                    shown.display()
                );
                events.send(Event::Toast { level: ToastLevel::Error, text });
            }
        });
    }
}

/// The OS's pretty name from `os-release`, with Rust's OS and architecture.
pub fn os_name(os_release: &Path) -> String {
    let pretty = std::fs::read_to_string(os_release).ok().and_then(|text| {
        text.lines().find_map(|line| line.strip_prefix("PRETTY_NAME=")).map(|v| v.trim().trim_matches('"').to_string())
    });
    let arch = format!("{} {}", std::env::consts::OS, std::env::consts::ARCH);
    match pretty {
        Some(name) if !name.is_empty() => format!("{name}, {arch}"),
        _ => arch,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_name_reads_pretty_name_and_adds_the_architecture() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("os-release");
        std::fs::write(&file, "NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n").unwrap();
        let arch = format!("{} {}", std::env::consts::OS, std::env::consts::ARCH);
        assert_eq!(os_name(&file), format!("Debian GNU/Linux 12 (bookworm), {arch}"));
        assert_eq!(os_name(&dir.path().join("missing")), arch);
    }
}
