//! Logging: warnings on stderr, and a daily-rotated log file in the data
//! folder (`<data>/logs`, the newest 7 days kept) to attach to a support
//! ticket. `GENESYS_DESK_LOG` (an `EnvFilter`, e.g. `debug` or
//! `genesys_desk=trace`) sets both; by default stderr shows warnings and the
//! file keeps `info`. Every line is redacted on its way out ([`redact`]).

pub mod crash;
pub mod redact;

use std::io::IsTerminal;
use std::path::Path;

use tracing_subscriber::filter::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{Layer, fmt};

use crate::config::Paths;

/// The variable that sets the log filter.
pub const LOG_ENV: &str = "GENESYS_DESK_LOG";
/// Days of log files kept.
const KEEP_FILES: usize = 7;

/// Keeps the log file's writer thread alive; drop it last (it flushes).
pub struct LogGuard {
    _file: Option<tracing_appender::non_blocking::WorkerGuard>,
}

/// True when colours may be written to stderr: a terminal, and `NO_COLOR` unset
/// (<https://no-color.org>: any non-empty value turns colours off).
pub fn stderr_colors() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn filter(default: &str) -> EnvFilter {
    EnvFilter::try_from_env(LOG_ENV).unwrap_or_else(|_| EnvFilter::new(default))
}

/// Starts logging to stderr and, when `paths` resolved, to the log file, and
/// installs the crash reporter beside it. A log folder that cannot be created
/// is reported on stderr once; the program runs on without a file.
pub fn init(paths: Option<&Paths>) -> LogGuard {
    let stderr = fmt::layer()
        .with_ansi(stderr_colors())
        .with_writer(redact::Redacting(std::io::stderr))
        .with_filter(filter("warn"));
    let mut file_error = None;
    let file = paths.and_then(|paths| {
        let dir = paths.log_dir();
        crash::install(dir.clone());
        match file_appender(&dir) {
            Ok(appender) => Some(tracing_appender::non_blocking(appender)),
            Err(e) => {
                file_error = Some(format!("no log file in {}: {e}", dir.display()));
                None
            }
        }
    });
    let (file_writer, guard) = file.map_or((None, None), |(writer, guard)| (Some(writer), Some(guard)));
    let file_layer = file_writer
        .map(|writer| fmt::layer().with_ansi(false).with_writer(redact::Redacting(writer)).with_filter(filter("info")));
    let _ = tracing_subscriber::registry().with(stderr).with(file_layer).try_init();
    if let Some(error) = file_error {
        tracing::warn!("{error}");
    }
    LogGuard { _file: guard }
}

/// The daily file in `dir`, a folder only this user can read (logs name
/// customers and conversations, as the history does).
fn file_appender(dir: &Path) -> Result<tracing_appender::rolling::RollingFileAppender, String> {
    crate::storage::create_private_dir(dir).map_err(|e| e.to_string())?;
    tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("genesys-desk")
        .filename_suffix("log")
        .max_log_files(KEEP_FILES)
        .build(dir)
        .map_err(|e| e.to_string())
}
