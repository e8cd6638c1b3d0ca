//! Conversation lifecycle through the Notifications API: queued, agent
//! joined / left, wrap-up, which the Open Messaging webhook never says.
//!
//! A session ([`run_session`]) creates one channel, opens its `connectUri`
//! WebSocket, subscribes the detail-event topics of every watched
//! conversation, and reports what arrives. Operations, models and limits follow
//! the official SDK's `NotificationsApi`, `Channel` and `ChannelTopic`
//! (<https://github.com/MyPureCloud/platform-client-sdk-python/blob/master/build/docs/NotificationsApi.md>).
//!
//! - [`parse_message`]: one socket message → a [`PresenceEvent`].
//! - [`snapshot_events`]: who is already connected, from `GET /api/v2/conversations/messages/{id}`,
//!   for a subscriber that joined after the first events were sent (Genesys replays nothing).

mod api;
mod session;

use std::future::Future;
use std::time::Duration;

use serde::Deserialize;
use time::OffsetDateTime;

pub use session::run_session;

/// Topic suffixes watched per conversation. `user.start` may not fire for
/// Open Messaging, so `acd.end` (answered by an agent) also counts as a join;
/// `acw` and `wrapup` both carry the wrap-up code.
pub const CONVERSATION_TOPICS: [&str; 7] =
    ["acd.start", "acd.end", "user.start", "user.end", "acw", "wrapup", "customer.end"];

/// Topics a channel may hold (Genesys limit).
pub const TOPIC_CAP: usize = 1000;

/// The socket message Genesys sends about a minute before it closes a socket
/// for maintenance; the client opens a new socket to the same channel.
pub const SOCKET_CLOSING_TOPIC: &str = "v2.system.socket_closing";

/// The detail-event topic of one conversation.
pub fn conversation_topic(conversation_id: &str, suffix: &str) -> String {
    format!("v2.detail.events.conversation.{conversation_id}.{suffix}")
}

/// `POST /api/v2/notifications/channels` answer (`Channel`: every field optional).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub connect_uri: String,
    #[serde(default)]
    pub expires: Option<String>,
}

/// One item of a subscription answer (`ChannelTopic`: every field optional).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelTopic {
    #[serde(default)]
    pub id: String,
    /// `Permitted` or `Rejected` (other values kept as sent).
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub rejection_reason: Option<String>,
    #[serde(default)]
    pub missing_permissions: Vec<String>,
}

impl ChannelTopic {
    pub fn is_rejected(&self) -> bool {
        self.state.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("rejected"))
    }
}

/// Parses a subscription answer: a `ChannelTopicEntityListing`, or a bare list.
pub fn parse_topics(body: &str) -> Result<Vec<ChannelTopic>, String> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Answer {
        List(Vec<ChannelTopic>),
        Listing {
            #[serde(default)]
            entities: Vec<ChannelTopic>,
        },
    }
    match serde_json::from_str::<Answer>(body) {
        Ok(Answer::List(topics)) | Ok(Answer::Listing { entities: topics }) => Ok(topics),
        Err(e) => Err(format!("unexpected subscription answer: {e}")),
    }
}

/// A failed Notifications API call: the HTTP status when the server answered
/// (404 = the channel is gone), and the sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    pub status: Option<u16>,
    pub message: String,
}

impl ApiError {
    /// The channel expired or was evicted (Genesys keeps 20 per client).
    pub fn channel_gone(&self) -> bool {
        self.status == Some(404)
    }
}

/// The REST side of notifications; the Genesys client implements it with its
/// token cache, retries and traffic recording.
pub trait NotificationsApi: Send + Sync + 'static {
    fn create_channel(&self) -> impl Future<Output = Result<Channel, ApiError>> + Send;
    /// `POST .../subscriptions?ignoreErrors=true`: adds topics.
    fn add_subscriptions(
        &self,
        channel_id: &str,
        topics: &[String],
    ) -> impl Future<Output = Result<Vec<ChannelTopic>, ApiError>> + Send;
    /// `PUT .../subscriptions?ignoreErrors=true`: replaces all topics (an empty list removes all).
    fn replace_subscriptions(
        &self,
        channel_id: &str,
        topics: &[String],
    ) -> impl Future<Output = Result<Vec<ChannelTopic>, ApiError>> + Send;
    /// `GET /api/v2/conversations/messages/{id}`: who takes part right now.
    fn conversation(
        &self,
        conversation_id: &str,
    ) -> impl Future<Output = Result<ConversationSnapshot, ApiError>> + Send;
}

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

/// What a session reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotifierEvent {
    /// Socket open and topics (re)subscribed; `new_channel` is false when the
    /// socket reopened on the channel it had.
    Connected {
        channel_id: String,
        topics: usize,
        new_channel: bool,
    },
    /// The socket dropped or could not open; a retry follows after `retry_in`.
    Disconnected {
        error: String,
        retry_in: Duration,
    },
    /// `channel.metadata` heartbeat.
    Heartbeat,
    Presence(PresenceEvent),
    /// Genesys refused a topic; `message` names the missing permission and the fix.
    Rejected {
        topic: String,
        missing_permissions: Vec<String>,
        message: String,
    },
    /// A subscription call failed on a live channel; it is retried on the same
    /// channel after `retry_in` (no new channel).
    SubscribeFailed {
        error: String,
        retry_in: Duration,
    },
    /// A conversation could not be watched (topic cap reached).
    WatchFailed {
        conversation_id: String,
        message: String,
    },
}

/// Commands into a running session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchCommand {
    Watch(String),
    Unwatch(String),
}

/// Timings of a session; tests shorten them.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub backoff_initial: Duration,
    pub backoff_max: Duration,
    /// Re-create the channel this long before it expires.
    pub renew_before_expiry: Duration,
    /// Used when a channel answer has no parsable `expires` (24 h per the docs).
    pub default_lifetime: Duration,
    /// No frame (heartbeat or event) for this long: the socket is dead, open a
    /// new one on the same channel. Genesys sends a heartbeat about every 30 s.
    pub silence_timeout: Duration,
    pub topic_cap: usize,
}

impl Default for SessionOptions {
    fn default() -> Self {
        Self {
            backoff_initial: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            renew_before_expiry: Duration::from_secs(5 * 60),
            default_lifetime: Duration::from_secs(24 * 60 * 60),
            silence_timeout: Duration::from_secs(75),
            topic_cap: TOPIC_CAP,
        }
    }
}

/// A message for a rejected topic that names the permission and the remedy.
/// Genesys lists the permissions in `missingPermissions`; when it names none,
/// the rejection reason is quoted instead of an empty name.
pub fn rejection_message(topic: &ChannelTopic) -> String {
    let perms: Vec<&str> = topic.missing_permissions.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect();
    let reason = topic.rejection_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let what = if perms.is_empty() {
        format!("a permission Genesys did not name (reason: {})", reason.unwrap_or("none given"))
    } else {
        format!("the permission {}", perms.join(", "))
    };
    let add =
        if perms.is_empty() { "the permission for conversation detail events".to_string() } else { perms.join(", ") };
    format!(
        "Genesys refused the notification topic {}: the OAuth client lacks {what}. Add a role with {add} to the \
         OAuth client (Admin > Integrations > OAuth > Roles) to see agent join/leave/wrap-up.",
        topic.id
    )
}

/// The short form for a chat header: which permission is missing and where
/// to add it, without the topic.
pub fn missing_permission_message(missing_permissions: &[String]) -> String {
    let perms: Vec<&str> = missing_permissions.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect();
    if perms.is_empty() {
        "Genesys refused the conversation event topics without naming a permission: check the OAuth client's roles \
         (Admin > Integrations > OAuth > Roles)"
            .into()
    } else {
        format!(
            "the OAuth client lacks {}: add a role with it to the client (Admin > Integrations > OAuth > Roles)",
            perms.join(", ")
        )
    }
}

/// For a subscription call in the traffic history: which topics Genesys
/// rejected and the permissions it named, or `None` when nothing was rejected.
pub fn rejection_summary(url: &str, response_body: &str) -> Option<String> {
    if !(url.contains("/api/v2/notifications/channels/") && url.contains("/subscriptions")) {
        return None;
    }
    let rejected: Vec<ChannelTopic> =
        parse_topics(response_body).ok()?.into_iter().filter(ChannelTopic::is_rejected).collect();
    let first = rejected.first()?;
    let mut permissions: Vec<&str> = rejected
        .iter()
        .flat_map(|t| t.missing_permissions.iter().map(String::as_str))
        .filter(|p| !p.is_empty())
        .collect();
    permissions.sort_unstable();
    permissions.dedup();
    Some(format!(
        "{} topic(s) rejected. {}",
        rejected.len(),
        if permissions.is_empty() {
            rejection_message(first)
        } else {
            rejection_message(&ChannelTopic {
                missing_permissions: permissions.iter().map(|p| p.to_string()).collect(),
                ..first.clone()
            })
        }
    ))
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

/// One participant of `MessageConversation` (every field optional in the SDK).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantSnapshot {
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub user: Option<EntityId>,
    #[serde(default)]
    pub queue: Option<EntityId>,
}

/// `DomainEntityRef` reduced to its id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct EntityId {
    #[serde(default)]
    pub id: Option<String>,
}

/// `MessageConversation`, reduced to who takes part.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ConversationSnapshot {
    #[serde(default)]
    pub participants: Vec<ParticipantSnapshot>,
}

/// The presence a late subscriber missed: a queue (`acd`) or agent participant
/// that is connected now. Purposes and states are the SDK's `MessageMediaParticipant` values.
pub fn snapshot_events(conversation_id: &str, snapshot: &ConversationSnapshot) -> Vec<PresenceEvent> {
    let connected = |p: &&ParticipantSnapshot| p.state.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("connected"));
    let purpose =
        |p: &ParticipantSnapshot, want: &str| p.purpose.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(want));
    let event = |suffix: &str, kind, body: serde_json::Value| {
        let topic = conversation_topic(conversation_id, suffix);
        let raw = serde_json::json!({
            "topicName": topic,
            "eventBody": body,
            "source": format!("GET /api/v2/conversations/messages/{conversation_id}"),
        });
        PresenceEvent {
            conversation_id: conversation_id.to_string(),
            kind,
            at: OffsetDateTime::now_utc(),
            topic,
            raw: raw.to_string(),
            from_snapshot: true,
        }
    };
    let mut events = Vec::new();
    for p in snapshot.participants.iter().filter(connected) {
        if purpose(p, "acd") {
            let queue_id = p.queue.as_ref().and_then(|q| q.id.clone());
            let body = serde_json::json!({ "conversationId": conversation_id, "queueId": queue_id });
            events.push(event("acd.start", PresenceKind::Queued { queue_id }, body));
        } else if purpose(p, "agent") {
            let user_id = p.user.as_ref().and_then(|u| u.id.clone());
            let body = serde_json::json!({ "conversationId": conversation_id, "userId": user_id });
            events.push(event("user.start", PresenceKind::AgentJoined { user_id }, body));
        }
    }
    events
}

#[cfg(test)]
mod tests;
