//! The desktop app (eframe).

pub mod chats;
pub mod pending;
pub mod state;
pub mod traffic_log;

use std::path::PathBuf;
use std::process::ExitCode;

/// Opens the main window; returns when it closes.
pub fn run(_home: Option<PathBuf>) -> ExitCode {
    eprintln!("the desktop app is not built yet");
    ExitCode::from(1)
}
