//! The shared core of every front end: owns the tokio tasks (listener,
//! emulator, clients, notification sockets, history writer), turns
//! [`Command`]s into work and reports [`Event`]s. The GUI drains events once
//! per frame ([`spawn`] with a repaint callback); the command line reads the
//! same stream through [`spawn_headless`].
//!
//! - `worker`: the command loop; each command arm is one call, spawned work
//!   goes through one `TaskTracker` that shutdown closes and awaits;
//! - `services`: the one place the history writer, listener and emulator are built;
//! - `accounts`: where accounts come from (the store, or given by the command line) and their clients;
//! - `chat`, `presence`, `traffic`, `requests`: the work behind the commands.

mod accounts;
pub mod as_genesys;
pub mod bind;
mod chat;
pub mod command;
mod create;
pub mod customer;
mod error;
mod event;
mod headless;
mod headless_event;
mod presence;
mod provision;
mod requests;
pub mod runs;
mod services;
pub mod share;
mod structured;
pub mod support;
mod traffic;
pub mod tunnel;
mod worker;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::mpsc;

pub use crate::model::har::to_har;
pub use chat::public_base_required;
pub use command::{Command, Event, HeadlessEvent, RequestId};
pub use error::{AccountError, ExportError, ImageError, ReplayError};
pub use headless::{HeadlessEngine, spawn_headless};

use crate::config::{Account, Paths};
use crate::emulator::EmulatorConfig;
use crate::genesys::ClientOptions;
use crate::webhook::WebhookAccount;

/// Called after every event so the GUI wakes up (`ctx.request_repaint()`).
pub type Repaint = Arc<dyn Fn() + Send + Sync>;

/// Sends an event and asks for a repaint: one call, so nobody forgets the repaint.
#[derive(Clone)]
pub struct EventSender {
    tx: std::sync::mpsc::Sender<Event>,
    repaint: Repaint,
    taps: Taps,
}

/// Engine tasks that read the events too (a scenario run in the app): they
/// get the facts a run follows, cloned; nobody pays for it while none listens.
#[derive(Clone, Default)]
struct Taps {
    any: Arc<std::sync::atomic::AtomicBool>,
    senders: Arc<parking_lot::Mutex<Vec<mpsc::UnboundedSender<Event>>>>,
}

impl EventSender {
    pub fn send(&self, event: Event) {
        if let Event::Toast { level: command::ToastLevel::Error | command::ToastLevel::Warning, text } = &event {
            // What the window showed as a problem is in the log file too.
            tracing::warn!("shown: {text}");
        }
        if self.taps.any.load(std::sync::atomic::Ordering::Relaxed) && tapped(&event) {
            let mut senders = self.taps.senders.lock();
            senders.retain(|tap| tap.send(event.clone()).is_ok());
            self.taps.any.store(!senders.is_empty(), std::sync::atomic::Ordering::Relaxed);
        }
        // A closed receiver means the app is shutting down; nothing to report to.
        let _ = self.tx.send(event);
        (self.repaint)();
    }

    /// A copy of every event a scenario run follows, until the receiver is dropped.
    pub fn tap(&self) -> mpsc::UnboundedReceiver<Event> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.taps.senders.lock().push(tx);
        self.taps.any.store(true, std::sync::atomic::Ordering::Relaxed);
        rx
    }
}

/// What a scenario run reads: Genesys' answers, deliveries, presence, 429s.
fn tapped(event: &Event) -> bool {
    matches!(event, Event::Headless(_)) || matches!(event, Event::TrafficRecorded(e) if e.status == Some(429))
}

/// Where the engine's accounts come from.
#[derive(Debug, Clone, PartialEq)]
pub enum AccountSource {
    /// The accounts file (the GUI): editable, reported as `AccountsLoaded`.
    Stored,
    /// Accounts resolved by the command line (stored or built from flags);
    /// the accounts file is not opened.
    Given(Vec<Account>),
}

/// The webhook listener the engine runs.
#[derive(Debug, Clone, PartialEq)]
pub struct ListenerSetup {
    pub addr: SocketAddr,
    /// What the listener accepts; `None`: every account the engine knows,
    /// updated when accounts change.
    pub accounts: Option<Vec<WebhookAccount>>,
}

/// What the engine starts with.
#[derive(Clone)]
pub struct EngineConfig {
    pub paths: Paths,
    pub accounts: AccountSource,
    /// The webhook listener, if any.
    pub listener: Option<ListenerSetup>,
    /// Run the embedded emulator (the first-run Emulator account points at it).
    pub emulator: Option<(SocketAddr, EmulatorConfig)>,
    pub client_options: ClientOptions,
    /// Open the history database in memory instead of the file (tests, and
    /// commands that keep no history).
    pub in_memory_history: bool,
    /// Report the stored history (`HistoryLoaded`) at start.
    pub load_history: bool,
    /// After an agent message: download its images and send the Delivered
    /// receipt when auto-receipts are on (the GUI's chat does; the command line only prints).
    pub agent_follow_up: bool,
    /// Report each webhook delivery to a window too (`TrafficRecorded`,
    /// `ChatMessageAdded`, `AgentTyping`); the command line reads only
    /// `Headless` events, and copying every delivery into events nobody
    /// reads cost a tenth of the listener's throughput under load.
    pub window_events: bool,
    /// Watch each new conversation a delivery names for agent presence
    /// (Notifications API channel and topics). The window and `send --follow`
    /// show presence; `listen` prints only deliveries, so it opens no channel.
    pub watch_presence: bool,
}

impl EngineConfig {
    /// The app's defaults: stored accounts, listener on 127.0.0.1:8787, emulator on 127.0.0.1:8786.
    pub fn new(paths: Paths) -> Self {
        Self {
            paths,
            accounts: AccountSource::Stored,
            listener: Some(ListenerSetup { addr: bind::DEFAULT_LISTENER_ADDR, accounts: None }),
            emulator: Some((bind::DEFAULT_EMULATOR_ADDR, EmulatorConfig::default())),
            client_options: ClientOptions::default(),
            in_memory_history: false,
            load_history: true,
            agent_follow_up: true,
            window_events: true,
            watch_presence: true,
        }
    }

    /// A command-line engine on `accounts`: no listener or emulator unless
    /// asked for, the history file, nothing replayed, no follow-up work.
    pub fn headless(paths: Paths, accounts: Vec<Account>) -> Self {
        Self {
            paths,
            accounts: AccountSource::Given(accounts),
            listener: None,
            emulator: None,
            client_options: ClientOptions::default(),
            in_memory_history: false,
            load_history: false,
            agent_follow_up: false,
            window_events: false,
            watch_presence: true,
        }
    }
}

/// Sends commands to the engine. Cheap to clone.
#[derive(Clone)]
pub struct EngineHandle {
    tx: mpsc::UnboundedSender<Command>,
}

impl EngineHandle {
    pub fn send(&self, command: Command) {
        // After shutdown the engine is gone; a late command has nothing to do.
        let _ = self.tx.send(command);
    }
}

/// Starts the engine on `runtime`; events arrive on the returned receiver.
pub fn spawn(
    runtime: &tokio::runtime::Handle,
    config: EngineConfig,
    repaint: Repaint,
) -> (EngineHandle, std::sync::mpsc::Receiver<Event>, tokio::task::JoinHandle<()>) {
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (ev_tx, ev_rx) = std::sync::mpsc::channel();
    let events = EventSender { tx: ev_tx, repaint, taps: Taps::default() };
    let task = runtime.spawn(worker::run(config, cmd_rx, cmd_tx.downgrade(), events));
    (EngineHandle { tx: cmd_tx }, ev_rx, task)
}
