//! `AppState`: everything the views show, as plain data (no egui, no tokio).
//! Engine events change it through [`AppState::apply`]; views read it, edit
//! their drafts in it and ask it for the `Command`s to send.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::chats::{Chats, ThreadKey};
use super::pending::Pending;
use super::traffic_log::TrafficLog;
use crate::config::defaults::MAX_ACCOUNTS_PER_ENVIRONMENT;
use crate::config::{Account, AccountDraft, Environment, Field, FieldError, Tier};
use crate::engine::command::{
    Command, Event, IntegrationSummary, RequestId, TicketDraft, TicketError, TicketField, ToastLevel,
};
use crate::model::{Check, CheckId, CheckStatus, VerifyReport};

/// Messages laid out per page of a thread: long threads stay cheap to draw.
pub const CHAT_PAGE: usize = 200;

/// How long a toast stays on screen.
pub const TOAST_SHOWN_FOR: Duration = Duration::from_secs(6);

/// The side navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum View {
    #[default]
    Accounts,
    Verify,
    Chats,
    Traffic,
    Settings,
}

impl View {
    pub const ALL: [View; 5] = [View::Accounts, View::Verify, View::Chats, View::Traffic, View::Settings];

    pub fn label(self) -> &'static str {
        match self {
            View::Accounts => "Accounts",
            View::Verify => "Verify",
            View::Chats => "Chats",
            View::Traffic => "Traffic",
            View::Settings => "Settings",
        }
    }
}

/// Theme preference; `System` follows the OS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

/// Listener or emulator state as last reported by the engine.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ServiceStatus {
    #[default]
    Starting,
    Running {
        addr: SocketAddr,
        public_base: Option<String>,
    },
    Failed(String),
}

/// The account form of one selection (an existing account or a new one).
#[derive(Debug, Clone, Default)]
pub struct AccountForm {
    pub draft: AccountDraft,
    /// The saved name when editing an existing account.
    pub original_name: Option<String>,
    pub show_secret: bool,
    /// Save was pressed: show errors for empty fields too.
    pub submitted: bool,
    /// Errors the engine returned for the last save.
    pub server_errors: Vec<FieldError>,
}

impl AccountForm {
    pub fn new(original: Option<&Account>) -> Self {
        Self {
            draft: original.map(Account::to_draft).unwrap_or_default(),
            original_name: original.map(|a| a.name.clone()),
            ..Self::default()
        }
    }

    /// Inline errors from the shared validator. Untouched empty fields of a new
    /// form stay quiet until Save is pressed.
    pub fn errors(&self) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = self
            .draft
            .field_errors()
            .into_iter()
            .filter(|e| self.submitted || !self.value(e.field).trim().is_empty())
            .collect();
        for e in &self.server_errors {
            if !errors.iter().any(|x| x.field == e.field) && self.submitted {
                errors.push(e.clone());
            }
        }
        errors
    }

    pub fn error_for(&self, field: Field) -> Option<String> {
        self.errors().into_iter().find(|e| e.field == field).map(|e| e.message)
    }

    fn value(&self, field: Field) -> &str {
        let d = &self.draft;
        match field {
            Field::Name => &d.name,
            Field::Host => &d.host,
            Field::ClientId => &d.client_id,
            Field::ClientSecret => &d.client_secret,
            Field::IntegrationId => &d.integration_id,
            Field::WebhookSecret => &d.webhook_secret,
            Field::PublicWebhookBase => &d.public_webhook_base,
        }
    }
}

/// One verify run of an account: checks arrive one by one.
#[derive(Debug, Clone, Default)]
pub struct VerifyRun {
    pub request: RequestId,
    /// The checks of the current run so far (or of the last finished run).
    pub checks: Vec<Check>,
    pub result: Pending<VerifyReport>,
}

impl VerifyRun {
    /// Fields whose check failed in the latest finished or running run.
    pub fn failed_fields(&self) -> Vec<Field> {
        self.checks.iter().filter(|c| c.status == CheckStatus::Fail).filter_map(|c| c.field).collect()
    }

    /// True when the webhook check says the integration points elsewhere.
    pub fn webhook_mismatch(&self) -> bool {
        self.checks
            .iter()
            .any(|c| c.id == CheckId::Webhook && matches!(c.status, CheckStatus::Warn | CheckStatus::Fail))
    }
}

/// The "Start test chat" form.
#[derive(Debug, Clone, Default)]
pub struct ChatForm {
    pub ticket: TicketDraft,
    pub submitted: bool,
    pub request: Option<RequestId>,
    /// Ok: the thread that was started.
    pub start: Pending<ThreadKey>,
    pub server_error: Option<(Option<TicketField>, String)>,
}

impl ChatForm {
    pub fn errors(&self) -> Vec<TicketError> {
        let mut errors = if self.submitted { self.ticket.validate() } else { Vec::new() };
        if let Some((field, message)) = &self.server_error {
            errors.push(TicketError { field: field.unwrap_or(TicketField::Account), message: message.clone() });
        }
        errors
    }

    pub fn error_for(&self, field: TicketField) -> Option<String> {
        self.errors().into_iter().find(|e| e.field == field).map(|e| e.message)
    }
}

/// A message for a few seconds in the corner.
#[derive(Debug, Clone)]
pub struct Toast {
    pub level: ToastLevel,
    pub text: String,
    pub at: Instant,
}

/// The selection and preferences kept between runs (eframe storage).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Persisted {
    pub view: View,
    pub env: Option<Environment>,
    pub account: Option<String>,
    pub theme: ThemeChoice,
}

/// Everything the app shows.
#[derive(Debug, Clone)]
pub struct AppState {
    pub view: View,
    pub tier: Tier,
    pub env: Environment,
    /// Keyed by the storing environment (see `Event::AccountsLoaded`).
    pub accounts: BTreeMap<Environment, Vec<Account>>,
    pub accounts_loaded: bool,
    pub secret_warning: Option<String>,
    pub selected_account: Option<String>,
    /// The Accounts view edits a new account instead of the selected one.
    pub editing_new: bool,
    forms: HashMap<(Environment, Option<String>), AccountForm>,
    /// The form key of the save in flight.
    saving: Option<(Environment, Option<String>)>,
    /// Keyed by (storing environment, account name).
    pub verify: BTreeMap<(Environment, String), VerifyRun>,
    pub integrations: Option<(RequestId, Pending<Vec<IntegrationSummary>>)>,
    /// Verify also posts a test message (the "send" check).
    pub verify_include_send: bool,
    pub chat_form: ChatForm,
    pub chats: Chats,
    pub selected_thread: Option<ThreadKey>,
    /// The message being typed in the open thread.
    pub compose: String,
    /// How many of the newest messages the open thread lays out ("Show older" adds more).
    pub chat_shown: usize,
    pub traffic: TrafficLog,
    /// Sequence number (see `TrafficLog::by_seq`) of the entry in the detail pane.
    pub selected_traffic: Option<u64>,
    pub listener: ServiceStatus,
    /// The listener address typed in Settings.
    pub listener_addr_draft: String,
    pub emulator: ServiceStatus,
    pub toasts: Vec<Toast>,
    pub auto_delivered: bool,
    pub theme: ThemeChoice,
    /// Set when "Point the integration's webhook" waits for confirmation: the URL.
    pub confirm_point_webhook: Option<String>,
    /// Agent message (Genesys id) whose "Mark failed" reason is being typed.
    pub failing_receipt: Option<(String, String)>,
    next_request: u64,
}

impl Default for AppState {
    fn default() -> Self {
        Self {
            view: View::default(),
            tier: Tier::Two,
            env: Tier::Two.default_environment(),
            accounts: BTreeMap::new(),
            accounts_loaded: false,
            secret_warning: None,
            selected_account: None,
            editing_new: false,
            forms: HashMap::new(),
            saving: None,
            verify: BTreeMap::new(),
            integrations: None,
            verify_include_send: false,
            chat_form: ChatForm::default(),
            chats: Chats::default(),
            selected_thread: None,
            compose: String::new(),
            chat_shown: CHAT_PAGE,
            traffic: TrafficLog::default(),
            selected_traffic: None,
            listener: ServiceStatus::Starting,
            listener_addr_draft: crate::config::defaults::LISTENER_ADDR.to_string(),
            emulator: ServiceStatus::Starting,
            toasts: Vec::new(),
            auto_delivered: true,
            theme: ThemeChoice::System,
            confirm_point_webhook: None,
            failing_receipt: None,
            next_request: 1,
        }
    }
}

impl AppState {
    /// A state restored from the last run's selection.
    pub fn restored(persisted: Persisted) -> Self {
        let mut state = AppState { view: persisted.view, theme: persisted.theme, ..AppState::default() };
        if let Some(env) = persisted.env {
            state.tier = env.tier();
            state.env = env;
        }
        state.selected_account = persisted.account;
        state
    }

    pub fn persisted(&self) -> Persisted {
        Persisted { view: self.view, env: Some(self.env), account: self.selected_account.clone(), theme: self.theme }
    }

    /// Applies one engine event.
    pub fn apply(&mut self, event: Event) {
        self.apply_at(event, Instant::now());
    }

    /// [`Self::apply`] with an explicit clock (tests).
    pub fn apply_at(&mut self, event: Event, now: Instant) {
        match event {
            Event::AccountsLoaded { tier, accounts, secret_warning } => {
                self.tier = tier;
                if !tier.environments().contains(&self.env) {
                    self.env = tier.default_environment();
                }
                self.accounts = accounts;
                self.accounts_loaded = true;
                self.secret_warning = secret_warning;
                // Clean forms reload from the new values; unsaved edits stay.
                let accounts = self.accounts.clone();
                self.forms.retain(|(env, name), form| {
                    let saved = name.as_ref().and_then(|n| accounts.get(env)?.iter().find(|a| &a.name == n));
                    match saved {
                        Some(account) => form.draft != account.to_draft(),
                        None => name.is_none() && form.draft != AccountDraft::default(),
                    }
                });
                let pristine_new = !self.forms.contains_key(&(self.env.source(), None));
                if self.editing_new && pristine_new && !self.env_accounts().is_empty() {
                    self.editing_new = false;
                }
                self.fix_selection();
            }
            Event::AccountSaved { env, name } => {
                if let Some(key) = self.saving.take() {
                    self.forms.remove(&key);
                }
                self.forms.remove(&(env.source(), Some(name.clone())));
                self.selected_account = Some(name.clone());
                self.editing_new = false;
                self.toast_at(ToastLevel::Success, format!("Saved account {name} in {env}"), now);
            }
            Event::AccountSaveFailed { env: _, errors, message } => {
                if let Some(key) = self.saving.take()
                    && let Some(form) = self.forms.get_mut(&key)
                {
                    form.server_errors = errors;
                    form.submitted = true;
                }
                self.toast_at(ToastLevel::Error, message, now);
            }
            Event::AccountDeleted { env, name } => {
                self.forms.remove(&(env.source(), Some(name.clone())));
                if let Some(list) = self.accounts.get_mut(&env.source()) {
                    list.retain(|a| a.name != name);
                }
                self.fix_selection();
                self.toast_at(ToastLevel::Info, format!("Deleted account {name} from {env}"), now);
            }
            Event::VerifyStarted { request, account } => {
                if self.run_mut(request).is_none() {
                    let run = VerifyRun { request, checks: Vec::new(), result: Pending::Waiting { previous: None } };
                    self.verify.insert((self.env.source(), account), run);
                }
            }
            Event::CheckFinished { request, check } => {
                if let Some(run) = self.run_mut(request) {
                    match run.checks.iter_mut().find(|c| c.id == check.id) {
                        Some(slot) => *slot = check,
                        None => run.checks.push(check),
                    }
                }
            }
            Event::VerifyFinished { request, report } => {
                let name = self.verify.iter().find(|(_, r)| r.request == request).map(|((_, n), _)| n.clone());
                if let Some(run) = self.run_mut(request) {
                    run.checks = report.checks.clone();
                    let ok = report.ok();
                    run.result.finish(Ok(report));
                    let (level, text) = if ok {
                        (ToastLevel::Success, format!("Verify {}: all checks passed", name.unwrap_or_default()))
                    } else {
                        (ToastLevel::Warning, format!("Verify {}: some checks failed", name.unwrap_or_default()))
                    };
                    self.toast_at(level, text, now);
                }
            }
            Event::IntegrationsListed { request, result } => {
                if let Some((id, pending)) = &mut self.integrations
                    && *id == request
                {
                    pending.finish(result);
                }
            }
            Event::ChatStarted { request, account, customer_id } => {
                if self.chat_form.request == Some(request) {
                    let key = (account, customer_id);
                    self.chats.ensure(key.clone());
                    self.chat_form.start.finish(Ok(key.clone()));
                    self.chat_form.submitted = false;
                    self.select_thread(Some(key));
                }
            }
            Event::ChatStartFailed { request, message, field } => {
                if self.chat_form.request == Some(request) {
                    self.chat_form.start.finish(Err(message.clone()));
                    self.chat_form.server_error = Some((field, message));
                }
            }
            Event::ChatMessageAdded(msg) => {
                // No auto-selection: `None` is the "Start test chat" form the user may be filling.
                self.chats.add(msg, now);
            }
            Event::ChatMessageUpdated(msg) => self.chats.update(msg, now),
            Event::AgentTyping { account, customer_id } => self.chats.typing((account, customer_id), now),
            Event::PresenceUnavailable { account, message } => self.chats.set_presence_problem(&account, message),
            Event::HistoryLoaded { messages, traffic } => {
                for msg in messages {
                    self.chats.add(msg, now);
                }
                self.traffic.load(traffic);
                self.selected_traffic = None;
            }
            Event::TrafficRecorded(entry) => self.traffic.push(entry),
            Event::ListenerStarted { addr, public_base } => {
                self.listener_addr_draft = addr.to_string();
                self.listener = ServiceStatus::Running { addr, public_base };
            }
            Event::ListenerFailed { error } => {
                self.toast_at(ToastLevel::Error, format!("Listener: {error}"), now);
                self.listener = ServiceStatus::Failed(error);
            }
            Event::EmulatorStarted { addr } => self.emulator = ServiceStatus::Running { addr, public_base: None },
            Event::EmulatorFailed { error } => {
                self.toast_at(ToastLevel::Error, format!("Emulator: {error}"), now);
                self.emulator = ServiceStatus::Failed(error);
            }
            Event::Toast { level, text } => self.toast_at(level, text, now),
        }
    }

    fn run_mut(&mut self, request: RequestId) -> Option<&mut VerifyRun> {
        self.verify.values_mut().find(|r| r.request == request)
    }

    /// Keeps the selection on an account that exists (first one otherwise).
    fn fix_selection(&mut self) {
        let names: Vec<String> = self.env_accounts().iter().map(|a| a.name.clone()).collect();
        if !self.selected_account.as_ref().is_some_and(|s| names.contains(s)) {
            self.selected_account = names.first().cloned();
        }
    }

    pub fn toast(&mut self, level: ToastLevel, text: impl Into<String>) {
        self.toast_at(level, text.into(), Instant::now());
    }

    fn toast_at(&mut self, level: ToastLevel, text: String, now: Instant) {
        self.toasts.push(Toast { level, text, at: now });
        if self.toasts.len() > 8 {
            self.toasts.remove(0);
        }
    }

    /// Drops toasts older than [`TOAST_SHOWN_FOR`].
    pub fn expire_toasts(&mut self, now: Instant) {
        self.toasts.retain(|t| now.saturating_duration_since(t.at) < TOAST_SHOWN_FOR);
    }

    pub fn next_request_id(&mut self) -> RequestId {
        let id = RequestId(self.next_request);
        self.next_request += 1;
        id
    }

    // ----- environments and accounts -----

    /// Switches environment (within the tier) and keeps a valid selection.
    pub fn set_env(&mut self, env: Environment) {
        if self.env != env {
            self.env = env;
            self.editing_new = false;
            self.integrations = None;
            self.fix_selection();
        }
    }

    pub fn read_only(&self) -> bool {
        self.env.is_read_only()
    }

    /// The accounts visible in the current environment.
    pub fn env_accounts(&self) -> &[Account] {
        self.accounts.get(&self.env).or_else(|| self.accounts.get(&self.env.source())).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn account(&self) -> Option<&Account> {
        let name = self.selected_account.as_ref()?;
        self.env_accounts().iter().find(|a| &a.name == name)
    }

    pub fn select_account(&mut self, name: Option<String>) {
        if self.selected_account != name {
            self.integrations = None;
        }
        self.selected_account = name;
        self.editing_new = false;
    }

    /// "3 of 5 accounts"
    pub fn account_count_text(&self) -> String {
        format!("{} of {} accounts", self.env_accounts().len(), MAX_ACCOUNTS_PER_ENVIRONMENT)
    }

    pub fn at_account_limit(&self) -> bool {
        self.env_accounts().len() >= MAX_ACCOUNTS_PER_ENVIRONMENT
    }

    fn form_key(&self) -> (Environment, Option<String>) {
        let name = if self.editing_new { None } else { self.selected_account.clone() };
        (self.env.source(), name)
    }

    /// The form of the current selection (created from the saved account on first use).
    pub fn form(&mut self) -> &mut AccountForm {
        let key = self.form_key();
        let account = key.1.as_ref().and_then(|_| self.account().cloned());
        self.forms.entry(key).or_insert_with(|| AccountForm::new(account.as_ref()))
    }

    /// Read-only access to the current form (a fresh one if never edited).
    pub fn form_view(&self) -> AccountForm {
        self.forms
            .get(&self.form_key())
            .cloned()
            .unwrap_or_else(|| AccountForm::new(if self.editing_new { None } else { self.account() }))
    }

    /// Validates the form and returns the save command, or None (errors now shown).
    pub fn save_command(&mut self) -> Option<Command> {
        if self.read_only() {
            self.toast(ToastLevel::Warning, self.env.read_only_message());
            return None;
        }
        let key = self.form_key();
        let env = self.env;
        let limit = key.1.is_none() && self.at_account_limit();
        let form = self.form();
        form.submitted = true;
        form.server_errors.clear();
        if !form.draft.field_errors().is_empty() {
            return None;
        }
        if limit {
            let text =
                format!("{env} already has {MAX_ACCOUNTS_PER_ENVIRONMENT} accounts: delete one before adding another");
            self.toast(ToastLevel::Warning, text);
            return None;
        }
        let command =
            Command::SaveAccount { env, original_name: form.original_name.clone(), draft: form.draft.clone() };
        self.saving = Some(key);
        Some(command)
    }

    pub fn delete_command(&mut self) -> Option<Command> {
        if self.read_only() || self.editing_new {
            return None;
        }
        let name = self.account()?.name.clone();
        Some(Command::DeleteAccount { env: self.env, name })
    }

    /// Fields to highlight on the Accounts form: failed verify checks.
    pub fn failed_fields(&self) -> Vec<Field> {
        self.verify_run().map(VerifyRun::failed_fields).unwrap_or_default()
    }

    pub fn list_integrations_command(&mut self) -> Option<Command> {
        let account = self.account()?.name.clone();
        let request = self.next_request_id();
        let mut pending = self.integrations.take().map(|(_, p)| p).unwrap_or_default();
        pending.start();
        self.integrations = Some((request, pending));
        Some(Command::ListIntegrations { request, env: self.env, account })
    }

    // ----- verify -----

    pub fn verify_run(&self) -> Option<&VerifyRun> {
        let name = self.selected_account.clone()?;
        self.verify.get(&(self.env.source(), name))
    }

    /// Starts a verify of the selected account: keeps the last result while waiting.
    pub fn verify_command(&mut self, include_send: bool) -> Option<Command> {
        let account = self.account()?.name.clone();
        let request = self.next_request_id();
        let run = self.verify.entry((self.env.source(), account.clone())).or_default();
        run.request = request;
        run.checks.clear();
        run.result.start();
        Some(Command::Verify { request, env: self.env, account, include_send })
    }

    /// The URL the integration's webhook should point at for the selected account.
    pub fn listener_webhook_url(&self) -> Option<String> {
        let account = self.account()?;
        if let Some(url) = account.public_webhook_url() {
            return Some(url);
        }
        match &self.listener {
            ServiceStatus::Running { public_base: Some(base), .. } => {
                Some(format!("{}{}", base.trim_end_matches('/'), account.webhook_path()))
            }
            ServiceStatus::Running { addr, .. } => Some(format!("http://{addr}{}", account.webhook_path())),
            _ => None,
        }
    }

    // ----- chats -----

    /// Validates the ticket and returns the start command for the selected account.
    pub fn start_chat_command(&mut self) -> Option<Command> {
        self.chat_form.submitted = true;
        self.chat_form.server_error = None;
        let Some(account) = self.account().map(|a| a.name.clone()) else {
            self.chat_form.server_error =
                Some((Some(TicketField::Account), "Account: pick an account in the top bar first".into()));
            return None;
        };
        if !self.chat_form.ticket.validate().is_empty() {
            return None;
        }
        let request = self.next_request_id();
        self.chat_form.request = Some(request);
        self.chat_form.start.start();
        let mut ticket = self.chat_form.ticket.clone();
        ticket.priority = ticket.priority.trim().to_ascii_uppercase();
        ticket.attributes.retain(|(k, _)| !k.trim().is_empty());
        Some(Command::StartChat { request, env: self.env, account, ticket })
    }

    /// Opens a thread (None: the "Start test chat" form).
    pub fn select_thread(&mut self, key: Option<ThreadKey>) {
        if self.selected_thread != key {
            self.selected_thread = key;
            self.chat_shown = CHAT_PAGE;
            self.failing_receipt = None;
        }
    }

    /// Opens the start form for a new conversation with the customer of
    /// `key`: same details, a fresh customer id (see `Chats::fresh_customer_id`).
    pub fn start_new_conversation(&mut self, key: &ThreadKey) {
        self.chat_form.ticket.email = self.chats.fresh_customer_id(&key.0, &key.1);
        self.chat_form.submitted = false;
        self.chat_form.server_error = None;
        self.select_thread(None);
    }

    /// Sends the composed text to the open thread.
    pub fn send_text_command(&mut self) -> Option<Command> {
        let (account, customer_id) = self.selected_thread.clone()?;
        let text = self.compose.trim().to_string();
        if text.is_empty() {
            return None;
        }
        self.compose.clear();
        Some(Command::SendText { env: self.env, account, customer_id, text })
    }
}

#[cfg(test)]
mod tests;
