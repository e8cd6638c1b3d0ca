//! A local Genesys Cloud: OAuth, integrations, inbound endpoints, a scripted
//! agent that answers on the webhook with signed deliveries.
//!
//! It speaks the public Genesys Cloud API, with the request and response
//! models of the official SDK
//! (https://github.com/MyPureCloud/platform-client-sdk-python/tree/master/build/docs),
//! as strictly as a live org, so the app talks to it with exactly the same
//! client code as to a real org. Faults can be
//! injected at run time ([`Faults`]) so retries and error messages are tested
//! for real.
//!
//! - [`EmulatorConfig`]: credentials, integration, permissions, delivery rules,
//!   agent delays, typing setting, threading timeline, rate limit.
//! - [`router`]: the axum router (for `oneshot` tests); [`Emulator::start`]: a real server.
//! - [`agent`]: the scripted agent and Genesys' webhook delivery rules.

pub mod agent;
mod config;
mod created;
mod events;
mod faults;
pub mod notifications;
pub mod outbound;
pub mod retry;
pub mod rich;
mod routes;
pub mod script;
mod sent;
mod validate;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use parking_lot::Mutex;
use std::time::Instant;

use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

pub use config::{DEFAULT_THREADING_TIMELINE, EmulatorConfig, MESSAGING_SETTING_ID, Permission};
pub use created::CreatedIntegration;
pub use events::{DeliveryOutcome, DeliveryRecord, EmulatorEvent, RequestRecord};
pub use faults::Faults;
pub use routes::router;

/// The PNG the agent sends back, served at `/api/v2/downloads/{id}`.
pub const AGENT_IMAGE: &[u8] = include_bytes!("../../assets/emulator/agent.png");

struct Shared {
    config: Mutex<EmulatorConfig>,
    base_url: String,
    faults: Faults,
    /// Issued tokens and when they expire (shared with the notification hub's token check).
    tokens: Arc<Mutex<HashMap<String, Instant>>>,
    notifications: notifications::NotificationHub,
    /// Customer id → that customer's latest conversation.
    conversations: Mutex<HashMap<String, Conversation>>,
    /// OAuth client id → its rate-limit window.
    rate_windows: Mutex<HashMap<String, RateWindow>>,
    /// The newest [`LOG_CAP`] requests and deliveries (the app runs the
    /// emulator for as long as it is open).
    requests: Mutex<std::collections::VecDeque<RequestRecord>>,
    deliveries: Mutex<std::collections::VecDeque<DeliveryRecord>>,
    events: broadcast::Sender<EmulatorEvent>,
    http: reqwest::Client,
    cancel: CancellationToken,
    created: created::Created,
    /// The agent's messages and their delivery status (message details).
    sent: sent::SentMessages,
}

/// The emulator's state; cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct EmulatorState {
    shared: Arc<Shared>,
}

/// True when `headers` carry `Authorization: bearer <token>` with a token
/// this emulator issued and that has not expired.
fn token_valid(tokens: &Mutex<HashMap<String, Instant>>, headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .and_then(|(_, t)| tokens.lock().get(t.trim()).copied())
        .is_some_and(|expires| Instant::now() < expires)
}

impl EmulatorState {
    /// State for a server whose own address is `base_url` (download links).
    pub fn new(config: EmulatorConfig, base_url: &str) -> EmulatorState {
        let base_url = config.public_base.clone().unwrap_or_else(|| base_url.trim_end_matches('/').to_string());
        let (events, _) = broadcast::channel(1024);
        let tokens: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
        let token_check = tokens.clone();
        let notifications = notifications::NotificationHub::new(notifications::HubConfig {
            heartbeat: config.notifications_heartbeat,
            missing_permissions: config.notifications_missing_permissions.clone(),
            authorize: Some(Arc::new(move |headers: &axum::http::HeaderMap| token_valid(&token_check, headers))),
        });
        // The delivery timeout is applied per request, from the config at that time.
        let http = reqwest::Client::builder().build().unwrap_or_else(|_| reqwest::Client::new());
        EmulatorState {
            shared: Arc::new(Shared {
                config: Mutex::new(config),
                base_url,
                faults: Faults::default(),
                tokens,
                notifications,
                conversations: Mutex::new(HashMap::new()),
                rate_windows: Mutex::new(HashMap::new()),
                requests: Mutex::new(std::collections::VecDeque::new()),
                deliveries: Mutex::new(std::collections::VecDeque::new()),
                events,
                http,
                cancel: CancellationToken::new(),
                created: created::Created::default(),
                sent: sent::SentMessages::default(),
            }),
        }
    }

    /// A copy of the current configuration.
    pub fn config(&self) -> EmulatorConfig {
        self.shared.config.lock().clone()
    }

    /// Changes the configuration (e.g. the webhook URL) while running.
    pub fn update_config(&self, f: impl FnOnce(&mut EmulatorConfig)) {
        f(&mut self.shared.config.lock());
    }

    pub fn faults(&self) -> Faults {
        self.shared.faults.clone()
    }

    /// Every access token issued so far (tests check none of them reaches a log).
    pub fn issued_tokens(&self) -> Vec<String> {
        self.shared.tokens.lock().keys().cloned().collect()
    }

    /// Integrations created through `POST .../integrations/open`.
    pub fn created(&self) -> Vec<CreatedIntegration> {
        self.shared.created.all()
    }

    /// The Notifications API side (channels, subscriptions, socket events).
    pub fn notifications(&self) -> &notifications::NotificationHub {
        &self.shared.notifications
    }

    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The requests handled so far (the newest [`LOG_CAP`]).
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.requests.lock().iter().cloned().collect()
    }

    /// The finished webhook deliveries so far (the newest [`LOG_CAP`]).
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.shared.deliveries.lock().iter().cloned().collect()
    }

    /// Live events (requests, delivery attempts, deliveries).
    pub fn subscribe(&self) -> broadcast::Receiver<EmulatorEvent> {
        self.shared.events.subscribe()
    }

    fn emit(&self, event: EmulatorEvent) {
        match &event {
            EmulatorEvent::Request(r) => keep_newest(&mut self.shared.requests.lock(), r.clone()),
            EmulatorEvent::Delivery(d) => keep_newest(&mut self.shared.deliveries.lock(), d.clone()),
            EmulatorEvent::DeliveryAttempt { .. } | EmulatorEvent::ConversationEnded { .. } => {}
        }
        // No subscriber is fine.
        let _ = self.shared.events.send(event);
    }

    /// The customer's conversation disconnected (the agent left). A message
    /// within the threading timeline continues it; a later one starts a new
    /// conversation (see [`EmulatorState::conversation_for`]).
    pub(crate) fn end_conversation(&self, customer_id: &str) {
        let ended = self.shared.conversations.lock().get_mut(customer_id).map(|c| {
            c.disconnected_at = Some(Instant::now());
            c.id.clone()
        });
        if let Some(conversation_id) = ended {
            self.emit(EmulatorEvent::ConversationEnded { customer_id: customer_id.to_string(), conversation_id });
        }
    }

    /// The conversation a new message from `customer_id` belongs to, and
    /// whether routing starts for it (a new conversation, or a disconnected
    /// one that the message re-opens).
    ///
    /// Genesys: "While the existing conversation is still connected, the
    /// timeline is not used. After the conversation disconnects, a message
    /// that arrives after the timeout starts a new conversation."
    /// (https://github.com/MyPureCloud/platform-client-sdk-python/blob/master/build/docs/ConversationsApi.md,
    /// get_conversations_messaging_threadingtimeline). That a message within
    /// the timeline keeps the same conversation id is what that text implies;
    /// it is not stated outright.
    pub(crate) fn conversation_for(&self, customer_id: &str) -> (String, bool) {
        let timeline = self.config().threading_timeline;
        let mut conversations = self.shared.conversations.lock();
        let now = Instant::now();
        match conversations.get_mut(customer_id) {
            Some(c) if c.disconnected_at.is_none() => (c.id.clone(), false),
            Some(c) if c.disconnected_at.is_some_and(|at| now.duration_since(at) < timeline) => {
                c.disconnected_at = None;
                (c.id.clone(), true)
            }
            _ => {
                let id = uuid::Uuid::new_v4().to_string();
                conversations.insert(customer_id.to_string(), Conversation { id: id.clone(), disconnected_at: None });
                (id, true)
            }
        }
    }

    fn permitted(&self, p: Permission) -> bool {
        self.shared.config.lock().permissions.contains(&p) && !self.shared.faults.lock().denied.contains(&p)
    }
}

/// A customer's latest conversation.
#[derive(Debug, Clone)]
struct Conversation {
    id: String,
    /// When the agent left; `None` while connected.
    disconnected_at: Option<Instant>,
}

/// Requests one OAuth client made in the current rate-limit window.
#[derive(Debug, Clone, Copy)]
struct RateWindow {
    started: Instant,
    count: u32,
}

/// Starts emulators.
pub struct Emulator;

impl Emulator {
    /// Binds `addr` (use port 0 in tests) and serves until shut down.
    pub async fn start(addr: SocketAddr, config: EmulatorConfig) -> std::io::Result<RunningEmulator> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let state = EmulatorState::new(config, &format!("http://{addr}"));
        let cancel = state.shared.cancel.clone();
        let app = router(state.clone());
        let shutdown = cancel.clone();
        let task = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(shutdown.cancelled_owned()).await {
                tracing::warn!(error = %e, "emulator server stopped with an error");
            }
        });
        tracing::info!(%addr, "emulator listening");
        Ok(RunningEmulator { addr, state, cancel, task: Some(task) })
    }
}

/// A running emulator. Dropping it without [`RunningEmulator::shutdown`]
/// stops it too (the server task is cancelled).
pub struct RunningEmulator {
    addr: SocketAddr,
    state: EmulatorState,
    cancel: CancellationToken,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl RunningEmulator {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`: the Host URL of an account that uses it.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn state(&self) -> &EmulatorState {
        &self.state
    }

    pub fn faults(&self) -> Faults {
        self.state.faults()
    }

    pub fn requests(&self) -> Vec<RequestRecord> {
        self.state.requests()
    }

    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        self.state.deliveries()
    }

    pub fn subscribe(&self) -> broadcast::Receiver<EmulatorEvent> {
        self.state.subscribe()
    }

    pub fn update_config(&self, f: impl FnOnce(&mut EmulatorConfig)) {
        self.state.update_config(f);
    }

    /// Stops accepting requests, cancels agent deliveries and waits for the server.
    pub async fn shutdown(mut self) {
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            // A panicked server task has nothing left to clean up.
            let _ = task.await;
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Requests and deliveries the emulator remembers for [`RunningEmulator::requests`] and `deliveries`.
pub const LOG_CAP: usize = 10_000;

fn keep_newest<T>(log: &mut std::collections::VecDeque<T>, item: T) {
    if log.len() == LOG_CAP {
        log.pop_front();
    }
    log.push_back(item);
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn state(threading_timeline: Duration) -> EmulatorState {
        EmulatorState::new(EmulatorConfig { threading_timeline, ..EmulatorConfig::default() }, "http://emu.test")
    }

    #[test]
    fn a_message_within_the_threading_timeline_continues_the_disconnected_conversation() {
        let s = state(Duration::from_secs(72 * 3600));
        let mut events = s.subscribe();
        let (first, starts) = s.conversation_for("c1");
        assert!(starts, "a new conversation is routed");
        assert_eq!(s.conversation_for("c1"), (first.clone(), false), "still connected: same, no new routing");
        s.end_conversation("c1");
        match events.try_recv().unwrap() {
            EmulatorEvent::ConversationEnded { customer_id, conversation_id } => {
                assert_eq!((customer_id.as_str(), conversation_id.as_str()), ("c1", first.as_str()));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(s.conversation_for("c1"), (first.clone(), true), "re-opened and routed again");
        assert_eq!(s.conversation_for("c1"), (first, false));
        assert_ne!(s.conversation_for("c2").0, s.conversation_for("c1").0, "another customer, another conversation");
    }

    #[test]
    fn a_message_after_the_threading_timeline_starts_a_new_conversation() {
        let s = state(Duration::ZERO);
        let (first, _) = s.conversation_for("c1");
        assert_eq!(s.conversation_for("c1").0, first, "the timeline only counts once disconnected");
        s.end_conversation("c1");
        let (second, starts) = s.conversation_for("c1");
        assert_ne!(second, first);
        assert!(starts);
    }

    #[test]
    fn the_request_log_keeps_the_newest() {
        let mut log = std::collections::VecDeque::new();
        (0..=LOG_CAP).for_each(|i| keep_newest(&mut log, i));
        assert_eq!((log.len(), log.front(), log.back()), (LOG_CAP, Some(&1), Some(&LOG_CAP)));
    }
}
