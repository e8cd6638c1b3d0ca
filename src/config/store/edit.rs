//! Changing one field of a stored account (events, webhook secret,
//! integration), read and written under the accounts lock so a concurrent
//! edit of any other field is kept.

use uuid::Uuid;

use super::super::SecretString;
use super::super::secrets::{SecretKey, SecretKind};
use super::{AccountStore, Environment, StoreError, lock, not_found, same_name};

impl AccountStore {
    /// Switches an account's events on or off, changing nothing else (read and
    /// written under the lock, so an edit of another field meanwhile is kept).
    pub fn set_events(&mut self, env: Environment, name: &str, on: bool) -> Result<(), StoreError> {
        if env.is_read_only() {
            return Err(StoreError::ReadOnly(env.read_only_message()));
        }
        let _lock = lock(&self.path)?;
        self.reload()?;
        let list = self.file.accounts.list_mut(env);
        let entry = list.iter_mut().find(|s| same_name(&s.name, name)).ok_or_else(|| not_found(env, name))?;
        entry.events_off = !on;
        self.write()
    }

    /// Points an account at another integration and its secret token, changing nothing else.
    pub fn set_integration(
        &mut self,
        env: Environment,
        name: &str,
        integration_id: Uuid,
        secret: &SecretString,
    ) -> Result<(), StoreError> {
        if env.is_read_only() {
            return Err(StoreError::ReadOnly(env.read_only_message()));
        }
        let _lock = lock(&self.path)?;
        self.reload()?;
        let list = self.file.accounts.list_mut(env);
        let entry = list.iter_mut().find(|s| same_name(&s.name, name)).ok_or_else(|| not_found(env, name))?;
        entry.integration_id = integration_id.to_string();
        let key = SecretKey::new(env, &entry.name, SecretKind::WebhookSecret);
        // The secret first: an account never points at the new integration without its secret.
        self.secrets.set(&key, secret).map_err(|e| StoreError::Io(e.0))?;
        self.write()
    }

    /// Replaces an account's webhook secret, changing nothing else.
    pub fn set_webhook_secret(
        &mut self,
        env: Environment,
        name: &str,
        secret: &SecretString,
    ) -> Result<(), StoreError> {
        if env.is_read_only() {
            return Err(StoreError::ReadOnly(env.read_only_message()));
        }
        let _lock = lock(&self.path)?;
        self.reload()?;
        let stored = self
            .file
            .accounts
            .list(env)
            .iter()
            .find(|s| same_name(&s.name, name))
            .ok_or_else(|| not_found(env, name))?;
        let key = SecretKey::new(env, &stored.name, SecretKind::WebhookSecret);
        self.secrets.set(&key, secret).map_err(|e| StoreError::Io(e.0))
    }
}
