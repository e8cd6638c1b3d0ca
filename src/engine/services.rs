//! The one place the long-lived services are built: the history writer, the
//! webhook listener and the embedded emulator. (Notification sockets are
//! started per account by `presence`.) Failures are reported as events.

use std::net::SocketAddr;

use tokio::sync::mpsc;

use super::command::{Event, ToastLevel};
use super::{EngineConfig, EventSender};
use crate::emulator::{Emulator, EmulatorConfig, RunningEmulator};
use crate::storage::{Db, HistoryLimits, Writer, WriterHandle};
use crate::webhook::{Delivery, Listener, ListenerConfig, RunningListener, WebhookAccount};

/// The history database (the file, or memory for tests and throwaway
/// sessions) behind its group-commit writer. A file that cannot be opened
/// falls back to memory for this session, with an error toast.
pub(super) fn open_history(config: &EngineConfig, events: &EventSender) -> Option<WriterHandle> {
    let path = config.paths.history_db();
    if !config.in_memory_history {
        // The data folder holds the history and media (customer PII): user only,
        // also for a folder an older build created 0755.
        if let Err(e) = crate::storage::create_private_dir(&config.paths.data_dir) {
            toast(events, format!("Cannot make the data folder {} private: {e}", config.paths.data_dir.display()));
        }
    }
    let db = if config.in_memory_history { Db::open_in_memory() } else { Db::open(&path) };
    let db = match db {
        Ok(db) => db,
        Err(e) => {
            toast(
                events,
                format!(
                    "History database {} cannot be opened ({e}); using an in-memory history for this session",
                    path.display()
                ),
            );
            match Db::open_in_memory() {
                Ok(db) => db,
                Err(e) => {
                    toast(events, format!("No history store: {e}"));
                    return None;
                }
            }
        }
    };
    match Writer::spawn_with(db, HistoryLimits::from_env()) {
        Ok(writer) => Some(writer),
        Err(e) => {
            toast(events, format!("Cannot start the history writer: {e}"));
            None
        }
    }
}

/// The embedded emulator; answers `EmulatorStarted` or `EmulatorFailed`.
pub(super) async fn start_emulator(
    addr: SocketAddr,
    config: EmulatorConfig,
    events: &EventSender,
) -> Option<RunningEmulator> {
    match Emulator::start(addr, config).await {
        Ok(emulator) => {
            events.send(Event::EmulatorStarted { addr: emulator.addr() });
            Some(emulator)
        }
        Err(e) => {
            events.send(Event::EmulatorFailed {
                error: format!(
                    "The embedded emulator could not start on {addr}: {e}. Another genesys-desk or \
                     `genesys-desk emulator` may already run there (the Emulator account works with it too)."
                ),
            });
            None
        }
    }
}

/// What a listener needs besides its address.
pub(super) struct ListenerParts {
    pub accounts: Vec<WebhookAccount>,
    pub writer: WriterHandle,
    pub deliveries: mpsc::UnboundedSender<Delivery>,
    pub public_base: Option<String>,
}

/// The webhook listener; answers `ListenerStarted` (after a warning toast for
/// an all-interfaces bind) or `ListenerFailed`.
pub(super) async fn start_listener(
    addr: SocketAddr,
    parts: ListenerParts,
    config: &EngineConfig,
    events: &EventSender,
) -> Option<RunningListener> {
    let listener_config = ListenerConfig::new(parts.accounts, config.paths.media_dir());
    match Listener::start(addr, listener_config, parts.writer, parts.deliveries).await {
        Ok(listener) => {
            if let Some(w) = listener.warning() {
                events.send(Event::Toast { level: ToastLevel::Warning, text: w.to_string() });
            }
            events.send(Event::ListenerStarted { addr: listener.addr(), public_base: parts.public_base });
            Some(listener)
        }
        Err(e) => {
            events.send(Event::ListenerFailed { error: e.to_string() });
            None
        }
    }
}

fn toast(events: &EventSender, text: String) {
    events.send(Event::Toast { level: ToastLevel::Error, text });
}
