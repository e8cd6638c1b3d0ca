//! `AppState`: what the engine reported, as plain data (no egui, no tokio),
//! split by domain. Engine events change it through [`AppState::apply`],
//! which hands each event to its domain; views only read it. What a view is
//! typing or has open lives in the view (`crate::ui`), the shared selection
//! in [`crate::app::selection::Selection`].

pub mod accounts;
pub mod runs;
pub mod services;
pub mod toasts;
pub mod verify;

use std::time::Instant;

use super::chats::Chats;
use super::traffic_log::TrafficLog;
use crate::engine::command::{Command, Event};
pub use accounts::Accounts;
pub use services::{ServiceStatus, Services};
pub use toasts::{TOAST_SHOWN_FOR, Toast, Toasts};
pub use verify::{VerifyRun, VerifyRuns};

/// Everything the engine reported.
#[derive(Debug, Clone, Default)]
pub struct AppState {
    pub accounts: Accounts,
    pub verify: VerifyRuns,
    pub chats: Chats,
    pub traffic: TrafficLog,
    pub services: Services,
    pub toasts: Toasts,
    pub runs: runs::Runs,
    /// Log folder, crash report, secret store and OS, as the engine reported them.
    pub support: Option<crate::engine::support::SupportInfo>,
}

impl AppState {
    /// Applies one engine event.
    pub fn apply(&mut self, event: Event) {
        self.apply_at(event, Instant::now());
    }

    /// [`Self::apply`] with an explicit clock (tests).
    pub fn apply_at(&mut self, event: Event, now: Instant) {
        let toast = match event {
            Event::AccountsLoaded { .. }
            | Event::AccountSaved { .. }
            | Event::AccountSaveFailed { .. }
            | Event::AccountDeleted { .. } => self.accounts.apply(event),
            Event::VerifyStarted { .. } | Event::CheckFinished { .. } | Event::VerifyFinished { .. } => {
                self.verify.apply(event)
            }
            Event::HistoryLoaded { messages, traffic } => {
                for msg in messages {
                    self.chats.add(msg, now);
                }
                self.traffic.load(traffic);
                None
            }
            Event::TrafficRecorded(entry) => {
                self.traffic.push(entry);
                None
            }
            Event::ListenerStarted { .. }
            | Event::ListenerFailed { .. }
            | Event::EmulatorStarted { .. }
            | Event::EmulatorFailed { .. } => self.services.apply(event),
            Event::Toast { level, text } => Some((level, text)),
            // The integrations list answers the Accounts view's request: it keeps it.
            Event::IntegrationsListed { .. } => None,
            // The Accounts view's import dialog keeps it; a file it cannot read is a toast.
            Event::AccountsFileRead { result: Err(text), .. } => {
                Some((crate::engine::command::ToastLevel::Error, text))
            }
            Event::AccountsFileRead { .. } => None,
            // Success comes with the engine's own toast; a refusal is said here.
            Event::SecretRotated { result: Err(text), account, .. } => {
                Some((crate::engine::command::ToastLevel::Error, format!("{account}: {text}")))
            }
            Event::SecretRotated { .. } => None,
            Event::IntegrationCreated { result: Err(text), account, .. } => {
                Some((crate::engine::command::ToastLevel::Error, format!("{account}: {text}")))
            }
            Event::IntegrationCreated { .. } => None,
            // Answers for the command line; the window has the toast.
            Event::IntegrationShown { .. } | Event::WebhookPointed { .. } => None,
            Event::TunnelStarted { .. }
            | Event::TunnelFailed { .. }
            | Event::TunnelStopped
            | Event::FaultSet { .. } => self.services.apply(event),
            // The same facts reach the window as traffic rows and chat lines.
            Event::Headless(_) => None,
            Event::RunStarted { .. }
            | Event::RunFailed { .. }
            | Event::RunUpdate { .. }
            | Event::RunFinished { .. }
            | Event::RunsLoaded(_) => self.runs.apply(event),
            Event::Support(info) => {
                self.support = Some(*info);
                None
            }
            chat => {
                self.chats.apply(chat, now);
                None
            }
        };
        if let Some((level, text)) = toast {
            self.toasts.push(level, text, now);
        }
    }

    /// Notes a command the UI sent whose answers this state collects: a
    /// verify run starts waiting here, so every view sees it.
    pub fn sent(&mut self, command: &Command) {
        if let Command::Verify { request, env, account, .. } = command {
            self.verify.started(*request, *env, account);
        }
    }
}

#[cfg(test)]
mod tests;
