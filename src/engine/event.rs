//! What the engine reports back (`Event`, past tense): plain data, applied
//! to `AppState` at the start of each frame and read by the command line.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use super::command::{Failure, HeadlessEvent, IntegrationSummary, RequestId, TicketField, ToastLevel};
use crate::config::{Account, Environment, FieldError, Tier};
use crate::model::{ChatMessage, Check, TrafficEntry, VerifyReport};

/// What happened. Applied to `AppState` at the start of each frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Accounts keyed by the environment that stores them (Development, Staging,
    /// Sandbox); Live and Production show their source's list.
    AccountsLoaded {
        tier: Tier,
        accounts: BTreeMap<Environment, Vec<Account>>,
        secret_warning: Option<String>,
    },
    AccountSaved {
        env: Environment,
        name: String,
    },
    AccountSaveFailed {
        env: Environment,
        errors: Vec<FieldError>,
        message: String,
    },
    AccountDeleted {
        env: Environment,
        name: String,
    },
    VerifyStarted {
        request: RequestId,
        account: String,
    },
    CheckFinished {
        request: RequestId,
        check: Check,
    },
    VerifyFinished {
        request: RequestId,
        report: VerifyReport,
    },
    TunnelStarted {
        url: String,
    },
    TunnelFailed {
        message: String,
    },
    TunnelStopped,
    /// The account's integration as Genesys returns it, or why not.
    IntegrationShown {
        request: RequestId,
        account: String,
        result: Result<Box<crate::genesys::types::Integration>, String>,
    },
    /// The integration's webhook URL was changed (after `PointWebhook`), or why not.
    WebhookPointed {
        account: String,
        url: String,
        /// Where it pointed before, when Genesys said.
        previous: Option<String>,
        result: Result<(), String>,
    },
    /// The integration exists and the account uses it (its id), or why not.
    IntegrationCreated {
        request: RequestId,
        account: String,
        result: Result<String, String>,
    },
    /// The secret is rotated (the listener already checks with the new one),
    /// or why not (the account keeps its secret).
    SecretRotated {
        request: RequestId,
        account: String,
        result: Result<(), String>,
    },
    IntegrationsListed {
        request: RequestId,
        result: Result<Vec<IntegrationSummary>, Failure>,
    },
    ChatStarted {
        request: RequestId,
        account: String,
        customer_id: String,
    },
    ChatStartFailed {
        request: RequestId,
        message: String,
        field: Option<TicketField>,
    },
    ChatMessageAdded(ChatMessage),
    /// A message changed (delivery status, downloaded image); matched by row id, then Genesys id.
    ChatMessageUpdated(ChatMessage),
    AgentTyping {
        account: String,
        customer_id: String,
    },
    /// Agent joined/left/wrap-up cannot be shown for this account; `message`
    /// names the missing permission and the fix.
    PresenceUnavailable {
        account: String,
        message: String,
    },
    /// History from SQLite at start-up (oldest first or any order: the state sorts).
    HistoryLoaded {
        messages: Vec<ChatMessage>,
        traffic: Vec<TrafficEntry>,
    },
    TrafficRecorded(TrafficEntry),
    ListenerStarted {
        addr: SocketAddr,
        public_base: Option<String>,
    },
    ListenerFailed {
        error: String,
    },
    EmulatorStarted {
        addr: SocketAddr,
    },
    EmulatorFailed {
        error: String,
    },
    Toast {
        level: ToastLevel,
        text: String,
    },
    /// What only a headless front end (the command line) prints.
    Headless(HeadlessEvent),
    RunStarted {
        run_id: String,
        scenario: String,
        path: std::path::PathBuf,
        customers: usize,
    },
    /// The scenario file could not be read (the message names file, line and field).
    RunFailed {
        run_id: String,
        message: String,
    },
    /// The customers of a running scenario (a few times a second).
    RunUpdate {
        run_id: String,
        progress: crate::scenario::run::RunProgress,
        rows: Vec<crate::scenario::live::CustomerRow>,
    },
    RunFinished {
        run_id: String,
        report: Box<crate::scenario::report::RunReport>,
    },
    /// One attempt of "Send as Genesys": its number, start and answer.
    AsGenesysAttempt {
        text: String,
    },
    /// "Send as Genesys" finished: delivered, or why not.
    AsGenesysDone {
        result: Result<String, String>,
    },
    /// An account's listener fault mode changed (None: off).
    FaultSet {
        account: String,
        fault: Option<crate::webhook::fault::Fault>,
    },
    /// The newest runs kept in the history, newest first (at start).
    RunsLoaded(Vec<crate::storage::StoredRun>),
    /// An accounts export read for the import dialog.
    AccountsFileRead {
        path: std::path::PathBuf,
        result: Result<Vec<super::share::ImportCandidate>, String>,
    },
    /// Log folder, last run's crash report, secret store and OS (at start, to a window).
    Support(Box<super::support::SupportInfo>),
}
