//! Why the listener refuses a delivery, and the status each reason answers.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::message::ParseError;

/// Why a delivery is refused. Each variant maps to its status once
/// ([`IntoResponse`]); the text is the answer body and the traffic row's response.
#[derive(Debug, thiserror::Error)]
pub enum HookError {
    /// `known` lists the accounts only for a caller on this machine (see [`local_caller`]).
    #[error(
        "no account named \"{name}\" on this listener{}: check the webhook URL ends with /hooks/<account name>",
        known.as_deref().map(|k| format!(" (listening for: {k})")).unwrap_or_default()
    )]
    UnknownAccount { name: String, known: Option<String> },
    /// The account's "Receive events" switch is off; the fix is named only to a caller on this machine.
    #[error("{}", if *local {
        format!("events are switched off for account \"{name}\": switch Receive events on (Accounts), or run genesys-desk accounts set-events \"{name}\" on")
    } else {
        "events are switched off for this account".to_string()
    })]
    EventsOff { name: String, local: bool },
    #[error("body larger than {limit} bytes: Genesys messages are a few KB; this is not a Genesys delivery")]
    TooLarge { limit: usize },
    #[error("could not read the body: {text}")]
    Body { status: StatusCode, text: String },
    /// The explanation of the signature verdict (and the mistake that reproduces it).
    #[error("{0}")]
    Signature(String),
    #[error("{0}")]
    NotJson(#[from] ParseError),
    /// Not stored means not acknowledged: 503 makes Genesys retry later.
    #[error("history not writable: {0}")]
    NotStored(#[from] crate::storage::Error),
}

impl HookError {
    pub fn status(&self) -> StatusCode {
        match self {
            HookError::UnknownAccount { .. } | HookError::EventsOff { .. } => StatusCode::NOT_FOUND,
            HookError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            HookError::Body { status, .. } => *status,
            HookError::Signature(_) => StatusCode::UNAUTHORIZED,
            HookError::NotJson(_) => StatusCode::BAD_REQUEST,
            HookError::NotStored(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl IntoResponse for HookError {
    fn into_response(self) -> Response {
        (self.status(), self.to_string()).into_response()
    }
}
