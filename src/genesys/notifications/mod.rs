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
mod presence;
mod session;
mod snapshot;
mod tracking;

use std::future::Future;
use std::time::Duration;

use serde::Deserialize;

pub use presence::{PresenceEvent, PresenceKind, parse_message};
pub use session::run_session;
pub use snapshot::{ConversationSnapshot, EntityId, ParticipantSnapshot, snapshot_events};

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

#[cfg(test)]
mod tests;
