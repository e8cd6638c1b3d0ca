//! Outbound Open messages (agent → customer) as Genesys posts them to the
//! webhook (README "The webhook listener"). Parsing is tolerant: unknown fields and types are kept
//! as raw JSON, optional fields may be missing, `nickname`/`nickName` both work.

use super::fields::Fields;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::model::{Attachment, ChatMessage, DeliveryStatus, MessageKind, Sender};
use crate::storage::DeliveryKey;

/// Why a webhook body could not be read as a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("body is not JSON ({0}): Genesys posts one JSON object per delivery")]
    NotJson(String),
    #[error("body is JSON but not an object: Genesys posts one JSON object per delivery")]
    NotObject,
}

/// One `events[]` entry of an `Event` message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundEvent {
    /// `Typing` (the only documented one), or whatever Genesys sent.
    pub event_type: String,
    /// `typing.type` (`On`).
    pub typing_type: Option<String>,
    pub duration_ms: Option<u64>,
}

/// One `reasons[]` entry of a receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptReason {
    pub code: String,
    pub message: Option<String>,
}

/// What kind of message the payload is (`type`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboundKind {
    Text,
    /// Templates, quick replies, cards: `content[]` kept in the raw JSON.
    Structured,
    /// Typing and other events.
    Event(Vec<OutboundEvent>),
    /// A receipt about a customer message.
    Receipt {
        status: Option<String>,
        reasons: Vec<ReceiptReason>,
        is_final: Option<bool>,
    },
    /// A type this build does not know (the name as sent, or empty when missing).
    Unknown(String),
}

impl OutboundKind {
    /// Events that are all `Typing`: the agent is typing.
    pub fn is_typing(&self) -> bool {
        matches!(self, OutboundKind::Event(events) if events.iter().all(|e| e.event_type.eq_ignore_ascii_case("typing")))
    }

    /// A short lowercase name for lists and `--json` output.
    pub fn name(&self) -> &str {
        match self {
            OutboundKind::Text => "text",
            OutboundKind::Structured => "structured",
            _ if self.is_typing() => "typing",
            OutboundKind::Event(_) => "event",
            OutboundKind::Receipt { .. } => "receipt",
            OutboundKind::Unknown(_) => "unknown",
        }
    }
}

/// An outbound Open message.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboundMessage {
    /// Genesys message id (use it as the receipt id).
    pub id: Option<String>,
    pub kind: OutboundKind,
    /// `channel.to.id`: the customer.
    pub customer_id: Option<String>,
    /// `channel.from.id`: the integration.
    pub integration_id: Option<String>,
    /// `channel.from.nickname` (or `nickName`): the integration's name.
    pub nickname: Option<String>,
    /// `channel.time` as sent.
    pub time: Option<String>,
    pub conversation_id: Option<String>,
    pub text: Option<String>,
    pub attachments: Vec<Attachment>,
    pub direction: Option<String>,
    pub originating_entity: Option<String>,
    /// The whole payload as sent.
    pub raw: String,
}

impl OutboundMessage {
    /// Parses a webhook body.
    pub fn parse(body: &[u8]) -> Result<OutboundMessage, ParseError> {
        let text = std::str::from_utf8(body).map_err(|e| ParseError::NotJson(e.to_string()))?;
        let Some(raw) = Fields::of(text) else {
            return Err(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                Ok(_) => ParseError::NotObject,
                Err(e) => ParseError::NotJson(e.to_string()),
            });
        };
        let channel = raw.object("channel");
        let (to, from) = (channel.object("to"), channel.object("from"));
        let kind = match raw.str("type").unwrap_or_default().as_str() {
            "Text" => OutboundKind::Text,
            "Structured" => OutboundKind::Structured,
            "Event" => OutboundKind::Event(parse_events(&raw)),
            "Receipt" => OutboundKind::Receipt {
                status: raw.str("status"),
                reasons: parse_reasons(&raw),
                is_final: raw.bool("isFinalReceipt"),
            },
            other => OutboundKind::Unknown(other.to_string()),
        };
        Ok(OutboundMessage {
            id: raw.str("id"),
            kind,
            customer_id: to.str("id"),
            integration_id: from.str("id"),
            nickname: from.str_any_case("nickname"),
            time: channel.str("time"),
            conversation_id: raw.str("conversationId"),
            text: raw.str("text"),
            attachments: parse_attachments(&raw),
            direction: raw.str("direction"),
            originating_entity: raw.str("originatingEntity"),
            raw: text.to_string(),
        })
    }

    /// The de-duplication key (`id` + `channel.time`), when the payload has an id.
    pub fn delivery_key(&self) -> Option<DeliveryKey> {
        self.id.as_deref().map(|id| DeliveryKey::new(id, self.time.as_deref()))
    }

    /// For a receipt: the customer message it is about (`id`) and its new status.
    /// Only failures change the status; other receipt statuses keep the message as sent.
    pub fn receipt_update(&self) -> Option<(String, DeliveryStatus)> {
        match &self.kind {
            OutboundKind::Receipt { status: Some(status), reasons, .. } if status.eq_ignore_ascii_case("failed") => {
                let why: Vec<String> = reasons
                    .iter()
                    .map(|r| match &r.message {
                        Some(m) => format!("{}: {m}", r.code),
                        None => r.code.clone(),
                    })
                    .collect();
                let reason =
                    if why.is_empty() { "Genesys reported the message as failed".into() } else { why.join("; ") };
                Some((self.id.clone()?, DeliveryStatus::Failed(reason)))
            }
            _ => None,
        }
    }

    /// `channel.time` parsed, when present and valid.
    pub fn sent_at(&self) -> Option<OffsetDateTime> {
        self.time.as_deref().and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
    }

    /// A one-line summary of what the agent side sent.
    pub fn summary(&self) -> String {
        match &self.kind {
            OutboundKind::Text | OutboundKind::Structured => match (&self.text, self.attachments.len()) {
                (Some(text), _) if !text.is_empty() => text.clone(),
                (_, 0) => String::new(),
                (_, n) => {
                    let names: Vec<&str> =
                        self.attachments.iter().map(|a| a.filename.as_deref().unwrap_or(a.url.as_str())).collect();
                    format!("[{n} attachment{}: {}]", if n == 1 { "" } else { "s" }, names.join(", "))
                }
            },
            OutboundKind::Event(events) => {
                let names: Vec<String> = events
                    .iter()
                    .map(|e| match (&e.typing_type, e.duration_ms) {
                        (Some(t), Some(ms)) => format!("{} {t} ({ms} ms)", e.event_type),
                        (Some(t), None) => format!("{} {t}", e.event_type),
                        _ => e.event_type.clone(),
                    })
                    .collect();
                names.join(", ")
            }
            OutboundKind::Receipt { status, reasons, .. } => {
                let mut out = format!("receipt {}", status.as_deref().unwrap_or("(no status)"));
                for r in reasons {
                    out.push_str(&format!("; {}", r.code));
                    if let Some(m) = &r.message {
                        out.push_str(&format!(": {m}"));
                    }
                }
                out
            }
            OutboundKind::Unknown(name) => {
                format!(
                    "unknown message type \"{name}\"{}",
                    self.text.as_ref().map(|t| format!(": {t}")).unwrap_or_default()
                )
            }
        }
    }

    /// The chat line for this message (sender Agent, status Received).
    pub fn to_chat_message(&self, account: &str, received_at: OffsetDateTime) -> ChatMessage {
        let kind = match &self.kind {
            OutboundKind::Text => MessageKind::Text,
            OutboundKind::Structured => MessageKind::Structured,
            kind if kind.is_typing() => MessageKind::Typing,
            OutboundKind::Event(_) => MessageKind::Unknown,
            OutboundKind::Receipt { .. } => MessageKind::Receipt,
            OutboundKind::Unknown(_) => MessageKind::Unknown,
        };
        let keep_raw = matches!(kind, MessageKind::Structured | MessageKind::Unknown | MessageKind::Receipt);
        ChatMessage {
            id: None,
            account: account.to_string(),
            customer_id: self.customer_id.clone().unwrap_or_default(),
            conversation_id: self.conversation_id.clone(),
            genesys_id: self.id.clone(),
            sender: Sender::Agent,
            sender_name: self.nickname.clone(),
            kind,
            text: self.summary(),
            attachments: self.attachments.clone(),
            at: self.sent_at().unwrap_or(received_at),
            status: DeliveryStatus::Received,
            raw: keep_raw.then(|| self.raw.clone()),
        }
    }
}

fn parse_events(raw: &Fields) -> Vec<OutboundEvent> {
    raw.objects("events")
        .iter()
        .map(|e| {
            let typing = e.object("typing");
            OutboundEvent {
                event_type: e.str("eventType").unwrap_or_default(),
                typing_type: typing.str("type"),
                duration_ms: typing.u64("duration"),
            }
        })
        .collect()
}

fn parse_reasons(raw: &Fields) -> Vec<ReceiptReason> {
    raw.objects("reasons")
        .iter()
        .map(|r| ReceiptReason { code: r.str("code").unwrap_or_default(), message: r.str("message") })
        .collect()
}

fn parse_attachments(raw: &Fields) -> Vec<Attachment> {
    raw.objects("content")
        .iter()
        .map(|item| item.object("attachment"))
        .filter_map(|a| {
            Some(Attachment {
                media_type: a.str("mediaType").unwrap_or_else(|| "File".into()),
                url: a.str("url")?,
                mime: a.str("mime").unwrap_or_else(|| "application/octet-stream".into()),
                filename: a.str("filename"),
                local_path: None,
            })
        })
        .collect()
}
