//! Chat threads: one per (account, customer id); messages from the customer we
//! simulate, from the agent (webhook), and system/presence lines.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sender {
    Customer,
    Agent,
    System,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageKind {
    Text,
    /// Typing indicator (shown transiently, stored for the timeline).
    Typing,
    /// Structured content (quick replies, cards, templates): text is a summary, raw JSON in `raw`.
    Structured,
    /// A receipt about one of our customer messages.
    Receipt,
    /// Presence: agent joined/left, wrap-up, queued (Notifications API).
    Presence,
    /// A system note (e.g. the "message after ticket assignment").
    Note,
    /// Anything Genesys sends that we do not know yet (kept raw).
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// `Image`, `Video`, `Audio`, `File`, `Link`.
    pub media_type: String,
    pub url: String,
    pub mime: String,
    #[serde(default)]
    pub filename: Option<String>,
    /// Local file (customer image picked by the user, or downloaded agent image).
    #[serde(default)]
    pub local_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "state", content = "reason", rename_all = "lowercase")]
pub enum DeliveryStatus {
    /// Customer message being posted.
    Sending,
    /// Genesys accepted the customer message (2xx).
    Sent,
    /// Genesys refused it; the reason names the field/fix.
    Failed(String),
    /// Agent message received on the webhook.
    Received,
    /// We sent a Delivered receipt for this agent message.
    Delivered,
    /// We sent a Failed receipt for this agent message.
    ReceiptFailed(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// Row id once stored.
    #[serde(default)]
    pub id: Option<i64>,
    pub account: String,
    /// The customer id (`channel.from.id` inbound, `channel.to.id` outbound).
    pub customer_id: String,
    #[serde(default)]
    pub conversation_id: Option<String>,
    /// Genesys message id (inbound response `id`, or webhook payload `id`).
    #[serde(default)]
    pub genesys_id: Option<String>,
    pub sender: Sender,
    /// Agent nickname / customer name when known.
    #[serde(default)]
    pub sender_name: Option<String>,
    pub kind: MessageKind,
    pub text: String,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub status: DeliveryStatus,
    /// The raw payload for structured/unknown kinds.
    #[serde(default)]
    pub raw: Option<String>,
}

/// Which chat thread: one customer of one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ThreadKey {
    pub account: String,
    pub customer_id: String,
}

impl ThreadKey {
    pub fn new(account: impl Into<String>, customer_id: impl Into<String>) -> ThreadKey {
        ThreadKey { account: account.into(), customer_id: customer_id.into() }
    }
}

impl ChatMessage {
    /// The thread this message belongs to.
    pub fn thread_key(&self) -> ThreadKey {
        ThreadKey::new(self.account.clone(), self.customer_id.clone())
    }
}
