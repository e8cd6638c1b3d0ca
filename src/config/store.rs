//! The accounts file: tier and non-secret account fields per environment,
//! written atomically; secrets go through [`super::secrets`].
//!
//! INTERFACE STUB: the foundation work fills these bodies in. The signatures
//! are what the client, listener, engine and UI build against.

use super::account::{Account, AccountDraft, FieldError};
use super::environment::{Environment, Tier};
use super::paths::Paths;
use super::secrets::SecretBackend;

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
}

/// The loaded workspace: tier plus accounts per storing environment.
#[derive(Debug)]
pub struct AccountStore {
    _private: (),
}

impl AccountStore {
    /// Opens (and on first run creates, with the Emulator account) the accounts file.
    pub fn open(_paths: &Paths) -> Result<AccountStore, StoreError> {
        Err(StoreError::Io("account store not built yet".into()))
    }

    pub fn tier(&self) -> Tier {
        Tier::Two
    }

    pub fn set_tier(&mut self, _tier: Tier) -> Result<(), StoreError> {
        Err(StoreError::Io("account store not built yet".into()))
    }

    /// Where secrets are kept, with its warning when it is the file fallback.
    pub fn secret_backend(&self) -> SecretBackend {
        SecretBackend::File
    }

    /// Accounts visible in `env` (Live shows Development's, Production Staging's), secrets loaded.
    pub fn accounts(&self, _env: Environment) -> Result<Vec<Account>, StoreError> {
        Err(StoreError::Io("account store not built yet".into()))
    }

    /// One account by name (case-insensitive) visible in `env`.
    pub fn account(&self, _env: Environment, _name: &str) -> Result<Account, StoreError> {
        Err(StoreError::Io("account store not built yet".into()))
    }

    /// Adds (when `original_name` is None) or replaces an account in `env`.
    pub fn save(
        &mut self,
        _env: Environment,
        _original_name: Option<&str>,
        _draft: &AccountDraft,
    ) -> Result<Account, StoreError> {
        Err(StoreError::Io("account store not built yet".into()))
    }

    pub fn remove(&mut self, _env: Environment, _name: &str) -> Result<(), StoreError> {
        Err(StoreError::Io("account store not built yet".into()))
    }
}
