//! The shared core: owns the tokio tasks (listener, emulator, clients,
//! notification sockets, history writer), turns [`Command`]s into work and
//! reports [`Event`]s. The GUI drains events once per frame; tests and the CLI
//! read the same stream.

mod chat;
pub mod command;
mod presence;
mod traffic;
mod worker;

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::mpsc;

pub use command::{Command, Event, RequestId};

use crate::config::Paths;
use crate::config::defaults::{EMULATOR_ADDR, LISTENER_ADDR};
use crate::emulator::EmulatorConfig;
use crate::genesys::ClientOptions;

/// Called after every event so the GUI wakes up (`ctx.request_repaint()`).
pub type Repaint = Arc<dyn Fn() + Send + Sync>;

/// Sends an event and asks for a repaint: one call, so nobody forgets the repaint.
#[derive(Clone)]
pub struct EventSender {
    tx: std::sync::mpsc::Sender<Event>,
    repaint: Repaint,
}

impl EventSender {
    pub fn send(&self, event: Event) {
        // A closed receiver means the app is shutting down; nothing to report to.
        let _ = self.tx.send(event);
        (self.repaint)();
    }
}

/// What the engine starts with.
#[derive(Clone)]
pub struct EngineConfig {
    pub paths: Paths,
    /// Where the webhook listener binds.
    pub listener_addr: SocketAddr,
    /// Run the embedded emulator (the first-run Emulator account points at it).
    pub emulator: Option<(SocketAddr, EmulatorConfig)>,
    pub client_options: ClientOptions,
    /// Open the history database in memory instead of the file (tests).
    pub in_memory_history: bool,
}

impl EngineConfig {
    /// The app's defaults: listener on 127.0.0.1:8787, emulator on 127.0.0.1:8786.
    pub fn new(paths: Paths) -> Self {
        let listener_addr = LISTENER_ADDR.parse().unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8787)));
        let emulator_addr = EMULATOR_ADDR.parse().unwrap_or(SocketAddr::from(([127, 0, 0, 1], 8786)));
        Self {
            paths,
            listener_addr,
            emulator: Some((emulator_addr, EmulatorConfig::default())),
            client_options: ClientOptions::default(),
            in_memory_history: false,
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
    let events = EventSender { tx: ev_tx, repaint };
    let task = runtime.spawn(worker::run(config, cmd_rx, events));
    (EngineHandle { tx: cmd_tx }, ev_rx, task)
}
