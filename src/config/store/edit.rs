//! Changing one field of a stored account (events, webhook secret,
//! integration), read and written under the accounts lock so a concurrent
//! edit of any other field is kept.

use uuid::Uuid;

use super::super::SecretString;
use super::super::secrets::{SecretKey, SecretKind};
use super::{AccountStore, Environment, StoreError, StoredAccount, lock, not_found, same_name};

impl AccountStore {
    /// Switches an account's events on or off, changing nothing else.
    pub fn set_events(&mut self, env: Environment, name: &str, on: bool) -> Result<(), StoreError> {
        self.edit(env, name, |store, index| {
            store.file.accounts.list_mut(env)[index].events_off = !on;
            store.write()
        })
    }

    /// Points an account at another integration and its secret token, changing nothing else.
    pub fn set_integration(
        &mut self,
        env: Environment,
        name: &str,
        integration_id: Uuid,
        secret: &SecretString,
    ) -> Result<(), StoreError> {
        self.edit(env, name, |store, index| {
            // The secret first: an account never points at the new integration without its secret.
            store.set_secret(env, index, secret)?;
            store.file.accounts.list_mut(env)[index].integration_id = integration_id.to_string();
            store.write()
        })
    }

    /// Replaces an account's webhook secret, changing nothing else.
    pub fn set_webhook_secret(
        &mut self,
        env: Environment,
        name: &str,
        secret: &SecretString,
    ) -> Result<(), StoreError> {
        self.edit(env, name, |store, index| store.set_secret(env, index, secret))
    }

    /// Runs `change` on the account `name` (its index in `env`'s list) with the
    /// file locked and freshly read; never in a read-only environment.
    fn edit(
        &mut self,
        env: Environment,
        name: &str,
        change: impl FnOnce(&mut Self, usize) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        if env.is_read_only() {
            return Err(StoreError::ReadOnly(env.read_only_message()));
        }
        let _lock = lock(&self.path)?;
        self.reload()?;
        let list: &[StoredAccount] = self.file.accounts.list(env);
        let index = list.iter().position(|s| same_name(&s.name, name)).ok_or_else(|| not_found(env, name))?;
        change(self, index)
    }

    fn set_secret(&self, env: Environment, index: usize, secret: &SecretString) -> Result<(), StoreError> {
        let key = SecretKey::new(env, &self.file.accounts.list(env)[index].name, SecretKind::WebhookSecret);
        self.secrets.set(&key, secret).map_err(|e| StoreError::Io(e.0))
    }
}
