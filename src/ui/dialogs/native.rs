//! The desktop's own file dialog (rfd: the xdg-desktop-portal file chooser
//! over D-Bus, else zenity, on Linux), awaited on its own thread.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::DialogSpec;

/// A native dialog that answers "nothing chosen" faster than this was not
/// seen by anyone: rfd returns `None` both for Cancel and when no backend
/// could open (it only logs why).
const TOO_FAST: Duration = Duration::from_millis(300);

/// How a native dialog ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Chosen(PathBuf),
    Cancelled,
    /// No dialog could open; the text says why and what to install.
    Unavailable(String),
}

/// What to install when the desktop has no file dialog.
pub const INSTALL_HINT: &str = "install xdg-desktop-portal-gtk (or -kde) with a session D-Bus, or zenity";

/// Why no native dialog can open here, when that is known before trying:
/// on Linux rfd needs a session D-Bus (for the portal) or `zenity` on PATH.
pub fn known_problem() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return None;
    }
    let bus = crate::config::secrets::session_bus();
    let zenity = crate::engine::tunnel::on_path("zenity").is_some();
    (!bus && !zenity).then(|| format!("no session D-Bus for a desktop portal and no zenity: {INSTALL_HINT}"))
}

/// Opens the native dialog for `spec` in `start` and waits for it (call off the UI thread).
pub fn run(spec: &DialogSpec, start: Option<&Path>) -> Outcome {
    if let Some(problem) = known_problem() {
        return Outcome::Unavailable(problem);
    }
    let mut dialog = rfd::AsyncFileDialog::new().set_title(spec.title).add_filter(spec.filter_name, spec.extensions);
    if let Some(dir) = start {
        dialog = dialog.set_directory(dir);
    }
    if let Some(name) = &spec.file_name {
        dialog = dialog.set_file_name(name);
    }
    let started = Instant::now();
    let chosen =
        if spec.save { pollster::block_on(dialog.save_file()) } else { pollster::block_on(dialog.pick_file()) };
    match chosen {
        Some(file) => Outcome::Chosen(file.path().to_path_buf()),
        None if started.elapsed() < TOO_FAST => Outcome::Unavailable(format!(
            "the desktop's file dialog closed at once (no portal file chooser or zenity answered): {INSTALL_HINT}"
        )),
        None => Outcome::Cancelled,
    }
}
