//! What a conversation's detail events say: queued, agent joined / left,
//! wrap-up, customer left; one socket message at a time.

use serde::Deserialize;
use time::OffsetDateTime;

/// What happened in a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresenceKind {
    /// Routed to a queue (`acd.start`).
    Queued { queue_id: Option<String> },
    /// An agent connected (`user.start`, or `acd.end` answered by an agent).
    AgentJoined { user_id: Option<String> },
    /// The agent disconnected (`user.end`), with Genesys' `disconnectType`.
    AgentLeft { user_id: Option<String>, disconnect_type: Option<String> },
    /// After-contact work finished (`acw` or `wrapup`).
    WrapUp { code: Option<String>, notes: Option<String>, duration_ms: Option<u64> },
    /// The customer side ended (`customer.end`).
    CustomerLeft,
    /// Another detail event of a watched conversation.
    Other { suffix: String },
}

impl PresenceKind {
    /// A timeline line: "Agent <id> joined", "Wrap-up: <code> (<duration>)", ...
    pub fn describe(&self, agent_name: Option<&str>) -> String {
        let who = |id: &Option<String>| agent_name.map(str::to_string).or_else(|| id.clone());
        match self {
            PresenceKind::Queued { queue_id: Some(q) } => format!("Queued (queue {q})"),
            PresenceKind::Queued { queue_id: None } => "Queued".into(),
            PresenceKind::AgentJoined { user_id } => match who(user_id) {
                Some(name) => format!("Agent {name} joined"),
                None => "Agent joined".into(),
            },
            PresenceKind::AgentLeft { user_id, disconnect_type } => {
                let how = disconnect_type.as_deref().map(|d| format!(" ({})", d.to_lowercase())).unwrap_or_default();
                match who(user_id) {
                    Some(name) => format!("Agent {name} left{how}"),
                    None => format!("Agent left{how}"),
                }
            }
            PresenceKind::WrapUp { code, duration_ms, .. } => {
                let code = code.as_deref().unwrap_or("no code");
                match duration_ms {
                    Some(ms) => format!("Wrap-up: {code} ({})", format_duration_ms(*ms)),
                    None => format!("Wrap-up: {code}"),
                }
            }
            PresenceKind::CustomerLeft => "Customer left".into(),
            PresenceKind::Other { suffix } => format!("Conversation event: {suffix}"),
        }
    }

    /// True when the conversation will send nothing more worth watching.
    pub fn ends_conversation(&self) -> bool {
        matches!(self, PresenceKind::WrapUp { .. })
    }
}

fn format_duration_ms(ms: u64) -> String {
    let secs = ms / 1000;
    if secs >= 60 { format!("{}m {:02}s", secs / 60, secs % 60) } else { format!("{secs}s") }
}

/// One conversation event from the socket (or from the snapshot fetch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceEvent {
    pub conversation_id: String,
    pub kind: PresenceKind,
    /// `eventTime` (epoch ms) when present, else when it arrived.
    pub at: OffsetDateTime,
    pub topic: String,
    /// The socket message as received (no secrets in it). For a snapshot, an
    /// envelope of the same shape whose `source` names the conversation read.
    pub raw: String,
    /// Read from the conversation (`GET /api/v2/conversations/messages/{id}`), not the socket.
    pub from_snapshot: bool,
}

/// Parses a socket message. `Ok(None)` for heartbeats and messages of no interest.
pub fn parse_message(text: &str) -> Result<Option<PresenceEvent>, String> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Envelope {
        topic_name: String,
        #[serde(default)]
        event_body: serde_json::Value,
    }
    let envelope: Envelope = serde_json::from_str(text).map_err(|e| format!("notification is not JSON: {e}"))?;
    let Some(rest) = envelope.topic_name.strip_prefix("v2.detail.events.conversation.") else {
        return Ok(None);
    };
    let Some((conversation_id, suffix)) = rest.split_once('.') else {
        return Ok(None);
    };
    let body = &envelope.event_body;
    let string = |key: &str| body.get(key).and_then(|v| v.as_str()).map(str::to_string);
    let kind = match suffix {
        "acd.start" => PresenceKind::Queued { queue_id: string("queueId") },
        "acd.end" if is_transfer(string("disconnectType").as_deref()) => {
            PresenceKind::AgentJoined { user_id: string("answeredUserId") }
        }
        "user.start" => PresenceKind::AgentJoined { user_id: string("userId") },
        "user.end" => PresenceKind::AgentLeft { user_id: string("userId"), disconnect_type: string("disconnectType") },
        "acw" | "wrapup" => PresenceKind::WrapUp {
            code: string("wrapupCode"),
            notes: string("wrapupNotes"),
            duration_ms: body.get("wrapupDurationMs").and_then(|v| v.as_u64()),
        },
        "customer.end" => PresenceKind::CustomerLeft,
        other => PresenceKind::Other { suffix: other.to_string() },
    };
    // `eventTime`'s unit is not documented in the SDK; epoch milliseconds is what
    // the published samples show.
    let at = body
        .get("eventTime")
        .and_then(|v| v.as_i64())
        .and_then(|ms| OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok())
        .unwrap_or_else(OffsetDateTime::now_utc);
    Ok(Some(PresenceEvent {
        conversation_id: string("conversationId").unwrap_or_else(|| conversation_id.to_string()),
        kind,
        at,
        topic: envelope.topic_name.clone(),
        raw: text.to_string(),
        from_snapshot: false,
    }))
}

/// `acd.end` leaves the queue to an agent with `disconnectType` `TRANSFER`
/// (the SDK's enum is upper case; compared case-insensitively as the SDK does).
fn is_transfer(disconnect_type: Option<&str>) -> bool {
    disconnect_type.is_some_and(|d| d.eq_ignore_ascii_case("transfer"))
}
