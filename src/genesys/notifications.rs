//! Conversation lifecycle through the Notifications API (API.md §7): agent
//! joined / left / wrap-up / queued, which the Open Messaging webhook never says.
//!
//! A session creates a channel, opens its `connectUri` WebSocket, subscribes the
//! detail-event topics of every watched conversation, and reports what arrives.
//! It reconnects with backoff after a drop, re-creates the channel before its
//! 24 h lifetime ends, and keeps under the 1,000-topic cap by unsubscribing
//! conversations that ended.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use futures_util::StreamExt;
use serde::Deserialize;
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_util::sync::CancellationToken;

/// Topic suffixes watched per conversation.
pub const CONVERSATION_TOPICS: [&str; 5] = ["acd.start", "user.start", "user.end", "acw", "customer.end"];

/// Topics a channel may hold (Genesys limit).
pub const TOPIC_CAP: usize = 1000;

/// The detail-event topic of one conversation.
pub fn conversation_topic(conversation_id: &str, suffix: &str) -> String {
    format!("v2.detail.events.conversation.{conversation_id}.{suffix}")
}

/// `POST /api/v2/notifications/channels` answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Channel {
    pub id: String,
    pub connect_uri: String,
    #[serde(default)]
    pub expires: Option<String>,
}

/// One item of a subscription answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelTopic {
    pub id: String,
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

/// Parses a subscription answer: a bare list or a `{"entities": [...]}` listing.
pub fn parse_topics(body: &str) -> Result<Vec<ChannelTopic>, String> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Answer {
        List(Vec<ChannelTopic>),
        Listing { entities: Vec<ChannelTopic> },
    }
    match serde_json::from_str::<Answer>(body) {
        Ok(Answer::List(topics)) | Ok(Answer::Listing { entities: topics }) => Ok(topics),
        Err(e) => Err(format!("unexpected subscription answer: {e}")),
    }
}

/// The REST side of notifications; the Genesys client implements it with its
/// token cache, retries and traffic recording.
pub trait NotificationsApi: Send + Sync + 'static {
    fn create_channel(&self) -> impl Future<Output = Result<Channel, String>> + Send;
    /// `POST .../subscriptions`: adds topics.
    fn add_subscriptions(
        &self,
        channel_id: &str,
        topics: &[String],
    ) -> impl Future<Output = Result<Vec<ChannelTopic>, String>> + Send;
    /// `PUT .../subscriptions`: replaces all topics (an empty list removes all).
    fn replace_subscriptions(
        &self,
        channel_id: &str,
        topics: &[String],
    ) -> impl Future<Output = Result<Vec<ChannelTopic>, String>> + Send;
}

/// What happened in a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresenceKind {
    /// Routed to a queue (`acd.start`).
    Queued { queue_id: Option<String> },
    /// An agent connected (`user.start`).
    AgentJoined { user_id: Option<String> },
    /// The agent disconnected (`user.end`).
    AgentLeft { user_id: Option<String> },
    /// After-contact work finished (`acw`).
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
            PresenceKind::AgentLeft { user_id } => match who(user_id) {
                Some(name) => format!("Agent {name} left"),
                None => "Agent left".into(),
            },
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

/// One conversation event from the socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresenceEvent {
    pub conversation_id: String,
    pub kind: PresenceKind,
    /// `eventTime` (epoch ms) when present, else when it arrived.
    pub at: OffsetDateTime,
    pub topic: String,
    /// The socket message as received (no secrets in it).
    pub raw: String,
}

/// What a session reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotifierEvent {
    /// Socket open and topics (re)subscribed.
    Connected {
        channel_id: String,
        topics: usize,
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
    pub topic_cap: usize,
}

impl Default for SessionOptions {
    fn default() -> Self {
        Self {
            backoff_initial: Duration::from_secs(1),
            backoff_max: Duration::from_secs(60),
            renew_before_expiry: Duration::from_secs(5 * 60),
            default_lifetime: Duration::from_secs(24 * 60 * 60),
            topic_cap: TOPIC_CAP,
        }
    }
}

/// A message for a rejected topic that names the permission and the remedy.
pub fn rejection_message(topic: &ChannelTopic) -> String {
    let perms = if topic.missing_permissions.is_empty() {
        "a permission".to_string()
    } else {
        topic.missing_permissions.join(", ")
    };
    let reason = topic.rejection_reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
    format!(
        "Genesys refused the notification topic {}{reason}: the OAuth client lacks {perms}. \
         Add a role with {perms} to the OAuth client (Admin > Integrations > OAuth > Roles) to see agent join/leave/wrap-up.",
        topic.id
    )
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
        "user.start" => PresenceKind::AgentJoined { user_id: string("userId") },
        "user.end" => PresenceKind::AgentLeft { user_id: string("userId") },
        "acw" => PresenceKind::WrapUp {
            code: string("wrapupCode"),
            notes: string("wrapupNotes"),
            duration_ms: body.get("wrapupDurationMs").and_then(|v| v.as_u64()),
        },
        "customer.end" => PresenceKind::CustomerLeft,
        other => PresenceKind::Other { suffix: other.to_string() },
    };
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
    }))
}

/// Conversations being watched, in the order they were added; `ended` ones
/// are the first to go when the topic cap is reached.
#[derive(Debug, Default)]
struct Watched {
    conversations: BTreeMap<String, bool>,
    order: Vec<String>,
}

impl Watched {
    fn topics(&self) -> Vec<String> {
        self.order.iter().flat_map(|c| CONVERSATION_TOPICS.iter().map(move |s| conversation_topic(c, s))).collect()
    }

    fn topic_count(&self) -> usize {
        self.order.len() * CONVERSATION_TOPICS.len()
    }

    fn remove(&mut self, conversation_id: &str) -> bool {
        self.order.retain(|c| c != conversation_id);
        self.conversations.remove(conversation_id).is_some()
    }

    /// Adds a conversation, evicting ended ones if needed. Returns the evicted
    /// ids, or an error when the cap is full of live conversations.
    fn add(&mut self, conversation_id: &str, cap: usize) -> Result<Vec<String>, String> {
        if self.conversations.contains_key(conversation_id) {
            return Ok(Vec::new());
        }
        let mut evicted = Vec::new();
        while self.topic_count() + CONVERSATION_TOPICS.len() > cap {
            let Some(ended) = self.order.iter().find(|c| self.conversations.get(*c) == Some(&true)).cloned() else {
                return Err(format!(
                    "cannot watch conversation {conversation_id}: the notification channel already holds {} topics \
                     (Genesys allows {cap}) for conversations that have not ended",
                    self.topic_count()
                ));
            };
            self.remove(&ended);
            evicted.push(ended);
        }
        self.conversations.insert(conversation_id.to_string(), false);
        self.order.push(conversation_id.to_string());
        Ok(evicted)
    }

    fn mark_ended(&mut self, conversation_id: &str) {
        if let Some(ended) = self.conversations.get_mut(conversation_id) {
            *ended = true;
        }
    }
}

fn report_rejections(topics: &[ChannelTopic], events: &mpsc::UnboundedSender<NotifierEvent>) {
    for topic in topics.iter().filter(|t| t.is_rejected()) {
        let _ = events.send(NotifierEvent::Rejected {
            topic: topic.id.clone(),
            missing_permissions: topic.missing_permissions.clone(),
            message: rejection_message(topic),
        });
    }
}

fn lifetime_of(channel: &Channel, options: &SessionOptions) -> Duration {
    let lifetime = channel
        .expires
        .as_deref()
        .and_then(|e| OffsetDateTime::parse(e, &time::format_description::well_known::Rfc3339).ok())
        .map(|exp| exp - OffsetDateTime::now_utc())
        .and_then(|d| Duration::try_from(d).ok())
        .unwrap_or(options.default_lifetime);
    lifetime.saturating_sub(options.renew_before_expiry).max(Duration::from_secs(1))
}

/// Messages already reported: after a reconnect the same event can arrive
/// again on the new channel, and the timeline must show it once.
#[derive(Default)]
struct Seen {
    hashes: std::collections::HashSet<u64>,
    order: std::collections::VecDeque<u64>,
}

impl Seen {
    const CAP: usize = 4096;

    fn first_time(&mut self, text: &str) -> bool {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut hasher);
        let hash = hasher.finish();
        if !self.hashes.insert(hash) {
            return false;
        }
        self.order.push_back(hash);
        if self.order.len() > Self::CAP
            && let Some(old) = self.order.pop_front()
        {
            self.hashes.remove(&old);
        }
        true
    }
}

enum SocketEnd {
    Cancelled,
    Renew,
    Dropped(String),
}

/// Runs a notifications session until `cancel` fires.
pub async fn run_session<A: NotificationsApi>(
    api: A,
    options: SessionOptions,
    mut commands: mpsc::UnboundedReceiver<WatchCommand>,
    events: mpsc::UnboundedSender<NotifierEvent>,
    cancel: CancellationToken,
) {
    let mut watched = Watched::default();
    let mut seen = Seen::default();
    let mut backoff = options.backoff_initial;
    loop {
        let outcome = connect_and_serve(&api, &options, &mut watched, &mut seen, &mut commands, &events, &cancel).await;
        match outcome {
            SocketEnd::Cancelled => return,
            SocketEnd::Renew => {
                backoff = options.backoff_initial;
                continue;
            }
            SocketEnd::Dropped(error) => {
                let _ = events.send(NotifierEvent::Disconnected { error, retry_in: backoff });
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(options.backoff_max);
            }
        }
    }
}

async fn connect_and_serve<A: NotificationsApi>(
    api: &A,
    options: &SessionOptions,
    watched: &mut Watched,
    seen: &mut Seen,
    commands: &mut mpsc::UnboundedReceiver<WatchCommand>,
    events: &mpsc::UnboundedSender<NotifierEvent>,
    cancel: &CancellationToken,
) -> SocketEnd {
    let channel = match api.create_channel().await {
        Ok(channel) => channel,
        Err(e) => return SocketEnd::Dropped(format!("creating the notification channel failed: {e}")),
    };
    let (mut socket, _) = match tokio_tungstenite::connect_async(channel.connect_uri.as_str()).await {
        Ok(ok) => ok,
        Err(e) => return SocketEnd::Dropped(format!("opening the notification socket failed: {e}")),
    };
    let topics = watched.topics();
    if !topics.is_empty() {
        match api.replace_subscriptions(&channel.id, &topics).await {
            Ok(answer) => report_rejections(&answer, events),
            Err(e) => return SocketEnd::Dropped(format!("subscribing to conversation events failed: {e}")),
        }
    }
    let _ = events.send(NotifierEvent::Connected { channel_id: channel.id.clone(), topics: topics.len() });
    let renew = tokio::time::sleep(lifetime_of(&channel, options));
    tokio::pin!(renew);
    loop {
        tokio::select! {
            _ = cancel.cancelled() => {
                let _ = socket.close(None).await;
                return SocketEnd::Cancelled;
            }
            _ = &mut renew => {
                let _ = socket.close(None).await;
                return SocketEnd::Renew;
            }
            command = commands.recv() => match command {
                None => {
                    let _ = socket.close(None).await;
                    return SocketEnd::Cancelled;
                }
                Some(WatchCommand::Watch(conversation_id)) => match watched.add(&conversation_id, options.topic_cap) {
                    Ok(evicted) => {
                        let result = if evicted.is_empty() {
                            let new: Vec<String> = CONVERSATION_TOPICS.iter().map(|s| conversation_topic(&conversation_id, s)).collect();
                            api.add_subscriptions(&channel.id, &new).await
                        } else {
                            api.replace_subscriptions(&channel.id, &watched.topics()).await
                        };
                        match result {
                            Ok(answer) => report_rejections(&answer, events),
                            Err(e) => return SocketEnd::Dropped(format!("subscribing to conversation {conversation_id} failed: {e}")),
                        }
                    }
                    Err(message) => {
                        let _ = events.send(NotifierEvent::WatchFailed { conversation_id, message });
                    }
                },
                Some(WatchCommand::Unwatch(conversation_id)) => {
                    if watched.remove(&conversation_id)
                        && let Err(e) = api.replace_subscriptions(&channel.id, &watched.topics()).await
                    {
                        return SocketEnd::Dropped(format!("unsubscribing conversation {conversation_id} failed: {e}"));
                    }
                }
            },
            message = socket.next() => match message {
                None => return SocketEnd::Dropped("the notification socket closed".into()),
                Some(Err(e)) => return SocketEnd::Dropped(format!("the notification socket failed: {e}")),
                Some(Ok(Message::Text(text))) => {
                    if text.contains("\"channel.metadata\"") {
                        let _ = events.send(NotifierEvent::Heartbeat);
                        continue;
                    }
                    match parse_message(text.as_str()) {
                        Ok(Some(_)) if !seen.first_time(text.as_str()) => {}
                        Ok(Some(event)) => {
                            if event.kind.ends_conversation() {
                                watched.mark_ended(&event.conversation_id);
                            }
                            let _ = events.send(NotifierEvent::Presence(event));
                        }
                        Ok(None) => {}
                        Err(e) => tracing::debug!("ignoring a notification: {e}"),
                    }
                }
                Some(Ok(Message::Close(frame))) => {
                    let reason = frame.map(|f| f.reason.to_string()).unwrap_or_default();
                    return SocketEnd::Dropped(format!("the notification socket was closed by the server {reason}").trim_end().to_string());
                }
                Some(Ok(_)) => {}
            },
        }
    }
}

/// The Genesys client speaks the REST side with its token cache, retries and
/// traffic recording (API.md §7).
impl NotificationsApi for super::Client {
    async fn create_channel(&self) -> Result<Channel, String> {
        let path = "/api/v2/notifications/channels";
        self.api_json::<(), Channel>(super::Step::Notifications, reqwest::Method::POST, path, None)
            .await
            .map(|(channel, _)| channel)
            .map_err(|e| e.user_message())
    }

    async fn add_subscriptions(&self, channel_id: &str, topics: &[String]) -> Result<Vec<ChannelTopic>, String> {
        subscribe(self, reqwest::Method::POST, channel_id, topics).await
    }

    async fn replace_subscriptions(&self, channel_id: &str, topics: &[String]) -> Result<Vec<ChannelTopic>, String> {
        subscribe(self, reqwest::Method::PUT, channel_id, topics).await
    }
}

async fn subscribe(
    client: &super::Client,
    method: reqwest::Method,
    channel_id: &str,
    topics: &[String],
) -> Result<Vec<ChannelTopic>, String> {
    let path = format!("/api/v2/notifications/channels/{channel_id}/subscriptions");
    let body: Vec<serde_json::Value> = topics.iter().map(|t| serde_json::json!({ "id": t })).collect();
    let (answer, _) = client
        .api_json::<_, serde_json::Value>(super::Step::Notifications, method, &path, Some(&body))
        .await
        .map_err(|e| e.user_message())?;
    parse_topics(&answer.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_user_start_sample() {
        let text = include_str!("../../assets/emulator/samples/notification-user-start.json");
        let event = parse_message(text).unwrap().unwrap();
        assert_eq!(event.conversation_id, "d06cb41e-f938-4dcf-b823-c8af1a39d7e5");
        assert_eq!(
            event.kind,
            PresenceKind::AgentJoined { user_id: Some("3e23b1b3-325f-4fbd-8fe0-e88416850c0e".into()) }
        );
        assert_eq!(event.at.unix_timestamp(), 1_736_935_262);
        let heartbeat = include_str!("../../assets/emulator/samples/notification-heartbeat.json");
        assert_eq!(parse_message(heartbeat).unwrap(), None);
    }

    #[test]
    fn describes_timeline_lines() {
        let wrap = PresenceKind::WrapUp { code: Some("Resolved".into()), notes: None, duration_ms: Some(75_000) };
        assert_eq!(wrap.describe(None), "Wrap-up: Resolved (1m 15s)");
        assert_eq!(PresenceKind::AgentJoined { user_id: Some("u1".into()) }.describe(Some("Ada")), "Agent Ada joined");
        assert_eq!(PresenceKind::AgentLeft { user_id: None }.describe(None), "Agent left");
        assert_eq!(PresenceKind::Queued { queue_id: None }.describe(None), "Queued");
    }

    #[test]
    fn the_topic_cap_evicts_ended_conversations_first() {
        let mut w = Watched::default();
        let cap = 3 * CONVERSATION_TOPICS.len();
        for c in ["a", "b", "c"] {
            assert!(w.add(c, cap).unwrap().is_empty());
        }
        assert!(w.add("d", cap).unwrap_err().contains("have not ended"));
        w.mark_ended("b");
        assert_eq!(w.add("d", cap).unwrap(), vec!["b".to_string()]);
        assert_eq!(w.topic_count(), cap);
        assert!(w.topics().contains(&conversation_topic("d", "acw")));
        assert!(!w.topics().contains(&conversation_topic("b", "acw")));
    }

    #[test]
    fn rejection_names_the_permission() {
        let t = ChannelTopic {
            id: conversation_topic("c1", "user.start"),
            state: Some("Rejected".into()),
            rejection_reason: Some("Missing permissions".into()),
            missing_permissions: vec!["analytics:conversationDetail:view".into()],
        };
        assert!(t.is_rejected());
        let m = rejection_message(&t);
        assert!(m.contains("analytics:conversationDetail:view") && m.contains("OAuth client"), "{m}");
    }
}
