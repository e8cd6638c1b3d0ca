//! What the app asks the engine to do (`Command`, imperative) and what the
//! engine reports back (`Event`, past tense). Plain data: no egui, no tokio,
//! so the CLI, the engine and the UI tests all share these types.
//!
//! `Debug` never prints secrets: accounts and drafts carry `SecretString` or a
//! hand-written `Debug` that hides them.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::config::{Account, AccountDraft, Environment, FieldError, Tier};
use crate::model::{ChatMessage, Check, TrafficEntry, VerifyReport};

/// Ties a one-off request (verify, list integrations, start chat) to its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct RequestId(pub u64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// The seed's priorities, in the order users pick them.
pub const PRIORITIES: [&str; 4] = ["LOW", "MEDIUM", "HIGH", "URGENT"];

/// A field of the "Start test chat" form, for inline errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TicketField {
    Account,
    AfterAssignment,
    Name,
    Mobile,
    Email,
    Query,
    Priority,
    Attributes,
}

impl TicketField {
    /// The label used in the form and in messages.
    pub fn label(self) -> &'static str {
        match self {
            TicketField::Account => "Account",
            TicketField::AfterAssignment => "Message after ticket assignment",
            TicketField::Name => "Name",
            TicketField::Mobile => "Mobile",
            TicketField::Email => "Email",
            TicketField::Query => "Query",
            TicketField::Priority => "Priority",
            TicketField::Attributes => "Custom attributes",
        }
    }
}

/// One invalid ticket field and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketError {
    pub field: TicketField,
    pub message: String,
}

/// The "Start test chat" form as typed (the seed's raise-ticket form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketDraft {
    pub name: String,
    pub mobile: String,
    pub email: String,
    /// Posted as the first customer message.
    pub query: String,
    /// `LOW`, `MEDIUM`, `HIGH`, `URGENT` (free text is kept as typed, upper-cased).
    pub priority: String,
    /// Shown in the thread as a system line once the chat started.
    pub after_assignment_message: String,
    /// Extra custom attributes (key, value) sent with the first message.
    pub attributes: Vec<(String, String)>,
}

impl Default for TicketDraft {
    fn default() -> Self {
        Self {
            name: String::new(),
            mobile: String::new(),
            email: String::new(),
            query: String::new(),
            priority: "MEDIUM".into(),
            after_assignment_message: "Thanks, an agent will be with you shortly.".into(),
            attributes: Vec::new(),
        }
    }
}

impl TicketDraft {
    /// The client's ticket form (one validator for the GUI, the engine and
    /// `genesys-desk send`): attributes become `KEY=VALUE`, empty rows dropped.
    pub fn to_genesys(&self) -> crate::genesys::customer::TicketDraft {
        crate::genesys::customer::TicketDraft {
            email: self.email.clone(),
            name: self.name.clone(),
            mobile: self.mobile.clone(),
            query: self.query.clone(),
            priority: self.priority.clone(),
            text: String::new(),
            attrs: self
                .attributes
                .iter()
                .filter(|(k, v)| !(k.trim().is_empty() && v.trim().is_empty()))
                .map(|(k, v)| format!("{}={}", k.trim(), v.trim()))
                .collect(),
        }
    }

    /// One error per bad field (email is mandatory), from the client's validator.
    pub fn validate(&self) -> Vec<TicketError> {
        match self.to_genesys().parse() {
            Ok(_) => Vec::new(),
            Err(errors) => errors
                .into_iter()
                .map(|e| TicketError { field: TicketField::from(e.field), message: e.message })
                .collect(),
        }
    }
}

impl From<crate::genesys::customer::TicketField> for TicketField {
    fn from(field: crate::genesys::customer::TicketField) -> Self {
        use crate::genesys::customer::TicketField as Client;
        match field {
            Client::Email => TicketField::Email,
            Client::Name => TicketField::Name,
            Client::Mobile => TicketField::Mobile,
            Client::Query | Client::Text => TicketField::Query,
            Client::Priority => TicketField::Priority,
            Client::Attr => TicketField::Attributes,
        }
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

/// An open-messaging integration of the org, for the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationSummary {
    pub id: String,
    pub name: String,
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
        message_id: String,
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
    /// Stops listener, emulator and tasks.
    Shutdown,
}

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
    IntegrationsListed {
        request: RequestId,
        result: Result<Vec<IntegrationSummary>, String>,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket() -> TicketDraft {
        TicketDraft {
            name: "Ada".into(),
            mobile: "+353 87 123 4567".into(),
            email: "ada@example.com".into(),
            query: "My order is late".into(),
            ..TicketDraft::default()
        }
    }

    #[test]
    fn a_complete_ticket_is_valid() {
        assert_eq!(ticket().validate(), vec![]);
    }

    #[test]
    fn email_is_mandatory_and_the_others_are_checked_when_given() {
        let mut t = ticket();
        t.email = " ".into();
        t.mobile = "12ab".into();
        let fields: Vec<_> = t.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec![TicketField::Email, TicketField::Mobile]);
        t = ticket();
        t.name = String::new();
        t.mobile = String::new();
        assert_eq!(t.validate(), vec![], "name and mobile are optional");
        t.email = "ada@".into();
        assert!(t.validate()[0].message.starts_with("Email \"ada@\" is not an email address"));
        t = ticket();
        t.query = String::new();
        assert_eq!(t.validate()[0].field, TicketField::Query);
        t = ticket();
        t.attributes = vec![(String::new(), "orphan".into())];
        assert_eq!(t.validate()[0].field, TicketField::Attributes);
    }

    #[test]
    fn debug_of_a_save_command_hides_secrets() {
        let mut draft = crate::config::defaults::emulator_account_draft();
        draft.client_secret = "top-secret-value".into();
        let cmd = Command::SaveAccount { env: Environment::Development, original_name: None, draft };
        assert!(!format!("{cmd:?}").contains("top-secret-value"));
    }
}
