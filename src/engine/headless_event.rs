//! What the engine reports only for a front end without a window (the
//! command line prints these in full).

use time::OffsetDateTime;

use super::command::{Failure, RequestId};
use crate::genesys::notifications::PresenceKind;
use crate::genesys::{InboundMessage, SentMessage};
use crate::webhook::Delivery;

/// Facts the command line prints in full. The GUI sees the same things
/// through the other events (traffic rows, chat lines) and ignores these.
#[derive(Debug, Clone, PartialEq)]
pub enum HeadlessEvent {
    /// A webhook request the listener answered (after storing it), in full.
    /// Shared, not copied: a delivery holds its whole parsed body.
    WebhookReceived(std::sync::Arc<Delivery>),
    /// A presence change of a watched conversation (also a presence chat line).
    PresenceChanged { account: String, conversation_id: String, kind: PresenceKind, at: OffsetDateTime, text: String },
    /// The notifications session failed and retries; agent replies still
    /// arrive through the webhook.
    NotificationsRetrying { account: String, error: String },
    /// The answer to [`Command::SendMessage`]: the message as posted (with the
    /// served image, if any) and what Genesys answered.
    MessageSent { request: RequestId, message: Box<InboundMessage>, result: Result<Box<SentMessage>, Failure> },
    /// The answer to [`Command::CustomerAct`].
    CustomerActed { request: RequestId, result: Result<(), Failure> },
}
