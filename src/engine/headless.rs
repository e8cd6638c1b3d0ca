//! The engine for a front end without a window (the command line): the same
//! engine, its repaint callback wakes an async reader instead of a frame.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::JoinHandle;

use super::{Command, EngineConfig, EngineHandle, Event};

/// How long [`HeadlessEngine::shutdown`] waits for the engine to stop.
const SHUTDOWN_WAIT: Duration = Duration::from_secs(10);

/// A running engine whose events are read with [`HeadlessEngine::next`].
pub struct HeadlessEngine {
    handle: EngineHandle,
    events: Receiver<Event>,
    wake: Arc<Notify>,
    task: Option<JoinHandle<()>>,
}

/// Starts the engine on `runtime` for a front end without a window.
pub fn spawn_headless(runtime: &tokio::runtime::Handle, config: EngineConfig) -> HeadlessEngine {
    let wake = Arc::new(Notify::new());
    let notify = wake.clone();
    // `notify_one` keeps one permit, so an event sent before the reader waits is not missed.
    let (handle, events, task) = super::spawn(runtime, config, Arc::new(move || notify.notify_one()));
    HeadlessEngine { handle, events, wake, task: Some(task) }
}

impl HeadlessEngine {
    pub fn send(&self, command: Command) {
        self.handle.send(command);
    }

    /// The next event; `None` once the engine stopped and every event was read.
    pub async fn next(&mut self) -> Option<Event> {
        loop {
            match self.events.try_recv() {
                Ok(event) => return Some(event),
                Err(TryRecvError::Disconnected) => return None,
                Err(TryRecvError::Empty) => {}
            }
            let task = self.task.as_mut()?;
            let stopped = tokio::select! {
                _ = self.wake.notified() => false,
                _ = task => true,
            };
            if stopped {
                self.task = None;
            }
        }
    }

    /// An event already waiting, without waiting for one.
    pub fn try_next(&mut self) -> Option<Event> {
        self.events.try_recv().ok()
    }

    /// Stops the engine (listener, sockets, tasks; the history is flushed)
    /// and returns the events it sent meanwhile.
    pub async fn shutdown(mut self) -> Vec<Event> {
        self.handle.send(Command::Shutdown);
        if let Some(task) = self.task.take()
            && tokio::time::timeout(SHUTDOWN_WAIT, task).await.is_err()
        {
            tracing::warn!("the engine did not stop within {} s", SHUTDOWN_WAIT.as_secs());
        }
        self.events.try_iter().collect()
    }
}
