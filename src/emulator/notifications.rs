//! The emulator's Notifications API (API.md §7): channels, subscriptions and a
//! WebSocket that carries the scripted agent's detail events.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use tokio::sync::mpsc;

/// Decides whether a request carries a valid bearer token.
pub type Authorize = Arc<dyn Fn(&HeaderMap) -> bool + Send + Sync>;

/// How the emulator's notification service behaves.
#[derive(Clone)]
pub struct HubConfig {
    /// Heartbeat interval on every socket (Genesys: about 30 s).
    pub heartbeat: Duration,
    /// When not empty, detail-event topics are `Rejected` with these missing permissions.
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

#[derive(Default)]
struct HubChannel {
    topics: BTreeSet<String>,
    socket: Option<mpsc::UnboundedSender<Outgoing>>,
}

/// How long published events are kept for late subscribers.
const RETAIN_FOR: Duration = Duration::from_secs(60);
const RETAIN_MAX: usize = 500;

#[derive(Default)]
struct HubState {
    channels: HashMap<String, HubChannel>,
    channels_created: usize,
    /// Recent events (when, topic, envelope). The scripted agent acts in
    /// milliseconds where a person takes seconds, so a client that subscribes
    /// right after learning the conversation id would miss the first events;
    /// the emulator hands them to late subscribers of the topic.
    recent: std::collections::VecDeque<(std::time::Instant, String, String)>,
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

    fn lock(&self) -> std::sync::MutexGuard<'_, HubState> {
        // A panic while holding the lock cannot leave the maps half-written in a harmful way.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Routes to merge into the emulator's router.
    pub fn routes(&self) -> Router {
        Router::new()
            .route("/api/v2/notifications/channels", post(create_channel))
            .route(
                "/api/v2/notifications/channels/{id}/subscriptions",
                get(list_subscriptions).post(add_subscriptions).put(replace_subscriptions).delete(delete_subscriptions),
            )
            .route("/channels/{id}", get(open_socket))
            .with_state(self.clone())
    }

    /// Sends a detail event of `conversation_id` to every socket subscribed to it.
    /// Returns how many sockets got it.
    pub fn publish(&self, conversation_id: &str, suffix: &str, mut body: Value) -> usize {
        let topic = format!("v2.detail.events.conversation.{conversation_id}.{suffix}");
        if let Value::Object(map) = &mut body {
            map.entry("eventTime").or_insert_with(|| json!(now_ms()));
            map.entry("conversationId").or_insert_with(|| json!(conversation_id));
            map.entry("mediaType").or_insert_with(|| json!("MESSAGE"));
            map.entry("messageType").or_insert_with(|| json!("OPEN"));
        }
        let envelope = json!({
            "topicName": topic,
            "version": "2",
            "eventBody": body,
            "metadata": { "CorrelationId": uuid::Uuid::new_v4().to_string() },
        })
        .to_string();
        let mut state = self.lock();
        let now = std::time::Instant::now();
        state.recent.retain(|(at, _, _)| now.duration_since(*at) < RETAIN_FOR);
        if state.recent.len() >= RETAIN_MAX {
            state.recent.pop_front();
        }
        state.recent.push_back((now, topic.clone(), envelope.clone()));
        state
            .channels
            .values()
            .filter(|c| c.topics.contains(&topic))
            .filter_map(|c| c.socket.as_ref())
            .filter(|s| s.send(Outgoing::Text(envelope.clone())).is_ok())
            .count()
    }

    /// Fault injection: the server closes every open socket.
    pub fn drop_sockets(&self) {
        let mut state = self.lock();
        for channel in state.channels.values_mut() {
            if let Some(socket) = channel.socket.take() {
                let _ = socket.send(Outgoing::Close);
            }
        }
    }

    /// How many channels have been created so far (tests watch reconnects with it).
    pub fn channels_created(&self) -> usize {
        self.lock().channels_created
    }

    /// Topics of all channels that have an open socket.
    pub fn live_topics(&self) -> BTreeSet<String> {
        let state = self.lock();
        state.channels.values().filter(|c| c.socket.is_some()).flat_map(|c| c.topics.iter().cloned()).collect()
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        self.config.authorize.as_ref().is_none_or(|check| check(headers))
    }

    fn topic_answer(&self, topics: &[String]) -> Value {
        let entities: Vec<Value> = topics
            .iter()
            .map(|t| {
                if !self.config.missing_permissions.is_empty() && t.starts_with("v2.detail.events.") {
                    json!({ "id": t, "state": "Rejected", "rejectionReason": "Missing permissions",
                            "missingPermissions": self.config.missing_permissions })
                } else {
                    json!({ "id": t, "state": "Permitted" })
                }
            })
            .collect();
        json!({ "entities": entities })
    }

    fn permitted(&self, topics: Vec<String>) -> Vec<String> {
        topics
            .into_iter()
            .filter(|t| self.config.missing_permissions.is_empty() || !t.starts_with("v2.detail.events."))
            .collect()
    }
}

fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "message": message, "code": code, "status": status.as_u16() }))).into_response()
}

fn unauthorized() -> Response {
    error(StatusCode::UNAUTHORIZED, "bad.credentials", "Invalid login credentials.")
}

async fn create_channel(State(hub): State<NotificationHub>, headers: HeaderMap) -> Response {
    if !hub.authorized(&headers) {
        return unauthorized();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1").to_string();
    let id = format!("streaming-0-{}", uuid::Uuid::new_v4().simple());
    let expires = OffsetDateTime::now_utc() + time::Duration::hours(24);
    let expires = expires.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    {
        let mut state = hub.lock();
        state.channels.insert(id.clone(), HubChannel::default());
        state.channels_created += 1;
    }
    Json(json!({ "id": id, "connectUri": format!("ws://{host}/channels/{id}"), "expires": expires })).into_response()
}

#[derive(Deserialize)]
struct TopicRef {
    id: String,
}

fn topics_of(body: &[u8]) -> Result<Vec<String>, String> {
    serde_json::from_slice::<Vec<TopicRef>>(body)
        .map(|v| v.into_iter().map(|t| t.id).collect())
        .map_err(|e| format!("The request body must be a list of {{\"id\": topic}}: {e}"))
}

async fn change_subscriptions(
    hub: NotificationHub,
    headers: HeaderMap,
    id: String,
    body: &[u8],
    replace: bool,
) -> Response {
    if !hub.authorized(&headers) {
        return unauthorized();
    }
    let topics = match topics_of(body) {
        Ok(t) => t,
        Err(message) => return error(StatusCode::BAD_REQUEST, "bad.request", &message),
    };
    let answer = hub.topic_answer(&topics);
    let permitted = hub.permitted(topics);
    let mut state = hub.lock();
    let HubState { channels, recent, .. } = &mut *state;
    let Some(channel) = channels.get_mut(&id) else {
        return error(StatusCode::NOT_FOUND, "not.found", &format!("Channel {id} does not exist or expired"));
    };
    let before = if replace { std::mem::take(&mut channel.topics) } else { channel.topics.clone() };
    channel.topics.extend(permitted);
    if let Some(socket) = &channel.socket {
        for (_, topic, envelope) in recent.iter() {
            if channel.topics.contains(topic) && !before.contains(topic) {
                let _ = socket.send(Outgoing::Text(envelope.clone()));
            }
        }
    }
    Json(answer).into_response()
}

async fn add_subscriptions(
    State(hub): State<NotificationHub>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    change_subscriptions(hub, headers, id, &body, false).await
}

async fn replace_subscriptions(
    State(hub): State<NotificationHub>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    change_subscriptions(hub, headers, id, &body, true).await
}

async fn list_subscriptions(
    State(hub): State<NotificationHub>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !hub.authorized(&headers) {
        return unauthorized();
    }
    let topics: Vec<String> =
        hub.lock().channels.get(&id).map(|c| c.topics.iter().cloned().collect()).unwrap_or_default();
    Json(hub.topic_answer(&topics)).into_response()
}

async fn delete_subscriptions(
    State(hub): State<NotificationHub>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !hub.authorized(&headers) {
        return unauthorized();
    }
    if let Some(channel) = hub.lock().channels.get_mut(&id) {
        channel.topics.clear();
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn open_socket(
    State(hub): State<NotificationHub>,
    Path(id): Path<String>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let (tx, rx) = mpsc::unbounded_channel();
    {
        let mut state = hub.lock();
        let Some(channel) = state.channels.get_mut(&id) else {
            return error(StatusCode::NOT_FOUND, "not.found", &format!("Channel {id} does not exist or expired"));
        };
        if let Some(old) = channel.socket.replace(tx) {
            let _ = old.send(Outgoing::Close);
        }
    }
    let heartbeat = hub.config.heartbeat;
    upgrade.on_upgrade(move |socket| serve_socket(socket, rx, heartbeat))
}

async fn serve_socket(mut socket: WebSocket, mut rx: mpsc::UnboundedReceiver<Outgoing>, heartbeat: Duration) {
    let beat =
        json!({ "topicName": "channel.metadata", "eventBody": { "message": "WebSocket Heartbeat" } }).to_string();
    let mut ticker = tokio::time::interval(heartbeat);
    ticker.tick().await;
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Outgoing::Text(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Some(Outgoing::Close) | None => {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
            },
            _ = ticker.tick() => {
                if socket.send(Message::Text(beat.clone().into())).await.is_err() {
                    return;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
