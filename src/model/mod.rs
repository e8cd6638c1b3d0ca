//! Plain data shared by every layer (client, listener, storage, engine, UI):
//! traffic entries, chat messages, verify checks and the test-chat ticket.
//! No I/O here.

pub mod chat;
pub mod har;
pub mod structured;
pub mod ticket;
pub mod traffic;
pub mod verify;

pub use chat::{Attachment, ChatMessage, DeliveryStatus, MessageKind, Sender, ThreadKey};

/// Id and name of an Open Messaging integration of the org, for a picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationSummary {
    pub id: String,
    pub name: String,
    /// `status` as Genesys returns it (no documented values), when present.
    pub status: Option<String>,
    /// `createStatus`: `Initiated`, `Completed` or `Error`.
    pub create_status: Option<String>,
}

impl IntegrationSummary {
    /// "Name — id (active, Completed)": the picker's line.
    pub fn label(&self) -> String {
        let states: Vec<&str> = [self.status.as_deref(), self.create_status.as_deref()].into_iter().flatten().collect();
        let states = if states.is_empty() { String::new() } else { format!(" ({})", states.join(", ")) };
        format!("{} — {}{states}", self.name, self.id)
    }
}

pub use ticket::{Priority, Ticket, TicketDraft, TicketError, TicketField};
pub use traffic::{Direction, SignatureVerdict, TrafficEntry};
pub use verify::{Check, CheckId, CheckStatus, VerifyReport};
