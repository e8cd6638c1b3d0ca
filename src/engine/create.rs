//! Creating an Open Messaging integration from the app: POST, then read it
//! again until Genesys finished creating it (`createStatus`), then point the
//! account at it with the secret token it was created with.

use std::time::Duration;

use super::command::{Event, RequestId, ToastLevel};
use super::provision::{AfterTask, new_webhook_secret};
use super::worker::{Engine, Shared, lock};
use crate::config::{Environment, SecretString};
use crate::genesys::Client;

/// How often, and how long at most, a new integration is read again.
const POLL_EVERY: Duration = Duration::from_secs(1);
const POLL_FOR: Duration = Duration::from_secs(60);

impl Engine {
    pub(super) fn create_integration(&mut self, request: RequestId, env: Environment, account: &str, name: String) {
        let refuse =
            |text: String| Event::IntegrationCreated { request, account: account.to_string(), result: Err(text) };
        if env.is_read_only() {
            let text = format!("{}: integrations are not created from here", env.read_only_message());
            return self.shared.events.send(refuse(text));
        }
        if name.trim().is_empty() {
            return self
                .shared
                .events
                .send(refuse("Integration name is empty: give the new integration a name".into()));
        }
        let (stored, client) = match self.accounts.client(env, account) {
            Ok(found) => found,
            Err(e) => return self.shared.events.send(refuse(e.to_string())),
        };
        let listener = lock(&self.shared.listener_base).clone();
        let Some(url) =
            stored.public_webhook_url().or_else(|| listener.map(|base| format!("{base}{}", stored.webhook_path())))
        else {
            let text =
                "No webhook URL: set the account's Public webhook base URL (your https tunnel) or start the listener";
            return self.shared.events.send(refuse(text.into()));
        };
        self.spawn(created(self.shared.clone(), client, (request, env, stored.name), name, url));
    }

    pub(super) fn integration_ready(
        &mut self,
        (request, env, account): (RequestId, Environment, String),
        id: String,
        secret: &SecretString,
    ) {
        let result = uuid::Uuid::parse_str(&id)
            .map_err(|_| format!("Genesys created integration \"{id}\", which is not a UUID: set it by hand"))
            .and_then(|uuid| {
                let store = self.accounts.store_mut().map_err(|e| e.to_string())?;
                store.set_integration(env, &account, uuid, secret).map_err(|e| e.to_string())
            });
        match result {
            Ok(()) => {
                self.accounts_changed();
                self.shared.toast(ToastLevel::Success, format!("{account} now uses the new integration {id}"));
                self.shared.events.send(Event::IntegrationCreated { request, account, result: Ok(id) });
            }
            Err(e) => {
                let text = format!("Integration {id} was created but the account could not be pointed at it: {e}");
                self.shared.events.send(Event::IntegrationCreated { request, account, result: Err(text) });
            }
        }
    }
}

/// POSTs the integration, then reads it until Genesys says `Completed` or `Error`.
async fn created(shared: Shared, client: Client, target: (RequestId, Environment, String), name: String, url: String) {
    let (request, _, account) = target.clone();
    let fail = |text: String| Event::IntegrationCreated { request, account: account.clone(), result: Err(text) };
    let secret = new_webhook_secret();
    let mut integration = match client.create_integration(name.trim(), &url, &secret).await {
        Ok(i) => i,
        Err(e) => return shared.events.send(fail(e.user_message())),
    };
    let started = tokio::time::Instant::now();
    loop {
        match integration.create_status.as_deref() {
            Some("Completed") => break,
            Some("Error") => {
                let why = integration.create_error.and_then(|e| e.message).unwrap_or_else(|| "no details".into());
                return shared.events.send(fail(format!("Genesys could not create it (createStatus Error: {why})")));
            }
            _ if started.elapsed() >= POLL_FOR => {
                let text = format!(
                    "Integration {} is still being created after {} s: pick it in Accounts once Genesys finished",
                    integration.id,
                    POLL_FOR.as_secs()
                );
                return shared.events.send(fail(text));
            }
            _ => {}
        }
        tokio::time::sleep(POLL_EVERY).await;
        integration = match client.integration_by_id(&integration.id).await {
            Ok(i) => i,
            Err(e) => return shared.events.send(fail(e.user_message())),
        };
    }
    shared.after(AfterTask::IntegrationReady { target, id: integration.id, secret });
}
