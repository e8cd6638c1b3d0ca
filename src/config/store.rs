//! The accounts file: tier and non-secret account fields per environment,
//! written atomically; secrets go through [`super::secrets`].
//!
//! File shape (`accounts.json`):
//! `{"version":1,"tier":"two","accounts":{"development":[..],"staging":[..],"sandbox":[..]}}`.
//! Live and Production store nothing: they show Development's and Staging's.
//! The CLI and the GUI may both write, so every mutation re-reads the file first.

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::account::{Account, AccountDraft, Field, FieldError, same_name};
use super::atomic;
use super::defaults;
use super::environment::{Environment, Tier};
use super::lock::FileLock;
use super::paths::Paths;
use super::regions::Host;
use super::secrets::{SecretBackend, SecretKey, SecretKind, Secrets};

/// The accounts file format version this build reads and writes.
pub const FILE_VERSION: u32 = 1;

/// The lock file beside the accounts file, held around every read-check-write
/// of the accounts (and, inside it, of their secrets). See [`super::lock`].
pub const ACCOUNTS_LOCK_FILE: &str = "accounts.lock";

/// Why an accounts operation failed. Messages name the field or file and the fix.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// One or more fields are invalid (exit code 2 in the CLI).
    #[error("{}", .0.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<FieldError>),
    /// A mutation in Live/Production; the message says where to edit instead.
    #[error("{0}")]
    ReadOnly(String),
    /// No account of that name in that environment.
    #[error("{0}")]
    NotFound(String),
    /// File, keyring or format trouble (names the file).
    #[error("{0}")]
    Io(String),
    /// The accounts file could not be parsed. A copy was saved to `backup`;
    /// [`AccountStore::reset_corrupt`] moves the file aside and starts fresh.
    #[error(
        "{} is corrupt ({message}). A copy was saved as {}. Fix the file by hand, or start fresh (the app's \"Start fresh\" button moves it aside)",
        file.display(),
        backup.display()
    )]
    Corrupt { file: PathBuf, backup: PathBuf, message: String },
}

/// An entry of the accounts file that cannot be used (hand-edited with a bad
/// value). The other accounts still load; `message` names the file, the
/// account, the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BrokenAccount {
    pub env: Environment,
    pub name: String,
    pub field: Field,
    pub message: String,
}

/// The accounts of one environment that loaded, and the entries that did not.
#[derive(Debug, Default)]
pub struct LoadedAccounts {
    pub accounts: Vec<Account>,
    pub broken: Vec<BrokenAccount>,
}

/// One account as stored in the file: no secrets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredAccount {
    name: String,
    host: String,
    client_id: String,
    integration_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    public_webhook_base: Option<String>,
    #[serde(default)]
    accept_unsigned: bool,
    /// Events switched off (files written before the switch existed: on).
    #[serde(default)]
    events_off: bool,
}

/// Accounts per storing environment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct StoredAccounts {
    #[serde(default)]
    development: Vec<StoredAccount>,
    #[serde(default)]
    staging: Vec<StoredAccount>,
    #[serde(default)]
    sandbox: Vec<StoredAccount>,
}

impl StoredAccounts {
    fn list(&self, env: Environment) -> &Vec<StoredAccount> {
        match env.source() {
            Environment::Staging => &self.staging,
            Environment::Sandbox => &self.sandbox,
            _ => &self.development,
        }
    }

    fn list_mut(&mut self, env: Environment) -> &mut Vec<StoredAccount> {
        match env.source() {
            Environment::Staging => &mut self.staging,
            Environment::Sandbox => &mut self.sandbox,
            _ => &mut self.development,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct AccountsFile {
    version: u32,
    #[serde(default)]
    tier: Tier,
    #[serde(default)]
    accounts: StoredAccounts,
}

/// The loaded workspace: tier plus accounts per storing environment.
#[derive(Debug)]
pub struct AccountStore {
    path: PathBuf,
    secrets: Secrets,
    file: AccountsFile,
    /// Broken entries already logged by [`AccountStore::accounts`], so each is reported once.
    reported: parking_lot::Mutex<std::collections::BTreeSet<String>>,
}

/// The exclusive lock for changing the accounts file at `accounts`.
fn lock(accounts: &Path) -> Result<FileLock, StoreError> {
    let path = accounts.with_file_name(ACCOUNTS_LOCK_FILE);
    FileLock::acquire(&path).map_err(|e| {
        StoreError::Io(format!(
            "Could not lock {} ({e}): check that the config folder is writable by you",
            path.display()
        ))
    })
}

fn io_err(what: &str, path: &Path, e: impl std::fmt::Display) -> StoreError {
    StoreError::Io(format!("Could not {what} {}: {e}", path.display()))
}

impl AccountStore {
    /// Opens (and on first run creates, with the Emulator account) the accounts file.
    /// Secrets go to the store chosen by `GENESYS_DESK_SECRET_STORE` (default: auto).
    pub fn open(paths: &Paths) -> Result<AccountStore, StoreError> {
        let secrets = Secrets::open(paths).map_err(|e| StoreError::Io(e.0))?;
        Self::open_with_secrets(paths, secrets)
    }

    /// Like [`AccountStore::open`] with a given secret store (tests, or a store opened once and reused).
    pub fn open_with_secrets(paths: &Paths, secrets: Secrets) -> Result<AccountStore, StoreError> {
        let path = paths.accounts_file();
        if let Some(file) = read_file(&path)? {
            return Ok(AccountStore { path, secrets, file, reported: Default::default() });
        }
        // First run: another process may be creating the file right now.
        let _lock = lock(&path)?;
        match read_file(&path)? {
            Some(file) => Ok(AccountStore { path, secrets, file, reported: Default::default() }),
            None => {
                let mut store = AccountStore {
                    path,
                    secrets,
                    file: AccountsFile { version: FILE_VERSION, tier: Tier::Two, accounts: StoredAccounts::default() },
                    reported: Default::default(),
                };
                store.first_run()?;
                Ok(store)
            }
        }
    }

    /// Moves a corrupt (or any existing) accounts file aside to its backup
    /// `accounts.json.corrupt-<content hash>` (kept once per distinct content)
    /// and opens a fresh first-run workspace.
    pub fn reset_corrupt(paths: &Paths) -> Result<AccountStore, StoreError> {
        let path = paths.accounts_file();
        {
            let _lock = lock(&path)?;
            if path.exists() {
                let aside = atomic::copy_to_backup(&path).map_err(|e| io_err("back up", &path, e))?;
                fs::remove_file(&path).map_err(|e| io_err("move aside", &path, e))?;
                tracing::warn!("moved {} aside to {}", path.display(), aside.display());
            }
        }
        Self::open(paths)
    }

    /// Writes the first-run workspace: two tiers, the Emulator account in Development.
    fn first_run(&mut self) -> Result<(), StoreError> {
        let draft = defaults::emulator_account_draft();
        let account = draft.parse().map_err(StoreError::Invalid)?;
        self.write_secrets(Environment::Development, &account)?;
        self.file.accounts.development.push(stored(&account));
        self.write()
    }

    /// Re-reads the accounts file (the CLI or another window may have changed it).
    pub fn reload(&mut self) -> Result<(), StoreError> {
        if let Some(file) = read_file(&self.path)? {
            self.file = file;
        }
        Ok(())
    }

    /// The accounts file this store reads and writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn tier(&self) -> Tier {
        self.file.tier
    }

    pub fn set_tier(&mut self, tier: Tier) -> Result<(), StoreError> {
        let _lock = lock(&self.path)?;
        self.reload()?;
        self.file.tier = tier;
        self.write()
    }

    /// Where secrets are kept, with its warning when it is the file fallback.
    pub fn secret_backend(&self) -> SecretBackend {
        self.secrets.backend()
    }

    /// Accounts visible in `env` (Live shows Development's, Production Staging's), secrets loaded.
    /// A secret the store no longer has (keyutils after a reboot) comes back empty.
    /// Entries with an invalid value are left out and logged once as a warning
    /// (naming account, field and fix); [`AccountStore::load_accounts`] returns them.
    pub fn accounts(&self, env: Environment) -> Result<Vec<Account>, StoreError> {
        let loaded = self.load_accounts(env)?;
        let mut reported = self.reported.lock();
        for broken in loaded.broken {
            if reported.insert(broken.message.clone()) {
                tracing::warn!("{broken}");
            }
        }
        Ok(loaded.accounts)
    }

    /// Accounts visible in `env` that load, plus one [`BrokenAccount`] per entry
    /// that does not: one bad entry never hides the others. Only a failing
    /// secret store is an error.
    pub fn load_accounts(&self, env: Environment) -> Result<LoadedAccounts, StoreError> {
        let mut loaded = LoadedAccounts::default();
        for s in self.file.accounts.list(env) {
            match self.check(env, s) {
                Ok(ids) => loaded.accounts.push(self.with_secrets(env, s, ids)?),
                Err(broken) => loaded.broken.push(broken),
            }
        }
        Ok(loaded)
    }

    /// Account names visible in `env`, without touching the secret store.
    pub fn names(&self, env: Environment) -> Vec<String> {
        self.file.accounts.list(env).iter().map(|s| s.name.clone()).collect()
    }

    /// One account by name (case-insensitive) visible in `env`.
    pub fn account(&self, env: Environment, name: &str) -> Result<Account, StoreError> {
        let found = self.file.accounts.list(env).iter().find(|s| same_name(&s.name, name));
        match found {
            Some(s) => self.load(env, s),
            None => Err(not_found(env, name)),
        }
    }

    /// Adds (when `original_name` is None) or replaces an account in `env`.
    /// Renaming moves the secrets to the new name.
    pub fn save(
        &mut self,
        env: Environment,
        original_name: Option<&str>,
        draft: &AccountDraft,
    ) -> Result<Account, StoreError> {
        if env.is_read_only() {
            return Err(StoreError::ReadOnly(env.read_only_message()));
        }
        let account = draft.parse().map_err(StoreError::Invalid)?;
        // Checks (name taken, limit) and writes see one version of the file:
        // no other writer runs until this one has written accounts and secrets.
        let _lock = lock(&self.path)?;
        self.reload()?;
        let list = self.file.accounts.list(env);
        let index = match original_name {
            Some(original) => {
                Some(list.iter().position(|s| same_name(&s.name, original)).ok_or_else(|| not_found(env, original))?)
            }
            None => None,
        };
        if let Some(other) =
            list.iter().enumerate().find(|(i, s)| Some(*i) != index && same_name(&s.name, &account.name))
        {
            return Err(StoreError::Invalid(vec![FieldError::new(
                Field::Name,
                format!(
                    "Account name \"{}\" is already used by \"{}\" in {env} (names are not case-sensitive): choose another name",
                    account.name, other.1.name
                ),
            )]));
        }
        if index.is_none() && list.len() >= defaults::MAX_ACCOUNTS_PER_ENVIRONMENT {
            return Err(StoreError::Invalid(vec![FieldError::new(
                Field::Name,
                format!(
                    "{env} already has {} accounts, the limit per environment: remove one before adding \"{}\"",
                    defaults::MAX_ACCOUNTS_PER_ENVIRONMENT,
                    account.name
                ),
            )]));
        }
        let old_name = index.map(|i| list[i].name.clone());
        self.write_secrets(env, &account)?;
        let entry = stored(&account);
        match index {
            Some(i) => self.file.accounts.list_mut(env)[i] = entry,
            None => self.file.accounts.list_mut(env).push(entry),
        }
        self.write()?;
        // The new secrets are safely stored; only now drop the old name's.
        if let Some(old) = old_name.filter(|old| !same_name(old, &account.name)) {
            self.delete_secrets(env, &old)?;
        }
        Ok(account)
    }

    pub fn remove(&mut self, env: Environment, name: &str) -> Result<(), StoreError> {
        if env.is_read_only() {
            return Err(StoreError::ReadOnly(env.read_only_message()));
        }
        let _lock = lock(&self.path)?;
        self.reload()?;
        let list = self.file.accounts.list_mut(env);
        let index = list.iter().position(|s| same_name(&s.name, name)).ok_or_else(|| not_found(env, name))?;
        let removed = list.remove(index);
        self.write()?;
        self.delete_secrets(env, &removed.name)
    }

    fn load(&self, env: Environment, s: &StoredAccount) -> Result<Account, StoreError> {
        let ids = self.check(env, s).map_err(|b| StoreError::Io(b.message))?;
        self.with_secrets(env, s, ids)
    }

    /// The entry's host and ids, or which field is invalid and how to fix it.
    fn check(&self, env: Environment, s: &StoredAccount) -> Result<(Host, Uuid, Uuid), BrokenAccount> {
        let bad = |field: Field, key: &str, e: String| BrokenAccount {
            env: env.source(),
            name: s.name.clone(),
            field,
            message: format!(
                "{}: account \"{}\" in {} has an invalid {key} ({e}): fix it in the file or remove the account \
                 (`genesys-desk accounts remove \"{}\" --env {}`)",
                self.path.display(),
                s.name,
                env.source(),
                s.name,
                env.source().label().to_lowercase()
            ),
        };
        let host = Host::parse(&s.host).map_err(|e| bad(Field::Host, "host", e))?;
        let client_id =
            Uuid::try_parse(s.client_id.trim()).map_err(|e| bad(Field::ClientId, "client_id", e.to_string()))?;
        let integration_id = Uuid::try_parse(s.integration_id.trim())
            .map_err(|e| bad(Field::IntegrationId, "integration_id", e.to_string()))?;
        Ok((host, client_id, integration_id))
    }

    fn with_secrets(
        &self,
        env: Environment,
        s: &StoredAccount,
        (host, client_id, integration_id): (Host, Uuid, Uuid),
    ) -> Result<Account, StoreError> {
        let secret = |kind| self.secrets.get(&SecretKey::new(env, &s.name, kind)).map_err(|e| StoreError::Io(e.0));
        Ok(Account {
            name: s.name.clone(),
            host,
            client_id,
            client_secret: secret(SecretKind::ClientSecret)?.unwrap_or_default(),
            integration_id,
            webhook_secret: secret(SecretKind::WebhookSecret)?.filter(|w| !w.is_empty()),
            public_webhook_base: s.public_webhook_base.clone().filter(|b| !b.is_empty()),
            accept_unsigned: s.accept_unsigned,
            events_off: s.events_off,
        })
    }

    fn write_secrets(&self, env: Environment, account: &Account) -> Result<(), StoreError> {
        let key = |kind| SecretKey::new(env, &account.name, kind);
        self.secrets.set(&key(SecretKind::ClientSecret), &account.client_secret).map_err(|e| StoreError::Io(e.0))?;
        let webhook = account.webhook_secret.clone().unwrap_or_default();
        self.secrets.set(&key(SecretKind::WebhookSecret), &webhook).map_err(|e| StoreError::Io(e.0))
    }

    fn delete_secrets(&self, env: Environment, name: &str) -> Result<(), StoreError> {
        for kind in [SecretKind::ClientSecret, SecretKind::WebhookSecret] {
            self.secrets.delete(&SecretKey::new(env, name, kind)).map_err(|e| StoreError::Io(e.0))?;
        }
        Ok(())
    }

    fn write(&self) -> Result<(), StoreError> {
        let mut bytes = serde_json::to_vec_pretty(&self.file).map_err(|e| io_err("encode", &self.path, e))?;
        bytes.push(b'\n');
        atomic::write_atomic(&self.path, &bytes, 0o600).map_err(|e| io_err("write", &self.path, e))
    }
}

fn not_found(env: Environment, name: &str) -> StoreError {
    StoreError::NotFound(format!(
        "No account named \"{}\" in {env}: list them with `genesys-desk accounts list --env {}`",
        name.trim(),
        env.label().to_lowercase()
    ))
}

fn stored(account: &Account) -> StoredAccount {
    StoredAccount {
        name: account.name.clone(),
        host: account.host.as_config_str(),
        client_id: account.client_id.to_string(),
        integration_id: account.integration_id.to_string(),
        public_webhook_base: account.public_webhook_base.clone(),
        accept_unsigned: account.accept_unsigned,
        events_off: account.events_off,
    }
}

/// Reads the accounts file: `None` when it does not exist. A file that does not
/// parse is first copied to its backup (one per distinct content, never
/// overwriting another file), then reported.
fn read_file(path: &Path) -> Result<Option<AccountsFile>, StoreError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err("read", path, e)),
    };
    match serde_json::from_slice::<AccountsFile>(&bytes) {
        Ok(file) if file.version == FILE_VERSION => Ok(Some(file)),
        Ok(file) => Err(StoreError::Io(format!(
            "{} has version {}, this genesys-desk reads version {FILE_VERSION}: use a newer genesys-desk",
            path.display(),
            file.version
        ))),
        Err(e) => {
            let backup = atomic::copy_to_backup(path).map_err(|err| {
                StoreError::Io(format!(
                    "{} is corrupt ({e}) and could not be backed up ({err}): copy it somewhere safe, then fix or delete it",
                    path.display()
                ))
            })?;
            Err(StoreError::Corrupt { file: path.to_path_buf(), backup, message: e.to_string() })
        }
    }
}

mod edit;

#[cfg(test)]
mod tests;
