//! A local Genesys Cloud: OAuth, integrations, inbound endpoints, a scripted
//! agent that answers on the webhook with signed deliveries.
//!
//! It speaks the documented API (../shared/genesys/API.md) so the app talks
//! to it with exactly the same client code as to a real org. Faults can be
//! injected at run time ([`Faults`]) so retries and error messages are tested
//! for real.
//!
//! - [`EmulatorConfig`]: credentials, integration, permissions, delivery rules, agent delays.
//! - [`router`]: the axum router (for `oneshot` tests); [`Emulator::start`]: a real server.
//! - [`agent`]: the scripted agent and Genesys' webhook delivery rules.

pub mod agent;
pub mod notifications;
mod routes;
mod validate;

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;

use crate::config::defaults;

pub use routes::router;

/// The PNG the agent sends back, served at `/api/v2/downloads/{id}`.
pub const AGENT_IMAGE: &[u8] = include_bytes!("../../assets/emulator/agent.png");

/// A permission the emulator can grant or deny (API.md §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// `messaging:integration:view`: get/list integrations.
    IntegrationView,
    /// `messaging:integration:edit`: PATCH the integration.
    IntegrationEdit,
    /// `conversation:message:receive`: the inbound endpoints.
    MessageReceive,
}

impl Permission {
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::IntegrationView => "messaging:integration:view",
            Permission::IntegrationEdit => "messaging:integration:edit",
            Permission::MessageReceive => "conversation:message:receive",
        }
    }
}

/// What the emulator serves and how it behaves.
#[derive(Clone)]
pub struct EmulatorConfig {
    pub client_id: String,
    pub client_secret: String,
    pub integration_id: String,
    pub integration_name: String,
    /// Where the agent posts; `None` = the integration has no webhook.
    pub webhook_url: Option<String>,
    pub webhook_secret: String,
    /// `Completed` normally; `Initiated` or `Error` to test verify.
    pub create_status: String,
    /// Return the secret token in integration responses (false = omit it, as
    /// a live org might).
    pub expose_webhook_secret: bool,
    /// Granted permissions (all by default).
    pub permissions: HashSet<Permission>,
    /// `expires_in` of issued tokens.
    pub token_lifetime: Duration,
    /// Genesys' webhook rules: 10 s timeout, 5 retries, 5 s apart.
    pub delivery_timeout: Duration,
    pub delivery_retries: u32,
    pub delivery_retry_delay: Duration,
    /// The scripted agent answers each customer message.
    pub agent_enabled: bool,
    pub agent_typing_delay: Duration,
    pub agent_reply_delay: Duration,
    /// Base URL for download links (default: the bound address).
    pub public_base: Option<String>,
    /// The agent's user id in notification events.
    pub agent_user_id: String,
    /// After answering a message that says "bye", the agent leaves and wraps
    /// up after this pause (user.end, customer.end, acw on the notifications socket).
    pub agent_leave_delay: Duration,
    /// Heartbeat interval of the notifications socket.
    pub notifications_heartbeat: Duration,
    /// When not empty, conversation detail topics are rejected with these
    /// missing permissions (tests the permission message).
    pub notifications_missing_permissions: Vec<String>,
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("client_id", &self.client_id)
            .field("integration_id", &self.integration_id)
            .field("integration_name", &self.integration_name)
            .field("webhook_url", &self.webhook_url)
            .field("create_status", &self.create_status)
            .field("permissions", &self.permissions)
            .finish_non_exhaustive()
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            client_id: defaults::EMULATOR_CLIENT_ID.into(),
            client_secret: defaults::EMULATOR_CLIENT_SECRET.into(),
            integration_id: defaults::EMULATOR_INTEGRATION_ID.into(),
            integration_name: defaults::EMULATOR_INTEGRATION_NAME.into(),
            webhook_url: Some(defaults::EMULATOR_WEBHOOK_URL.into()),
            webhook_secret: defaults::EMULATOR_WEBHOOK_SECRET.into(),
            create_status: "Completed".into(),
            expose_webhook_secret: true,
            permissions: [Permission::IntegrationView, Permission::IntegrationEdit, Permission::MessageReceive]
                .into_iter()
                .collect(),
            token_lifetime: Duration::from_secs(86_399),
            delivery_timeout: Duration::from_secs(10),
            delivery_retries: 5,
            delivery_retry_delay: Duration::from_secs(5),
            agent_enabled: true,
            agent_typing_delay: Duration::from_millis(300),
            agent_reply_delay: Duration::from_millis(800),
            public_base: None,
            agent_user_id: "emulator-agent-0001".into(),
            agent_leave_delay: Duration::from_millis(800),
            notifications_heartbeat: Duration::from_secs(30),
            notifications_missing_permissions: Vec::new(),
        }
    }
}

/// One request the emulator handled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    pub method: String,
    /// Path and query.
    pub path: String,
    pub status: u16,
    pub latency_ms: u64,
}

/// How a webhook delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// The webhook answered 2xx.
    Delivered { status: u16 },
    /// Retries exhausted, or a non-retryable answer; `last` says what happened.
    GaveUp { last: String },
    /// The integration has no webhook URL.
    NoWebhook,
}

/// One agent message and its delivery attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    /// The outbound payload `id`.
    pub message_id: String,
    /// `Typing`, `Text` or `Image`.
    pub kind: String,
    pub customer_id: String,
    pub url: Option<String>,
    pub attempts: u32,
    pub outcome: DeliveryOutcome,
}

/// What the emulator reports as it works (the CLI prints these).
#[derive(Debug, Clone)]
pub enum EmulatorEvent {
    Request(RequestRecord),
    DeliveryAttempt { kind: String, url: String, attempt: u32, result: String },
    Delivery(DeliveryRecord),
}

#[derive(Debug, Default)]
struct FaultState {
    rate_limited: u32,
    retry_after_secs: u64,
    server_errors: u32,
    server_error_status: u16,
    expire_token_once: bool,
    delay: Option<Duration>,
    denied: HashSet<Permission>,
    lost_acks: u32,
}

/// Faults to inject into the next requests (shared with the running server).
#[derive(Debug, Clone, Default)]
pub struct Faults {
    state: Arc<Mutex<FaultState>>,
}

impl Faults {
    fn lock(&self) -> MutexGuard<'_, FaultState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The next `count` API calls get 429 with `Retry-After: retry_after_secs`.
    pub fn rate_limit(&self, count: u32, retry_after_secs: u64) {
        let mut s = self.lock();
        s.rate_limited = count;
        s.retry_after_secs = retry_after_secs;
    }

    /// The next API call finds every issued token expired (401 once).
    pub fn expire_token_once(&self) {
        self.lock().expire_token_once = true;
    }

    /// The next `count` API calls get 500.
    pub fn server_error(&self, count: u32) {
        self.server_error_with(count, 500);
    }

    /// The next `count` API calls get `status` (500, 502, 503, 504...).
    pub fn server_error_with(&self, count: u32, status: u16) {
        let mut s = self.lock();
        s.server_errors = count;
        s.server_error_status = status;
    }

    /// Every response (token and API) waits this long first; `None` clears it.
    pub fn set_delay(&self, delay: Option<Duration>) {
        self.lock().delay = delay;
    }

    /// Withdraws a permission (403 from the calls that need it).
    pub fn deny(&self, permission: Permission) {
        self.lock().denied.insert(permission);
    }

    /// Gives a denied permission back.
    pub fn allow(&self, permission: Permission) {
        self.lock().denied.remove(&permission);
    }

    /// The next `count` webhook deliveries are sent once more after their 2xx,
    /// as Genesys does when an acknowledgement is lost on the way back: the
    /// listener must show one message with two attempts.
    pub fn lose_acks(&self, count: u32) {
        self.lock().lost_acks = count;
    }

    /// Takes one lost acknowledgement, if any is pending.
    pub(crate) fn take_lost_ack(&self) -> bool {
        let mut s = self.lock();
        if s.lost_acks > 0 {
            s.lost_acks -= 1;
            true
        } else {
            false
        }
    }

    /// Clears every fault.
    pub fn clear(&self) {
        *self.lock() = FaultState::default();
    }
}

struct Shared {
    config: Mutex<EmulatorConfig>,
    base_url: String,
    faults: Faults,
    /// Issued tokens and when they expire (shared with the notification hub's token check).
    tokens: Arc<Mutex<HashMap<String, Instant>>>,
    notifications: notifications::NotificationHub,
    /// Customer id → conversation id.
    conversations: Mutex<HashMap<String, String>>,
    requests: Mutex<Vec<RequestRecord>>,
    deliveries: Mutex<Vec<DeliveryRecord>>,
    events: broadcast::Sender<EmulatorEvent>,
    http: reqwest::Client,
    cancel: CancellationToken,
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
        .and_then(|(_, t)| lock(tokens).get(t.trim()).copied())
        .is_some_and(|expires| Instant::now() < expires)
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
                requests: Mutex::new(Vec::new()),
                deliveries: Mutex::new(Vec::new()),
                events,
                http,
                cancel: CancellationToken::new(),
            }),
        }
    }

    /// A copy of the current configuration.
    pub fn config(&self) -> EmulatorConfig {
        lock(&self.shared.config).clone()
    }

    /// Changes the configuration (e.g. the webhook URL) while running.
    pub fn update_config(&self, f: impl FnOnce(&mut EmulatorConfig)) {
        f(&mut lock(&self.shared.config));
    }

    pub fn faults(&self) -> Faults {
        self.shared.faults.clone()
    }

    /// The Notifications API side (channels, subscriptions, socket events).
    pub fn notifications(&self) -> &notifications::NotificationHub {
        &self.shared.notifications
    }

    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// Every request handled so far.
    pub fn requests(&self) -> Vec<RequestRecord> {
        lock(&self.shared.requests).clone()
    }

    /// Every finished webhook delivery so far.
    pub fn deliveries(&self) -> Vec<DeliveryRecord> {
        lock(&self.shared.deliveries).clone()
    }

    /// Live events (requests, delivery attempts, deliveries).
    pub fn subscribe(&self) -> broadcast::Receiver<EmulatorEvent> {
        self.shared.events.subscribe()
    }

    fn emit(&self, event: EmulatorEvent) {
        match &event {
            EmulatorEvent::Request(r) => lock(&self.shared.requests).push(r.clone()),
            EmulatorEvent::Delivery(d) => lock(&self.shared.deliveries).push(d.clone()),
            EmulatorEvent::DeliveryAttempt { .. } => {}
        }
        // No subscriber is fine.
        let _ = self.shared.events.send(event);
    }

    /// The customer's conversation is over: the next message starts a new one.
    pub(crate) fn end_conversation(&self, customer_id: &str) {
        lock(&self.shared.conversations).remove(customer_id);
    }

    fn permitted(&self, p: Permission) -> bool {
        lock(&self.shared.config).permissions.contains(&p) && !self.shared.faults.lock().denied.contains(&p)
    }
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
