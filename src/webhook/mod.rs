//! The local webhook listener: receives Genesys' signed agent messages.
//!
//! - [`router`]: the axum routes (`POST /hooks/{account}`, `GET /healthz`, `GET /media/{id}`),
//!   testable without sockets;
//! - [`Listener::start`]: binds and serves them, returns a [`RunningListener`];
//! - [`signature`]: verdicts and the explainer of common signing mistakes;
//! - [`message`]: the outbound Open message parser;
//! - [`media`]: files served to Genesys for customer attachments.
//!
//! Every delivery becomes one traffic row (committed before the answer) and, when
//! accepted, one chat message per delivery key; a [`Delivery`] then goes to the sink.

mod caller;
pub mod fault;
mod fields;
mod js_json;
pub mod limits;
pub mod media;
pub mod message;
mod refusal;
mod router;
mod server;
pub mod signature;

use std::path::PathBuf;

pub use limits::RejectLimits;
pub use media::{MediaError, MediaId, MediaStore, public_media_url};
pub use message::{OutboundEvent, OutboundKind, OutboundMessage, ParseError, ReceiptReason};
pub use router::{HookError, ListenerHandle, ListenerState, local_caller, router};
pub use server::{ListenError, Listener, ListenerLimits, RunningListener};
pub use signature::{JsonStyle, Mistake};

use crate::config::{Account, SecretString};
use crate::model::{ChatMessage, TrafficEntry};

/// Largest webhook body accepted (Genesys messages are a few KB).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The account name that matches any `/hooks/{name}` (used by `listen --secret-env`).
pub const ANY_ACCOUNT: &str = "*";

/// What the listener needs to know about one account.
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookAccount {
    /// Matched case-insensitively against the percent-decoded path segment.
    pub name: String,
    pub webhook_secret: Option<SecretString>,
    /// Debug switch: accept unsigned or wrongly signed deliveries (marked as such).
    pub accept_unsigned: bool,
    /// Events switched off for this account: its path answers 404 (recorded in
    /// traffic), nothing reaches the chats or starts a presence watch.
    pub events_off: bool,
    /// Answer valid deliveries badly on purpose (never stored with the account).
    pub fault: Option<fault::Fault>,
}

impl From<&Account> for WebhookAccount {
    fn from(account: &Account) -> Self {
        WebhookAccount {
            name: account.name.clone(),
            webhook_secret: account.webhook_secret.clone(),
            accept_unsigned: account.accept_unsigned,
            events_off: account.events_off,
            fault: None,
        }
    }
}

/// Listener settings. Accounts can be replaced while running ([`ListenerHandle::set_accounts`]).
#[derive(Debug, Clone)]
pub struct ListenerConfig {
    pub accounts: Vec<WebhookAccount>,
    /// Where registered media files are copied and served from.
    pub media_dir: PathBuf,
    pub max_body_bytes: usize,
    /// Timeouts, connection cap and shutdown deadline of the sockets.
    pub limits: ListenerLimits,
    /// How much of refused requests is stored ([`RejectLimits::default`]).
    pub rejects: RejectLimits,
}

impl ListenerConfig {
    pub fn new(accounts: Vec<WebhookAccount>, media_dir: PathBuf) -> Self {
        Self {
            accounts,
            media_dir,
            max_body_bytes: MAX_BODY_BYTES,
            limits: ListenerLimits::default(),
            rejects: RejectLimits::default(),
        }
    }
}

/// One webhook request as the engine/CLI sees it, sent after it was answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// The configured account name (or the path name for unknown/wildcard accounts).
    pub account: String,
    /// The stored traffic row (id set when stored), with verdict and explanation.
    pub traffic: TrafficEntry,
    /// The parsed message when the delivery was accepted and is JSON.
    pub message: Option<OutboundMessage>,
    /// The stored chat message (for a duplicate: the first attempt's, with its row id).
    pub chat_message: Option<ChatMessage>,
    /// The signing mistake found for an invalid signature.
    pub mistake: Option<Mistake>,
    /// 1 for the first delivery of a message id + time, 2.. for Genesys' retries.
    pub attempt: u32,
    /// An earlier attempt of the same delivery was already stored.
    pub duplicate: bool,
    /// Accepted only because the account's debug switch allows unsigned traffic.
    pub accepted_unsigned: bool,
}

/// Where deliveries go (the engine or the CLI printer). Send errors (receiver gone) are ignored.
pub type DeliverySink = tokio::sync::mpsc::UnboundedSender<Delivery>;
