//! SQLite history of traffic and chats.
//!
//! - [`Db`]: one connection, WAL, `PRAGMA user_version` migrations on open, typed queries.
//! - [`Writer`]: a thread that owns a `Db` and group-commits queued inserts, so a
//!   webhook is answered only after its row is committed, without one fsync per request.
//!
//! Chat threads: one per (account, customer id); messages from the customer we
//! simulate, from the agent (webhook), and system/presence lines.
//! Bodies and headers are redacted (`model::traffic::redact_*`) before they are written.

mod chat;
mod db;
mod queries;
mod writer;

pub use db::{Db, SCHEMA_VERSION};
pub use queries::{DeliveryKey, DeliveryRecord, DeliveryStored, MediaRecord, Thread, TrafficQuery};
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
    #[error(
        "history database was written by a newer genesys-desk (schema {found}, this build knows {known}): update genesys-desk or use another --home"
    )]
    TooNew { found: i64, known: i64 },
    #[error("history database query failed: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("history database row is malformed ({0}): the file may be damaged")]
    Malformed(String),
    /// The transaction holding this write did not commit (disk full, file not
    /// writable, I/O error): nothing of it was stored.
    #[error("history commit failed: {0} (check free disk space and that the history file is writable)")]
    Commit(std::sync::Arc<rusqlite::Error>),
    #[error("history writer has stopped: restart genesys-desk")]
    WriterStopped,
}

/// Result alias for storage calls.
pub type Result<T> = std::result::Result<T, Error>;
