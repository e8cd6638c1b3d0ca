//! The emulator's Notifications API: channels, subscriptions and a WebSocket
//! that carries the scripted agent's detail events, with Genesys' rules
//! (<https://github.com/MyPureCloud/platform-client-sdk-python/blob/master/build/docs/NotificationsApi.md>):
//!
//! - Without `ignoreErrors=true`, a subscription request with any topic that
//!   fails its permission check is answered 403 as a whole and subscribes
//!   nothing; with it, each topic comes back `Permitted` or `Rejected` with
//!   its `missingPermissions`.
//! - 20 channels per client: creating a 21st removes the least recently used
//!   one, channels without an open socket first.
//! - Events are sent only to sockets subscribed when they happen: nothing is
//!   replayed to a late subscriber (it reads the conversation instead, see
//!   [`conversation`]).

mod channels;
mod conversation;
mod socket;
mod topics;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use parking_lot::Mutex;
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::{Value, json};
use time::OffsetDateTime;
use tokio::sync::mpsc;

use conversation::Conversations;

/// Decides whether a request carries a valid bearer token.
pub type Authorize = Arc<dyn Fn(&HeaderMap) -> bool + Send + Sync>;

/// Channels one OAuth client may hold (the create-channel doc's limit).
pub const CHANNEL_CAP: usize = 20;

/// The permission the emulator names when it withholds conversation detail
/// events. Which permission real Genesys requires for these topics is runtime
/// data (`GET /api/v2/notifications/availabletopics?expand=requiresPermissions`)
/// that the SDK does not record: this name is an assumption.
pub const DETAIL_EVENTS_PERMISSION: &str = "analytics:conversationDetail:view";

/// How the emulator's notification service behaves.
#[derive(Clone)]
pub struct HubConfig {
    /// Heartbeat interval on every socket (Genesys: about 30 s).
    pub heartbeat: Duration,
    /// When not empty, detail-event topics are refused for these missing permissions.
    pub missing_permissions: Vec<String>,
    /// Token check for the REST endpoints (None: accept any request).
    pub authorize: Option<Authorize>,
}

impl Default for HubConfig {
    fn default() -> Self {
        Self { heartbeat: Duration::from_secs(30), missing_permissions: Vec::new(), authorize: None }
    }
}

enum Outgoing {
    Text(String),
    Close,
}

struct HubChannel {
    topics: BTreeSet<String>,
    socket: Option<mpsc::UnboundedSender<Outgoing>>,
    last_used: Instant,
}

#[derive(Default)]
struct HubState {
    channels: HashMap<String, HubChannel>,
    channels_created: usize,
    /// Sockets stay open but send nothing (fault: a silently dead connection).
    muted: bool,
    conversations: Conversations,
}

/// Shared by the emulator's routes and its scripted agent.
#[derive(Clone)]
pub struct NotificationHub {
    config: HubConfig,
    state: Arc<Mutex<HubState>>,
}

impl NotificationHub {
    pub fn new(config: HubConfig) -> Self {
        Self { config, state: Arc::new(Mutex::new(HubState::default())) }
    }

    fn lock(&self) -> parking_lot::MutexGuard<'_, HubState> {
        self.state.lock()
    }

    /// Routes to merge into the emulator's router.
    pub fn routes(&self) -> Router {
        Router::new()
            .route("/api/v2/notifications/channels", post(channels::create_channel))
            .route("/api/v2/notifications/availabletopics", get(topics::available_topics))
            .route(
                "/api/v2/notifications/channels/{id}/subscriptions",
                get(channels::list_subscriptions)
                    .post(channels::add_subscriptions)
                    .put(channels::replace_subscriptions)
                    .delete(channels::delete_subscriptions),
            )
            .route("/api/v2/conversations/messages/{id}", get(conversation::get_conversation))
            .route("/channels/{id}", get(socket::open_socket))
            .with_state(self.clone())
    }

    /// Sends a detail event of `conversation_id` to every socket subscribed to
    /// it now, and updates the conversation's participants. Returns how many sockets got it.
    pub fn publish(&self, conversation_id: &str, suffix: &str, mut body: Value) -> usize {
        let topic = format!("v2.detail.events.conversation.{conversation_id}.{suffix}");
        if let Value::Object(map) = &mut body {
            map.entry("eventTime").or_insert_with(|| json!(now_ms()));
            map.entry("conversationId").or_insert_with(|| json!(conversation_id));
            map.entry("mediaType").or_insert_with(|| json!("MESSAGE"));
            map.entry("messageType").or_insert_with(|| json!("OPEN"));
        }
        let mut state = self.lock();
        state.conversations.apply(conversation_id, suffix, &body);
        if state.muted {
            return 0;
        }
        let envelope = json!({
            "topicName": topic,
            "version": "2",
            "eventBody": body,
            "metadata": { "CorrelationId": uuid::Uuid::new_v4().to_string() },
        })
        .to_string();
        state
            .channels
            .values()
            .filter(|c| c.topics.contains(&topic))
            .filter_map(|c| c.socket.as_ref())
            .filter(|s| s.send(Outgoing::Text(envelope.clone())).is_ok())
            .count()
    }

    /// A conversation with its customer exists from the first inbound message.
    pub fn open_conversation(&self, conversation_id: &str, customer_id: &str) {
        self.lock().conversations.open(conversation_id, customer_id);
    }

    /// Fault injection: the server closes every open socket (the channels stay).
    pub fn drop_sockets(&self) {
        let mut state = self.lock();
        for channel in state.channels.values_mut() {
            if let Some(socket) = channel.socket.take() {
                let _ = socket.send(Outgoing::Close);
            }
        }
    }

    /// Fault injection: sends `v2.system.socket_closing` on every socket, as
    /// Genesys does about a minute before closing it for maintenance.
    pub fn announce_socket_closing(&self) {
        let text = json!({ "topicName": "v2.system.socket_closing", "eventBody": { "message": "Socket closing" } });
        self.send_to_sockets(|| Outgoing::Text(text.to_string()));
    }

    /// Fault injection: sockets stay open but nothing (not even a heartbeat) is sent.
    pub fn set_muted(&self, muted: bool) {
        self.lock().muted = muted;
    }

    /// Fault injection: the channel is removed (expired or evicted).
    pub fn remove_channel(&self, channel_id: &str) {
        if let Some(channel) = self.lock().channels.remove(channel_id)
            && let Some(socket) = channel.socket
        {
            let _ = socket.send(Outgoing::Close);
        }
    }

    fn send_to_sockets(&self, message: impl Fn() -> Outgoing) {
        let mut state = self.lock();
        for channel in state.channels.values_mut() {
            if let Some(socket) = &channel.socket
                && socket.send(message()).is_err()
            {
                channel.socket = None;
            }
        }
    }

    /// How many channels have been created so far (tests watch reconnects with it).
    pub fn channels_created(&self) -> usize {
        self.lock().channels_created
    }

    /// Channels that exist now.
    pub fn channel_ids(&self) -> Vec<String> {
        self.lock().channels.keys().cloned().collect()
    }

    /// True while a socket is open on `channel_id`.
    pub fn has_socket(&self, channel_id: &str) -> bool {
        self.lock().channels.get(channel_id).is_some_and(|c| c.socket.as_ref().is_some_and(|s| !s.is_closed()))
    }

    /// Topics of all channels that have an open socket.
    pub fn live_topics(&self) -> BTreeSet<String> {
        let state = self.lock();
        state.channels.values().filter(|c| c.socket.is_some()).flat_map(|c| c.topics.iter().cloned()).collect()
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        self.config.authorize.as_ref().is_none_or(|check| check(headers))
    }

    fn is_permitted(&self, topic: &str) -> bool {
        self.config.missing_permissions.is_empty() || !topic.starts_with("v2.detail.events.")
    }

    fn topic_json(&self, topic: &str) -> Value {
        if self.is_permitted(topic) {
            json!({ "id": topic, "state": "Permitted" })
        } else {
            json!({ "id": topic, "state": "Rejected", "rejectionReason": "Missing permissions",
                    "missingPermissions": self.config.missing_permissions })
        }
    }
}

fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// A Genesys `ErrorBody`, from the emulator's one builder.
fn error(status: StatusCode, code: &str, message: &str, params: Value) -> Response {
    let params = match params {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    };
    super::routes::errors::error_body(status, code, message, params, Vec::new())
}

fn unauthorized() -> Response {
    error(StatusCode::UNAUTHORIZED, "bad.credentials", "Invalid login credentials.", json!({}))
}

fn channel_not_found(id: &str) -> Response {
    error(StatusCode::NOT_FOUND, "not.found", &format!("Channel {id} does not exist or expired"), json!({}))
}
