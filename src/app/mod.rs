//! The desktop app (eframe).

use std::path::PathBuf;
use std::process::ExitCode;

/// Opens the main window; returns when it closes.
pub fn run(_home: Option<PathBuf>) -> ExitCode {
    eprintln!("the desktop app is not built yet");
    ExitCode::from(1)
}
