//! Why an engine step failed. Each message names the step and the fix; events
//! carry it as text (`to_string()`), shown once by the front end.

use std::path::PathBuf;

use crate::config::StoreError;
use crate::webhook::MediaError;

/// An account or its client could not be had.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("The accounts file could not be opened; see the earlier error")]
    NoStore,
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("Account \"{0}\" is not part of this session")]
    NotGiven(String),
    #[error("{}", .0.user_message())]
    Client(#[from] crate::genesys::Error),
}

/// A local image could not be offered to Genesys.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("The listener is not running, so it cannot serve the image to Genesys")]
    NoListener,
    #[error(
        "{account}: Genesys fetches images by public URL. Set the account's Public webhook base URL \
         (your tunnel's https address) so the listener can serve the file."
    )]
    NeedsPublicBase { account: String },
    #[error("Image {}: {source}", path.display())]
    Register {
        path: PathBuf,
        #[source]
        source: MediaError,
    },
    #[error("{}", .0.user_message())]
    Url(crate::genesys::Error),
}

/// A traffic export that did not produce its file.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("reading the history: {0}")]
    Read(#[from] crate::storage::Error),
    #[error("the entries could not be written as JSON: {0}")]
    Serialize(#[from] serde_json::Error),
    #[error("{0}")]
    Write(#[from] std::io::Error),
    #[error("the export task stopped: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// A stored delivery that could not be sent to the listener again.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("Replay needs the listener: it is not running")]
    NoListener,
    #[error("Traffic entry {0} is not in the history")]
    NotFound(i64),
    #[error("Traffic entry {id} could not be read: {source}")]
    Read {
        id: i64,
        #[source]
        source: crate::storage::Error,
    },
    #[error("Only incoming webhook deliveries can be replayed to the listener")]
    NotIncoming,
    #[error("Replay of delivery {id} failed: {source}")]
    Send {
        id: i64,
        #[source]
        source: reqwest::Error,
    },
}
