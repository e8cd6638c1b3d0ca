//! Crash reports: a panic writes a redacted report (version, commit, OS,
//! thread, message, place, backtrace) next to the log files, and the next
//! start of the window offers to open it once.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use time::OffsetDateTime;
use time::macros::format_description;

use super::redact::redact;

/// Report file names: `crash-<UTC time>.txt`; once offered, `crash-<UTC time>.offered.txt`.
const PREFIX: &str = "crash-";
const OFFERED: &str = ".offered.txt";

/// Replaces the panic hook: writes the report, then prints a short redacted
/// notice on stderr (the default hook would print the message unredacted).
pub fn install(log_dir: PathBuf) {
    std::panic::set_hook(Box::new(move |info| {
        let message = payload_text(info.payload());
        let place = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
        let thread = std::thread::current().name().unwrap_or("unnamed").to_string();
        let backtrace = std::backtrace::Backtrace::force_capture().to_string();
        let report = report_text(&message, &place, &thread, &backtrace);
        tracing::error!(thread, place, "panic: {}", redact(&message));
        match write_report(&log_dir, &report) {
            Ok(path) => eprintln!(
                "genesys-desk crashed ({}). A report without secrets is in {}",
                redact(&message),
                path.display()
            ),
            Err(e) => {
                eprintln!("genesys-desk crashed ({}); the crash report could not be written: {e}", redact(&message))
            }
        }
    }));
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(no message)".into()
    }
}

/// The report's text, every part redacted.
pub fn report_text(message: &str, place: &str, thread: &str, backtrace: &str) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "genesys-desk crash report (no secrets: they are replaced by ***)");
    let _ = writeln!(text, "version: {} (commit {})", env!("CARGO_PKG_VERSION"), env!("GENESYS_DESK_COMMIT"));
    let _ = writeln!(text, "os: {} {}", std::env::consts::OS, std::env::consts::ARCH);
    let _ = writeln!(text, "thread: {thread}");
    let _ = writeln!(text, "at: {place}");
    let _ = writeln!(text, "message: {message}");
    let _ = writeln!(text, "\nbacktrace:\n{backtrace}");
    redact(&text).into_owned()
}

/// Writes `report` as a new 0600 file in `dir`.
pub fn write_report(dir: &Path, report: &str) -> std::io::Result<PathBuf> {
    crate::storage::create_private_dir(dir)?;
    let stamp = OffsetDateTime::now_utc()
        .format(format_description!("[year][month][day]-[hour][minute][second]"))
        .unwrap_or_else(|_| "unknown-time".into());
    let mut path = dir.join(format!("{PREFIX}{stamp}.txt"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = dir.join(format!("{PREFIX}{stamp}-{n}.txt"));
    }
    let mut file = private_file(&path)?;
    file.write_all(report.as_bytes())?;
    file.sync_all()?;
    Ok(path)
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new().write(true).create_new(true).open(path)
}

/// The newest report not offered yet, marked offered (renamed) so the next
/// start does not offer it again. Older unoffered reports are marked too.
pub fn take_unoffered(dir: &Path) -> Option<PathBuf> {
    let mut reports: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with(PREFIX) && name.ends_with(".txt") && !name.ends_with(OFFERED)
        })
        .collect();
    reports.sort();
    let newest = reports.pop()?;
    for older in reports {
        let _ = std::fs::rename(&older, offered_name(&older));
    }
    let offered = offered_name(&newest);
    std::fs::rename(&newest, &offered).ok()?;
    Some(offered)
}

fn offered_name(path: &Path) -> PathBuf {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("crash");
    path.with_file_name(format!("{stem}{OFFERED}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_is_redacted_and_private() {
        crate::logging::redact::remember("crash-secret-4711");
        let dir = tempfile::tempdir().unwrap();
        let report = report_text("token crash-secret-4711 refused", "src/x.rs:1", "main", "0: frame");
        let path = write_report(dir.path(), &report).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("message: token *** refused"), "{text}");
        assert!(!text.contains("crash-secret-4711"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }

    #[test]
    fn the_newest_report_is_offered_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("crash-20261101-100000.txt"), "old").unwrap();
        std::fs::write(dir.path().join("crash-20261102-100000.txt"), "new").unwrap();
        std::fs::write(dir.path().join("genesys-desk.2026-11-02.log"), "log").unwrap();
        let offered = take_unoffered(dir.path()).unwrap();
        assert_eq!(offered.file_name().unwrap(), "crash-20261102-100000.offered.txt");
        assert_eq!(std::fs::read_to_string(&offered).unwrap(), "new");
        assert_eq!(take_unoffered(dir.path()), None);
        assert!(dir.path().join("crash-20261101-100000.offered.txt").exists());
    }
}
