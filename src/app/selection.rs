//! What the user picked that several views share: the open view, the
//! environment, the account, the theme and the receipt preference. Not engine
//! state: the engine only constrains it (see [`Selection::follow`]).

use serde::{Deserialize, Serialize};

use super::state::AppState;
use crate::config::{Account, Environment, Tier};
use crate::engine::command::Event;

/// The side navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum View {
    #[default]
    Accounts,
    Verify,
    Chats,
    Traffic,
    Runs,
    Settings,
}

impl View {
    pub const ALL: [View; 6] = [View::Accounts, View::Verify, View::Chats, View::Traffic, View::Runs, View::Settings];

    pub fn label(self) -> &'static str {
        match self {
            View::Accounts => "Accounts",
            View::Verify => "Verify",
            View::Chats => "Chats",
            View::Traffic => "Traffic",
            View::Runs => "Runs",
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

/// The selection and preferences kept between runs (eframe storage).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Persisted {
    pub view: View,
    pub env: Option<Environment>,
    pub account: Option<String>,
    pub theme: ThemeChoice,
}

/// The shared selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub view: View,
    pub env: Environment,
    pub account: Option<String>,
    pub theme: ThemeChoice,
    /// Agent messages get a Delivered receipt at once (sent as `SetAutoDelivered`).
    pub auto_delivered: bool,
}

impl Default for Selection {
    fn default() -> Self {
        Self {
            view: View::default(),
            env: Tier::Two.default_environment(),
            account: None,
            theme: ThemeChoice::System,
            auto_delivered: true,
        }
    }
}

impl Selection {
    /// The last run's selection.
    pub fn restored(persisted: Persisted) -> Self {
        let mut selection = Selection { view: persisted.view, theme: persisted.theme, ..Selection::default() };
        if let Some(env) = persisted.env {
            selection.env = env;
        }
        selection.account = persisted.account;
        selection
    }

    pub fn persisted(&self) -> Persisted {
        Persisted { view: self.view, env: Some(self.env), account: self.account.clone(), theme: self.theme }
    }

    /// Follows an event before the state applies it: a saved account becomes
    /// the selection, a new tier keeps the environment among its own.
    pub fn follow(&mut self, event: &Event) {
        match event {
            Event::AccountSaved { name, .. } => self.account = Some(name.clone()),
            Event::AccountsLoaded { tier, .. } if !tier.environments().contains(&self.env) => {
                self.env = tier.default_environment();
            }
            _ => {}
        }
    }

    /// Switches environment and keeps a valid account selected.
    pub fn set_env(&mut self, env: Environment, state: &AppState) {
        self.env = env;
        self.keep_account(state);
    }

    /// Keeps the selection on an account that exists (the first one otherwise).
    pub fn keep_account(&mut self, state: &AppState) {
        let accounts = state.accounts.of(self.env);
        if !self.account.as_ref().is_some_and(|s| accounts.iter().any(|a| &a.name == s)) {
            self.account = accounts.first().map(|a| a.name.clone());
        }
    }

    pub fn read_only(&self) -> bool {
        self.env.is_read_only()
    }

    /// The selected account, if it exists in the selected environment.
    pub fn account<'a>(&self, state: &'a AppState) -> Option<&'a Account> {
        let name = self.account.as_ref()?;
        state.accounts.of(self.env).iter().find(|a| &a.name == name)
    }
}
