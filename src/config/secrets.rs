//! Secrets (client secret, webhook secret) in the OS keyring when one is
//! available: Secret Service, else a 0600 file with a visible warning; kernel
//! keyutils when forced (see [`Secrets::open_with`] for why `auto` skips it).
//! The store is chosen at run time, so one binary works on a desktop, a
//! headless server and CI; `GENESYS_DESK_SECRET_STORE` forces one.
//!
//! Keyring entries are named `service = "genesys-desk"`, `user =
//! "<workspace>/<environment>/<account name, lowercase>/<kind>"`, where
//! `<workspace>` is a short hash of the config folder: two homes (a test's temp
//! home and the real one) never see each other's secrets.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::atomic;
use super::environment::Environment;
use super::lock::FileLock;
use super::paths::Paths;
use super::secret::SecretString;
pub use stores::session_bus;
use stores::{keyutils, native_store, secret_service};

mod stores;

/// Environment variable that forces a secret store: `auto` (default),
/// `secret-service`, `keyutils` or `file`.
pub const SECRET_STORE_ENV: &str = "GENESYS_DESK_SECRET_STORE";

/// The lock file beside the secrets file (see [`super::lock`]).
pub const SECRETS_LOCK_FILE: &str = "secrets.lock";

/// The keyring service name of every entry.
pub const KEYRING_SERVICE: &str = "genesys-desk";

/// Where secrets are stored on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretBackend {
    SecretService,
    KeyUtils,
    File,
    /// The macOS Keychain or the Windows Credential Manager (not built or tested here).
    Native,
}

impl SecretBackend {
    /// A warning to show the user, if this backend deserves one.
    pub fn warning(&self) -> Option<String> {
        match self {
            SecretBackend::File => Some("No OS keyring available: secrets are stored in a 0600 file".into()),
            SecretBackend::KeyUtils => Some("Secrets are in the kernel keyring: they are lost at reboot".into()),
            SecretBackend::SecretService | SecretBackend::Native => None,
        }
    }

    /// Short machine name, as accepted by `GENESYS_DESK_SECRET_STORE`.
    pub fn as_str(&self) -> &'static str {
        match self {
            SecretBackend::SecretService => "secret-service",
            SecretBackend::KeyUtils => "keyutils",
            SecretBackend::File => "file",
            SecretBackend::Native => "native",
        }
    }
}

impl fmt::Display for SecretBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SecretBackend::SecretService => "Secret Service (desktop keyring)",
            SecretBackend::KeyUtils => "kernel keyutils",
            SecretBackend::File => "0600 file",
            SecretBackend::Native if cfg!(target_os = "macos") => "macOS Keychain",
            SecretBackend::Native => "Windows Credential Manager",
        })
    }
}

/// Which store to use, from `GENESYS_DESK_SECRET_STORE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SecretStoreChoice {
    /// Secret Service (Linux) or the native store (macOS, Windows), then the
    /// file (see [`Secrets::open_with`] for why not keyutils).
    #[default]
    Auto,
    SecretService,
    KeyUtils,
    File,
    /// The macOS Keychain or the Windows Credential Manager.
    Native,
}

impl SecretStoreChoice {
    /// Reads `GENESYS_DESK_SECRET_STORE` (unset or empty means `auto`).
    pub fn from_env() -> Result<Self, SecretError> {
        match std::env::var(SECRET_STORE_ENV) {
            Ok(v) if !v.trim().is_empty() => v.parse(),
            _ => Ok(SecretStoreChoice::Auto),
        }
    }
}

impl FromStr for SecretStoreChoice {
    type Err = SecretError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(SecretStoreChoice::Auto),
            "secret-service" | "secretservice" => Ok(SecretStoreChoice::SecretService),
            "keyutils" => Ok(SecretStoreChoice::KeyUtils),
            "file" => Ok(SecretStoreChoice::File),
            "native" => Ok(SecretStoreChoice::Native),
            other => Err(SecretError(format!(
                "{SECRET_STORE_ENV}=\"{other}\" is unknown: use auto, secret-service, keyutils, native (macOS, Windows) or file"
            ))),
        }
    }
}

/// A secret store failure. The message names the store and the fix, never the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SecretError(pub String);

/// Which secret of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKind {
    ClientSecret,
    WebhookSecret,
}

impl SecretKind {
    fn as_str(self) -> &'static str {
        match self {
            SecretKind::ClientSecret => "client-secret",
            SecretKind::WebhookSecret => "webhook-secret",
        }
    }
}

/// Names one secret: the storing environment, the account and the kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretKey {
    pub env: Environment,
    /// The account name; lowercased in the key because names are unique case-insensitively.
    pub account: String,
    pub kind: SecretKind,
}

impl SecretKey {
    pub fn new(env: Environment, account: &str, kind: SecretKind) -> Self {
        Self { env: env.source(), account: account.to_string(), kind }
    }

    /// The key inside one workspace (the secrets file key).
    fn local(&self) -> String {
        format!("{}/{}/{}", self.env.label().to_lowercase(), self.account.to_lowercase(), self.kind.as_str())
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct SecretsFile {
    version: u32,
    #[serde(default)]
    secrets: BTreeMap<String, String>,
}

enum Inner {
    Keyring(Arc<CredentialStore>),
    File,
}

/// The secret store of one workspace.
pub struct Secrets {
    backend: SecretBackend,
    inner: Inner,
    /// Short hash of the config folder, prefixed to keyring entry names.
    workspace: String,
    /// The 0600 fallback file (also read when a keyring lacks an entry, so
    /// secrets written before a keyring appeared are not lost).
    file: PathBuf,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secrets").field("backend", &self.backend).field("file", &self.file).finish_non_exhaustive()
    }
}

impl Secrets {
    /// Opens the store chosen by `GENESYS_DESK_SECRET_STORE` (default `auto`).
    pub fn open(paths: &Paths) -> Result<Secrets, SecretError> {
        Self::open_with(paths, SecretStoreChoice::from_env()?)
    }

    /// Opens a given store; `Auto` tries Secret Service, then the file (keyutils only when forced).
    pub fn open_with(paths: &Paths, choice: SecretStoreChoice) -> Result<Secrets, SecretError> {
        let file = paths.secrets_file();
        let workspace = workspace_id(&paths.config_dir);
        let make = |backend, inner| Secrets { backend, inner, workspace: workspace.clone(), file: file.clone() };
        match choice {
            SecretStoreChoice::File => Ok(make(SecretBackend::File, Inner::File)),
            SecretStoreChoice::SecretService => secret_service()
                .map(|s| make(SecretBackend::SecretService, Inner::Keyring(s)))
                .map_err(|e| SecretError(format!("Secret Service is not available ({e}): start a desktop keyring (GNOME Keyring, KWallet) or set {SECRET_STORE_ENV}=file"))),
            SecretStoreChoice::KeyUtils => keyutils()
                .map(|s| make(SecretBackend::KeyUtils, Inner::Keyring(s)))
                .map_err(|e| SecretError(format!("kernel keyutils is not available ({e}): set {SECRET_STORE_ENV}=file"))),
            SecretStoreChoice::Native => native_store()
                .map(|s| make(SecretBackend::Native, Inner::Keyring(s)))
                .map_err(|e| SecretError(format!("the OS keychain is not available ({e}): set {SECRET_STORE_ENV}=file"))),
            SecretStoreChoice::Auto => {
                if let Ok(store) = secret_service() {
                    return Ok(make(SecretBackend::SecretService, Inner::Keyring(store)));
                }
                if let Ok(store) = native_store() {
                    return Ok(make(SecretBackend::Native, Inner::Keyring(store)));
                }
                // keyutils is NOT tried here, only when forced. Checked on this
                // machine kind: in a container the kernel refuses to read the key
                // back (`AccessDenied`, even in the writing process), and where it
                // does work a key lives in the session keyring (one per login) plus
                // the per-user persistent keyring, which expires after 3 days unused
                // (`/proc/sys/kernel/keys/persistent_keyring_expiry`) and at reboot.
                // An account added by the CLI in one terminal could then be missing
                // its secret in the GUI or a later process; the 0600 file cannot.
                // The warning is shown by the caller via `SecretBackend::warning`.
                tracing::debug!("no Secret Service; secrets go to {}", file.display());
                Ok(make(SecretBackend::File, Inner::File))
            }
        }
    }

    /// A store backed by any keyring-core store (tests use keyring-core's mock store).
    pub fn with_keyring(paths: &Paths, store: Arc<CredentialStore>, backend: SecretBackend) -> Secrets {
        Secrets {
            backend,
            inner: Inner::Keyring(store),
            workspace: workspace_id(&paths.config_dir),
            file: paths.secrets_file(),
        }
    }

    pub fn backend(&self) -> SecretBackend {
        self.backend.clone()
    }

    /// The secret, or `None` when it was never set (or a keyutils store lost it at reboot).
    pub fn get(&self, key: &SecretKey) -> Result<Option<SecretString>, SecretError> {
        if let Inner::Keyring(store) = &self.inner {
            match self.entry(store, key)?.get_password() {
                Ok(value) => return Ok(Some(SecretString::new(value))),
                Err(keyring_core::Error::NoEntry) => {}
                Err(e) => return Err(self.failure("read", key, &e)),
            }
            if !self.file.exists() {
                return Ok(None);
            }
        }
        Ok(self.read_file()?.secrets.get(&key.local()).map(|v| SecretString::new(v.clone())))
    }

    /// Stores a secret; an empty value deletes it (keyrings cannot hold empty values).
    pub fn set(&self, key: &SecretKey, value: &SecretString) -> Result<(), SecretError> {
        if value.is_empty() {
            return self.delete(key);
        }
        match &self.inner {
            Inner::Keyring(store) => {
                self.entry(store, key)?.set_password(value.expose()).map_err(|e| self.failure("save", key, &e))?;
                // A stale copy in the fallback file must not shadow the keyring later.
                self.remove_from_file(key)
            }
            Inner::File => {
                let _lock = self.lock()?;
                let mut file = self.read_file()?;
                file.secrets.insert(key.local(), value.expose().to_string());
                self.write_file(&file)
            }
        }
    }

    /// Deletes a secret; deleting a missing one is fine.
    pub fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        if let Inner::Keyring(store) = &self.inner {
            match self.entry(store, key)?.delete_credential() {
                Ok(()) | Err(keyring_core::Error::NoEntry) => {}
                Err(e) => return Err(self.failure("delete", key, &e)),
            }
        }
        self.remove_from_file(key)
    }

    fn entry(&self, store: &Arc<CredentialStore>, key: &SecretKey) -> Result<Entry, SecretError> {
        let user = format!("{}/{}", self.workspace, key.local());
        Entry::new_in_store(store, KEYRING_SERVICE, &user).map_err(|e| self.failure("open", key, &e))
    }

    fn failure(&self, action: &str, key: &SecretKey, err: &keyring_core::Error) -> SecretError {
        // keyring errors carry no secret values (BadEncoding would, so it is not printed).
        let detail = match err {
            keyring_core::Error::BadEncoding(_) | keyring_core::Error::BadDataFormat(..) => {
                "the stored value is not valid text".to_string()
            }
            other => other.to_string(),
        };
        SecretError(format!(
            "Could not {action} the {} of account \"{}\" ({}) in the {}: {detail}. Set {SECRET_STORE_ENV}=file to use the 0600 file instead",
            key.kind.as_str().replace('-', " "),
            key.account,
            key.env,
            self.backend
        ))
    }

    fn remove_from_file(&self, key: &SecretKey) -> Result<(), SecretError> {
        if !self.file.exists() {
            return Ok(());
        }
        let _lock = self.lock()?;
        let mut file = self.read_file()?;
        if file.secrets.remove(&key.local()).is_some() {
            self.write_file(&file)?;
        }
        Ok(())
    }

    /// Held around every read-modify-write of the secrets file, so two processes
    /// saving different accounts' secrets never drop each other's.
    fn lock(&self) -> Result<FileLock, SecretError> {
        let path = self.file.with_file_name(SECRETS_LOCK_FILE);
        FileLock::acquire(&path).map_err(|e| {
            SecretError(format!(
                "Could not lock {} ({e}): check that the config folder is writable by you",
                path.display()
            ))
        })
    }

    fn read_file(&self) -> Result<SecretsFile, SecretError> {
        match std::fs::read(&self.file) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                SecretError(format!(
                    "{} is not a valid secrets file ({e}): fix it or move it aside and re-enter the secrets",
                    self.file.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(SecretsFile { version: 1, ..Default::default() }),
            Err(e) => Err(SecretError(format!("Could not read {}: {e}", self.file.display()))),
        }
    }

    fn write_file(&self, file: &SecretsFile) -> Result<(), SecretError> {
        let bytes = serde_json::to_vec_pretty(&SecretsFile { version: 1, secrets: file.secrets.clone() })
            .map_err(|e| SecretError(format!("Could not encode the secrets file: {e}")))?;
        atomic::write_atomic(&self.file, &bytes, 0o600)
            .map_err(|e| SecretError(format!("Could not write {}: {e}", self.file.display())))
    }
}

/// A short, stable id of a config folder.
fn workspace_id(config_dir: &Path) -> String {
    let digest = Sha256::digest(config_dir.to_string_lossy().as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
