//! Accounts shared without secrets, from the window: export to a file, read
//! a file for the import dialog (which variables it names are set here), and
//! import with the secrets typed in the dialog or read from those variables.

use std::path::PathBuf;

use super::command::{Event, ToastLevel};
use super::worker::Engine;
use crate::config::Environment;
use crate::config::share::{SharedAccount, SharedSetup};

/// An account of an import file, as the import dialog shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportCandidate {
    pub account: SharedAccount,
    /// The variable the file names for the client secret is set in this process.
    pub client_env_set: bool,
    /// Same for the webhook secret (false when the file names none).
    pub webhook_env_set: bool,
}

/// An account to import and the secrets typed for it (empty: read the
/// variable the file names).
#[derive(Clone, PartialEq, Eq)]
pub struct ImportChoice {
    pub account: SharedAccount,
    pub client_secret: String,
    pub webhook_secret: String,
}

impl std::fmt::Debug for ImportChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportChoice").field("account", &self.account.name).finish_non_exhaustive()
    }
}

fn env_value(var: &str) -> Option<String> {
    std::env::var(var).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

impl Engine {
    pub(super) fn export_accounts(&mut self, env: Environment, path: PathBuf) {
        let result = self.accounts.store_mut().map_err(|e| e.to_string()).and_then(|store| {
            let loaded = store.load_accounts(env).map_err(|e| e.to_string())?;
            let accounts = crate::config::share::chosen(loaded.accounts, &[]).unwrap_or_default();
            let text = SharedSetup::export(&accounts).to_json();
            crate::config::atomic::write_user_file(&path, 0o644, |w| w.write_all(text.as_bytes()))
                .map_err(|e| format!("Could not write {}: {e}", path.display()))?;
            Ok(accounts.len())
        });
        match result {
            Ok(n) => self.shared.toast(
                ToastLevel::Success,
                format!("Exported {n} account(s) of {env} to {} (no secrets)", path.display()),
            ),
            Err(e) => self.shared.toast(ToastLevel::Error, e),
        }
    }

    pub(super) fn read_accounts_file(&mut self, path: PathBuf) {
        let result = std::fs::read_to_string(&path)
            .map_err(|e| format!("Could not read {}: {e}", path.display()))
            .and_then(|text| SharedSetup::parse(&text).map_err(|e| format!("{}: {e}", path.display())))
            .map(|setup| {
                setup
                    .accounts
                    .into_iter()
                    .map(|account| ImportCandidate {
                        client_env_set: env_value(&account.client_secret_env).is_some(),
                        webhook_env_set: account.webhook_secret_env.as_deref().and_then(env_value).is_some(),
                        account,
                    })
                    .collect()
            });
        self.shared.events.send(Event::AccountsFileRead { path, result });
    }

    pub(super) fn import_accounts(&mut self, env: Environment, choices: Vec<ImportChoice>) {
        match self.try_import(env, choices) {
            Ok(names) => {
                self.shared.toast(ToastLevel::Success, format!("Imported {} into {env}", names.join(", ")));
                self.accounts_changed();
            }
            Err(e) => self.shared.toast(ToastLevel::Error, e),
        }
    }

    /// Checks names, limit and every secret before saving anything.
    fn try_import(&mut self, env: Environment, choices: Vec<ImportChoice>) -> Result<Vec<String>, String> {
        let store = self.accounts.store_mut().map_err(|e| e.to_string())?;
        let setup = SharedSetup {
            format: crate::config::share::FORMAT.into(),
            version: crate::config::share::VERSION,
            accounts: choices.iter().map(|c| c.account.clone()).collect(),
        };
        if let Some(message) = setup.room_error(&store.names(env), &env.to_string()) {
            return Err(message);
        }
        let mut drafts = Vec::new();
        for choice in choices {
            let a = &choice.account;
            let secret = |typed: &str, var: &str, what: &str| {
                Some(typed.trim().to_string()).filter(|t| !t.is_empty()).or_else(|| env_value(var)).ok_or_else(|| {
                    format!(
                        "Type the {what} of \"{}\" (or set {var} before starting genesys-desk): nothing imported",
                        a.name
                    )
                })
            };
            let client = secret(&choice.client_secret, &a.client_secret_env, "client secret")?;
            let webhook = match &a.webhook_secret_env {
                Some(var) => secret(&choice.webhook_secret, var, "webhook secret")?,
                None => choice.webhook_secret.trim().to_string(),
            };
            let draft = a.draft(client, webhook);
            draft.parse().map_err(|errors| {
                let text: Vec<String> = errors.into_iter().map(|e| e.message).collect();
                format!("\"{}\": {}: nothing imported", a.name, text.join("; "))
            })?;
            drafts.push(draft);
        }
        let mut names = Vec::new();
        for draft in &drafts {
            let account = store.save(env, None, draft).map_err(|e| e.to_string())?;
            names.push(format!("\"{}\"", account.name));
        }
        Ok(names)
    }
}
