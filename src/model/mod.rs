//! Plain data shared by every layer (client, listener, storage, engine, UI):
//! traffic entries, chat messages, verify checks and the test-chat ticket.
//! No I/O here.

pub mod chat;
pub mod ticket;
pub mod traffic;
pub mod verify;

pub use chat::{Attachment, ChatMessage, DeliveryStatus, MessageKind, Sender, ThreadKey};

/// Id and name of an Open Messaging integration of the org, for a picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationSummary {
    pub id: String,
    pub name: String,
}

pub use ticket::{Priority, Ticket, TicketDraft, TicketError, TicketField};
pub use traffic::{Direction, SignatureVerdict, TrafficEntry};
pub use verify::{Check, CheckId, CheckStatus, VerifyReport};
