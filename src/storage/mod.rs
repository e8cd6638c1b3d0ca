//! SQLite history of traffic and chats.
//!
//! - [`Db`]: one connection, WAL, `PRAGMA user_version` migrations on open, typed queries.
//! - [`Writer`]: a thread that owns a `Db` and group-commits queued inserts, so a
//!   webhook is answered only after its row is committed, without one fsync per request.
//!
//! Chat threads: one per (account, customer id); messages from the customer we
//! simulate, from the agent (webhook), and system/presence lines.
//! Bodies and headers are redacted (`model::traffic::redact_*`) before they are written.

mod batch;
mod chat;
mod checkpoint;
mod db;
mod prune;
mod queries;
mod runs;
mod traffic_io;
mod writer;

pub use db::{Db, SCHEMA_VERSION, create_private_dir};
pub use prune::{HistoryLimits, MAX_DAYS_ENV, MAX_MB_ENV, PRUNE_EVERY, Pruned};
pub use queries::{DeliveryKey, DeliveryRecord, DeliveryStored, MediaRecord, Thread, TrafficQuery};
pub use runs::StoredRun;
pub use writer::{Writer, WriterHandle};

/// Why a history operation failed; names the file or step and the fix.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "history database {path}: {source} (check the folder exists and is writable, or delete the file to start a new history)"
    )]
    Open {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot create the history folder {path}: {source} (check permissions or pass another --home)")]
    CreateDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot make the history database {path} private to your user: {source} (check you own the file)")]
    Private {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "history database was written by a newer genesys-desk (schema {found}, this build knows {known}): update genesys-desk or use another --home"
    )]
    TooNew { found: i64, known: i64 },
    #[error("history database query failed: {0}")]
    Sql(rusqlite::Error),
    /// SQLite `SQLITE_FULL` (or an I/O `StorageFull`): not damage, no space.
    #[error(
        "the disk holding the history database{} is full, so nothing of this write was stored: free disk space \
         (or lower the history cap, GENESYS_DESK_HISTORY_MAX_MB) and genesys-desk will store again",
        path.as_deref().map(|p| format!(" {p}")).unwrap_or_default()
    )]
    DiskFull { path: Option<String> },
    #[error("history database row is malformed ({0}): the file may be damaged")]
    Malformed(String),
    /// The transaction holding this write did not commit (disk full, file not
    /// writable, I/O error): nothing of it was stored.
    #[error("history commit failed: {0} (check free disk space and that the history file is writable)")]
    Commit(std::sync::Arc<rusqlite::Error>),
    #[error("history writer has stopped: restart genesys-desk")]
    WriterStopped,
}

impl From<rusqlite::Error> for Error {
    fn from(source: rusqlite::Error) -> Self {
        if is_disk_full(&source) { Error::DiskFull { path: None } } else { Error::Sql(source) }
    }
}

/// True when SQLite failed for lack of space (`SQLITE_FULL`, or an I/O error of kind `StorageFull`).
pub fn is_disk_full(error: &rusqlite::Error) -> bool {
    match error {
        rusqlite::Error::SqliteFailure(e, _) => e.code == rusqlite::ErrorCode::DiskFull,
        rusqlite::Error::ToSqlConversionFailure(e) | rusqlite::Error::FromSqlConversionFailure(_, _, e) => {
            e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::StorageFull)
        }
        _ => false,
    }
}

impl Error {
    /// A commit that failed, as the error its waiters see: disk full is said as such.
    pub fn commit(source: std::sync::Arc<rusqlite::Error>, path: Option<&str>) -> Error {
        if is_disk_full(&source) { Error::DiskFull { path: path.map(str::to_string) } } else { Error::Commit(source) }
    }

    /// The same error naming `path` (the database file) when it did not yet.
    pub fn at_path(self, path: Option<&str>) -> Error {
        match self {
            Error::DiskFull { path: None } => Error::DiskFull { path: path.map(str::to_string) },
            other => other,
        }
    }
}

/// Result alias for storage calls.
pub type Result<T> = std::result::Result<T, Error>;
