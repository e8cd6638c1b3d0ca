//! The accounts as the engine last loaded them.

use std::collections::BTreeMap;

use crate::config::defaults::MAX_ACCOUNTS_PER_ENVIRONMENT;
use crate::config::{Account, Environment, Tier};
use crate::engine::command::{Event, ToastLevel};

/// Accounts keyed by the environment that stores them (see `Event::AccountsLoaded`).
#[derive(Debug, Clone)]
pub struct Accounts {
    pub tier: Tier,
    pub by_env: BTreeMap<Environment, Vec<Account>>,
    /// The first `AccountsLoaded` arrived.
    pub loaded: bool,
    /// Why secrets are not in the OS keyring, if they are not.
    pub secret_warning: Option<String>,
}

impl Default for Accounts {
    fn default() -> Self {
        Self { tier: Tier::Two, by_env: BTreeMap::new(), loaded: false, secret_warning: None }
    }
}

impl Accounts {
    /// Applies an account event; returns the toast it deserves, if any.
    /// Saves and deletions get none here: the engine sends its own `Toast`.
    pub fn apply(&mut self, event: Event) -> Option<(ToastLevel, String)> {
        match event {
            Event::AccountsLoaded { tier, accounts, secret_warning } => {
                self.tier = tier;
                self.by_env = accounts;
                self.loaded = true;
                self.secret_warning = secret_warning;
                None
            }
            Event::AccountSaveFailed { message, .. } => Some((ToastLevel::Error, message)),
            Event::AccountDeleted { env, name } => {
                if let Some(list) = self.by_env.get_mut(&env.source()) {
                    list.retain(|a| a.name != name);
                }
                None
            }
            _ => None,
        }
    }

    /// The accounts visible in `env` (Live and Production show their source's).
    pub fn of(&self, env: Environment) -> &[Account] {
        self.by_env.get(&env).or_else(|| self.by_env.get(&env.source())).map(Vec::as_slice).unwrap_or(&[])
    }

    /// "3 of 5 accounts"
    pub fn count_text(&self, env: Environment) -> String {
        format!("{} of {} accounts", self.of(env).len(), MAX_ACCOUNTS_PER_ENVIRONMENT)
    }

    pub fn at_limit(&self, env: Environment) -> bool {
        self.of(env).len() >= MAX_ACCOUNTS_PER_ENVIRONMENT
    }
}
