//! What the app asks the engine to do (`Command`, imperative) and what the
//! engine reports back (`Event`, past tense). Plain data: no egui, no tokio,
//! so the CLI, the engine and the UI tests all share these types.
//!
//! `Debug` never prints secrets: accounts and drafts carry `SecretString` or a
//! hand-written `Debug` that hides them.

use std::fmt;
use std::path::PathBuf;

pub use super::error::Failure;
pub use super::event::Event;
pub use super::headless_event::HeadlessEvent;
use crate::config::{AccountDraft, Environment, Tier};
use crate::genesys::InboundMessage;
pub use crate::model::IntegrationSummary;
pub use crate::model::ticket::{Priority, TicketDraft, TicketError, TicketField};

/// Ties a one-off request (verify, list integrations, start chat) to its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct RequestId(pub u64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// What to tell Genesys about an agent message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptOutcome {
    Delivered,
    Failed { reason: String },
}

/// File format of a traffic export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Har,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Json => "json",
            ExportFormat::Har => "har",
        }
    }
}

/// How loud a toast is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastLevel {
    Info,
    Success,
    Warning,
    Error,
}

/// Work for the engine. Sent by the UI after each frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Add (`original_name` None) or replace an account; answers `AccountSaved`
    /// + `AccountsLoaded`, or `AccountSaveFailed`.
    SaveAccount {
        env: Environment,
        original_name: Option<String>,
        draft: AccountDraft,
    },
    /// Answers `AccountDeleted` + `AccountsLoaded`.
    DeleteAccount {
        env: Environment,
        name: String,
    },
    /// Answers `AccountsLoaded`.
    SetTier(Tier),
    /// Runs the checklist; answers `VerifyStarted`, `CheckFinished`*, `VerifyFinished`.
    Verify {
        request: RequestId,
        env: Environment,
        account: String,
        include_send: bool,
    },
    /// Answers `IntegrationsListed`.
    ListIntegrations {
        request: RequestId,
        env: Environment,
        account: String,
    },
    /// PATCHes the integration's `outboundNotificationWebhookUrl` (never sent from Production/Live).
    PointWebhook {
        env: Environment,
        account: String,
        url: String,
    },
    /// Runs `cloudflared` or `ngrok` against the listener; answers
    /// `TunnelStarted` (its public https URL) or `TunnelFailed`.
    StartTunnel(crate::engine::tunnel::TunnelKind),
    /// Ends the tunnel's child process; answers `TunnelStopped`.
    StopTunnel,
    /// Reads the account's integration; answers `IntegrationShown`.
    ShowIntegration {
        request: RequestId,
        env: Environment,
        account: String,
    },
    /// Creates an Open Messaging integration named `name` whose webhook is the
    /// account's public webhook URL (else this listener's), with a new secret;
    /// waits until Genesys finished creating it, then points the account at it.
    /// Answers `IntegrationCreated`. Never from Live/Production.
    CreateIntegration {
        request: RequestId,
        env: Environment,
        account: String,
        name: String,
    },
    /// A new webhook secret, set in Genesys (PATCH) and then in the account, or
    /// in neither when Genesys refuses it; answers `SecretRotated`. Never from Live/Production.
    RotateSecret {
        request: RequestId,
        env: Environment,
        account: String,
    },
    /// Posts the ticket's query as the first customer message; answers `ChatStarted`
    /// (+ `ChatMessageAdded` for the query and the after-assignment note) or `ChatStartFailed`.
    StartChat {
        request: RequestId,
        env: Environment,
        account: String,
        ticket: TicketDraft,
    },
    SendText {
        env: Environment,
        account: String,
        customer_id: String,
        text: String,
    },
    /// The customer's answer to structured agent message `originating_message_id`.
    SendButtonResponse {
        env: Environment,
        account: String,
        customer_id: String,
        originating_message_id: String,
        response: crate::genesys::types::structured::ButtonResponse,
    },
    /// Posts a delivery as Genesys would to the user's middleware; answers
    /// `AsGenesysAttempt`s and `AsGenesysDone`.
    DeliverAsGenesys(crate::engine::as_genesys::AsGenesys),
    /// A customer typing event in the thread (the compose box sends it, at most every 5 s).
    SendTyping {
        env: Environment,
        account: String,
        customer_id: String,
    },
    SendImage {
        env: Environment,
        account: String,
        customer_id: String,
        path: PathBuf,
    },
    SendReceipt {
        env: Environment,
        account: String,
        customer_id: String,
        /// The Genesys id of the agent message.
        message_id: String,
        /// Its history row, whose status the receipt updates.
        row: Option<i64>,
        outcome: ReceiptOutcome,
    },
    SetAutoDelivered(bool),
    /// Restarts the listener on a new address; answers `ListenerStarted`/`ListenerFailed`.
    SetListenerAddr(String),
    /// Sends a stored incoming delivery to the listener again.
    ReplayTraffic {
        id: i64,
    },
    /// Writes the given stored entries (the filtered list) to a file.
    ExportTraffic {
        path: PathBuf,
        format: ExportFormat,
        ids: Vec<i64>,
    },
    /// Posts `message` as it is (no chat thread; the command line's `send`).
    /// A `local_image` is served from the listener's `/media` and attached.
    /// With `watch`, the conversation's agent joined/left/wrap-up are reported
    /// as [`HeadlessEvent::PresenceChanged`]. Answers [`HeadlessEvent::MessageSent`].
    SendMessage {
        request: RequestId,
        env: Environment,
        account: String,
        message: Box<InboundMessage>,
        local_image: Option<PathBuf>,
        watch: bool,
    },
    /// A typing event or a receipt as `customer` (the command line's
    /// scenarios). Answers [`HeadlessEvent::CustomerActed`].
    CustomerAct {
        request: RequestId,
        env: Environment,
        account: String,
        customer: crate::genesys::Customer,
        action: crate::engine::customer::CustomerAction,
    },
    /// Runs a scenario file with simulated customers; answers `RunStarted`
    /// (or `RunFailed`), `RunUpdate`s, then `RunFinished`.
    StartRun(crate::engine::runs::RunRequest),
    /// Stops a run: its customers still going end as errors ("interrupted").
    StopRun {
        run_id: String,
    },
    /// Switches an account's listener fault mode on (Some) or off; answers `FaultSet`.
    SetFault {
        account: String,
        fault: Option<crate::webhook::fault::Fault>,
    },
    /// Keeps a run the command line finished in the history.
    RecordRun(Box<crate::storage::StoredRun>),
    /// The embedded emulator's agent: its base reply delay and script (Settings).
    SetEmulatorAgent {
        reply_delay: std::time::Duration,
        script: crate::emulator::script::AgentScript,
    },
    /// Writes the environment's accounts (not the built-in Emulator one) to
    /// a file without secrets; answers a toast.
    ExportAccounts {
        env: Environment,
        path: std::path::PathBuf,
    },
    /// Reads an accounts export for the import dialog; answers `AccountsFileRead`.
    ReadAccountsFile(std::path::PathBuf),
    /// Saves the accounts of an import (all or none); answers `AccountsLoaded` and a toast.
    ImportAccounts {
        env: Environment,
        accounts: Vec<super::share::ImportChoice>,
    },
    /// Reads a HAR file into Traffic (rows marked imported); answers
    /// `TrafficRecorded` per row and a toast.
    ImportHar(std::path::PathBuf),
    /// Opens a file or folder with the desktop's default app (the log folder,
    /// a crash report); a failure answers a `Toast`.
    OpenPath(std::path::PathBuf),
    /// Stops listener, emulator and tasks.
    Shutdown,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_a_save_command_hides_secrets() {
        let mut draft = crate::config::defaults::emulator_account_draft();
        draft.client_secret = "top-secret-value".into();
        let cmd = Command::SaveAccount { env: Environment::Development, original_name: None, draft };
        assert!(!format!("{cmd:?}").contains("top-secret-value"));
    }
}
