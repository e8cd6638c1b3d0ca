//! Why an engine step failed. Each message names the step and the fix; an
//! event carries it as a [`Failure`] (the sentence and the account field to
//! fix), shown once by the front end.

use std::path::PathBuf;

use crate::config::{Field, StoreError};
use crate::webhook::MediaError;

/// A failed request as events carry it: the sentence for people and, when
/// there is one, the account field to fix (for highlighting).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Failure {
    pub message: String,
    pub field: Option<Field>,
}

impl From<&crate::genesys::Error> for Failure {
    fn from(e: &crate::genesys::Error) -> Self {
        Failure { message: e.user_message(), field: e.field() }
    }
}

impl From<crate::genesys::Error> for Failure {
    fn from(e: crate::genesys::Error) -> Self {
        Failure::from(&e)
    }
}

impl From<AccountError> for Failure {
    fn from(e: AccountError) -> Self {
        match &e {
            AccountError::Client(client) => Failure::from(client),
            _ => Failure { message: e.to_string(), field: None },
        }
    }
}

impl From<ImageError> for Failure {
    fn from(e: ImageError) -> Self {
        match &e {
            ImageError::Url(client) => Failure::from(client),
            _ => Failure { message: e.to_string(), field: None },
        }
    }
}

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
    /// Genesys takes attachments up to 25 MB (its supported content profiles).
    #[error("Image {} is {:.1} MB: Genesys accepts attachments up to 25 MB. Send a smaller image", path.display(), *size as f64 / 1_048_576.0)]
    TooLarge { path: PathBuf, size: u64 },
    #[error("{} is not an image ({mime}): attach a PNG, JPEG or GIF", path.display())]
    NotAnImage { path: PathBuf, mime: String },
    #[error(
        "{} is {mime}, which the integration's supported content profile \"{profile}\" does not let customers send: \
         attach another type, or allow it in Admin > Message > Supported Content", path.display()
    )]
    NotAllowed { path: PathBuf, mime: String, profile: String },
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::genesys::{Error, Step};

    #[test]
    fn a_failure_keeps_the_field_to_fix() {
        let e = Error::Api {
            step: Step::Integrations,
            status: 403,
            url: "https://api.mypurecloud.ie/api/v2/x".into(),
            code: Some("missing.permissions".into()),
            message: None,
            correlation_id: None,
        };
        let failure = Failure::from(AccountError::Client(e));
        assert_eq!(failure.field, Some(Field::ClientId));
        assert!(failure.message.contains("messaging:integration:view"), "{}", failure.message);
        let failure = Failure::from(AccountError::NotGiven("Acme".into()));
        assert_eq!((failure.field, failure.message.as_str()), (None, "Account \"Acme\" is not part of this session"));
    }
}
