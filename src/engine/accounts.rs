//! Where the engine's accounts come from (the accounts file, or the accounts
//! the command line resolved), their clients (built once, reused), and the
//! account commands.

use std::collections::{BTreeMap, HashMap};

use super::command::{Event, ToastLevel};
use super::error::AccountError;
use super::worker::Engine;
use super::{AccountSource, EngineConfig, EventSender};
use crate::config::{Account, AccountDraft, AccountStore, Environment, StoreError, Tier};
use crate::genesys::{Client, ClientOptions};
use crate::model::traffic::TrafficSink;
use crate::webhook::WebhookAccount;

/// The environments that store accounts (Live and Production only show them).
const STORING: [Environment; 3] = [Environment::Development, Environment::Staging, Environment::Sandbox];

enum Source {
    /// `None` when the file could not be opened (reported at start).
    Store(Option<AccountStore>),
    Given(Vec<Account>),
}

/// The accounts and their clients.
pub(super) struct Accounts {
    source: Source,
    /// Built clients with the account they were built from, by (environment, lowercase name);
    /// cleared when accounts change.
    clients: HashMap<(Environment, String), (Account, Client)>,
    options: ClientOptions,
    /// Where clients report their requests (stored and shown as traffic).
    traffic: TrafficSink,
    /// The last unreadable-accounts message, so it is reported once, not per lookup.
    reported: Option<String>,
    /// Fault modes switched on from the window, by account name (never stored; off at start).
    pub faults: HashMap<String, crate::webhook::fault::Fault>,
}

impl Accounts {
    pub fn open(config: &EngineConfig, traffic: TrafficSink, events: &EventSender) -> Self {
        let source = match &config.accounts {
            AccountSource::Given(accounts) => Source::Given(accounts.clone()),
            AccountSource::Stored => Source::Store(open_store(config, events)),
        };
        Self {
            source,
            clients: HashMap::new(),
            options: config.client_options.clone(),
            traffic,
            reported: None,
            faults: HashMap::new(),
        }
    }

    /// The account `name` as visible in `env` (a given account matches by name alone).
    pub fn account(&self, env: Environment, name: &str) -> Result<Account, AccountError> {
        match &self.source {
            Source::Store(Some(store)) => Ok(store.account(env, name)?),
            Source::Store(None) => Err(AccountError::NoStore),
            Source::Given(accounts) => accounts
                .iter()
                .find(|a| a.name.eq_ignore_ascii_case(name))
                .cloned()
                .ok_or_else(|| AccountError::NotGiven(name.to_string())),
        }
    }

    /// The client of an account visible in `env`, built once and reused.
    pub fn client(&mut self, env: Environment, name: &str) -> Result<(Account, Client), AccountError> {
        let account = self.account(env, name)?;
        let key = (env.source(), account.name.to_lowercase());
        if let Some((_, client)) = self.clients.get(&key) {
            return Ok((account, client.clone()));
        }
        let client = Client::new(&account, self.options.clone(), Some(self.traffic.clone()))?;
        self.clients.insert(key, (account.clone(), client.clone()));
        Ok((account, client))
    }

    /// The client of a webhook's account, whichever environment stores it
    /// (the listener path carries only the name). A client already built is
    /// reused without reading the accounts file again: this runs for every agent message.
    pub fn client_by_name(&mut self, name: &str) -> Option<(Account, Client)> {
        let lower = name.to_lowercase();
        let cached = STORING.into_iter().find_map(|env| self.clients.get(&(env.source(), lower.clone())));
        if let Some((account, client)) = cached {
            return Some((account.clone(), client.clone()));
        }
        STORING.into_iter().find_map(|env| self.client(env, name).ok())
    }

    pub fn client_options(&self) -> ClientOptions {
        self.options.clone()
    }

    pub fn traffic_sink(&self) -> TrafficSink {
        self.traffic.clone()
    }

    /// Every account; an environment whose accounts cannot be read is
    /// reported once (its webhooks are then answered 404).
    pub fn all(&mut self, events: &EventSender) -> Vec<Account> {
        let store = match &self.source {
            Source::Given(accounts) => return accounts.clone(),
            Source::Store(None) => return Vec::new(),
            Source::Store(Some(store)) => store,
        };
        let mut all = Vec::new();
        let mut problems = Vec::new();
        for env in STORING {
            match store.accounts(env) {
                Ok(list) => all.extend(list),
                Err(e) => problems.push(format!("{env}: {e}")),
            }
        }
        let problem = (!problems.is_empty()).then(|| problems.join("; "));
        if let Some(text) = &problem
            && self.reported.as_ref() != Some(text)
        {
            events.send(Event::Toast {
                level: ToastLevel::Error,
                text: format!("Some accounts cannot be read, so the listener does not accept their webhooks: {text}"),
            });
        }
        self.reported = problem;
        all
    }

    pub fn webhook_accounts(&mut self, events: &EventSender) -> Vec<WebhookAccount> {
        let faults = self.faults.clone();
        let with_fault =
            |a: &Account| WebhookAccount { fault: faults.get(&a.name).copied(), ..WebhookAccount::from(a) };
        self.all(events).iter().map(with_fault).collect()
    }

    /// The secret store of the accounts file (none for given accounts).
    pub fn secret_store(&self) -> Option<String> {
        let Source::Store(Some(store)) = &self.source else { return None };
        Some(store.secret_backend().to_string())
    }

    /// `AccountsLoaded` for the stored accounts (nothing for given ones).
    pub fn emit(&self, events: &EventSender) {
        let Source::Store(Some(store)) = &self.source else { return };
        let mut accounts = BTreeMap::new();
        for env in STORING {
            match store.accounts(env) {
                Ok(list) => {
                    accounts.insert(env, list);
                }
                Err(e) => events.send(Event::Toast { level: ToastLevel::Error, text: e.to_string() }),
            }
        }
        events.send(Event::AccountsLoaded {
            tier: store.tier(),
            accounts,
            secret_warning: store.secret_backend().warning(),
        });
    }

    pub(super) fn store_mut(&mut self) -> Result<&mut AccountStore, AccountError> {
        match &mut self.source {
            Source::Store(Some(store)) => Ok(store),
            Source::Store(None) | Source::Given(_) => Err(AccountError::NoStore),
        }
    }
}

/// The accounts file; a corrupt one is kept aside (never overwritten) and a
/// fresh first-run workspace started, since the window has no other way out.
fn open_store(config: &EngineConfig, events: &EventSender) -> Option<AccountStore> {
    let toast = |text: String| events.send(Event::Toast { level: ToastLevel::Error, text });
    match AccountStore::open(&config.paths) {
        Ok(store) => Some(store),
        Err(StoreError::Corrupt { file, backup, message }) => {
            let store = AccountStore::reset_corrupt(&config.paths).map_err(|e| toast(e.to_string())).ok();
            toast(format!(
                "The accounts file {} could not be read ({message}). It is kept as {}; genesys-desk \
                 started a fresh workspace with the Emulator account. Re-add your accounts or repair the backup.",
                file.display(),
                backup.display()
            ));
            store
        }
        Err(e) => {
            toast(e.to_string());
            None
        }
    }
}

impl Engine {
    pub(super) fn save_account(&mut self, env: Environment, original_name: Option<String>, draft: AccountDraft) {
        let saved = self
            .accounts
            .store_mut()
            .and_then(|store| store.save(env, original_name.as_deref(), &draft).map_err(AccountError::from));
        match saved {
            Ok(account) => {
                self.shared.events.send(Event::AccountSaved { env, name: account.name.clone() });
                self.shared.toast(ToastLevel::Success, format!("Saved account {}", account.name));
                self.accounts_changed();
            }
            Err(AccountError::Store(StoreError::Invalid(errors))) => {
                let message = errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("\n");
                self.shared.events.send(Event::AccountSaveFailed { env, errors, message });
            }
            Err(e) => {
                self.shared.events.send(Event::AccountSaveFailed { env, errors: Vec::new(), message: e.to_string() })
            }
        }
    }

    pub(super) fn delete_account(&mut self, env: Environment, name: String) {
        let Ok(store) = self.accounts.store_mut() else { return };
        match store.remove(env, &name) {
            Ok(()) => {
                self.shared.events.send(Event::AccountDeleted { env, name: name.clone() });
                self.shared.toast(ToastLevel::Info, format!("Deleted account {name}"));
                self.accounts_changed();
            }
            Err(e) => self.shared.toast(ToastLevel::Error, e.to_string()),
        }
    }

    pub(super) fn set_tier(&mut self, tier: Tier) {
        let Ok(store) = self.accounts.store_mut() else { return };
        if let Err(e) = store.set_tier(tier) {
            self.shared.toast(ToastLevel::Error, e.to_string());
        }
        self.accounts_changed();
    }

    /// Switches an account's fault mode on (Some) or off; the listener answers
    /// its next delivery so, and the window shows which accounts have one.
    pub(super) fn set_fault(&mut self, account: String, fault: Option<crate::webhook::fault::Fault>) {
        match fault {
            Some(fault) => self.accounts.faults.insert(account.clone(), fault),
            None => self.accounts.faults.remove(&account),
        };
        if let Some(listener) = &self.listener
            && self.listener_follows_accounts()
        {
            listener.handle().set_accounts(self.accounts.webhook_accounts(&self.shared.events));
        }
        self.shared.events.send(Event::FaultSet { account, fault });
    }

    /// Clients are rebuilt from the new accounts; a listener that follows the
    /// accounts sees the new set on its next request.
    pub(super) fn accounts_changed(&mut self) {
        self.accounts.clients.clear();
        if let Some(listener) = &self.listener
            && self.listener_follows_accounts()
        {
            listener.handle().set_accounts(self.accounts.webhook_accounts(&self.shared.events));
        }
        self.accounts.emit(&self.shared.events);
    }
}
