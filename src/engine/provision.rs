//! Changing the integration from the app: a new webhook secret in Genesys and
//! in the account together. Genesys is changed first; only once it took the
//! new secret is the account changed, so a refused PATCH leaves everything as
//! it was, and an account that cannot be written gets the old secret put back
//! in Genesys.

use super::command::{Event, RequestId, ToastLevel};
use super::worker::{Engine, Shared};
use crate::config::{Environment, SecretString};
use crate::genesys::Client;

/// Work a spawned task hands back to the engine (which owns the accounts).
#[derive(Debug)]
pub(super) enum AfterTask {
    /// Genesys took `secret`; the account must follow (`old` to put back if it cannot).
    SecretAccepted {
        request: RequestId,
        env: Environment,
        account: String,
        secret: SecretString,
        old: Option<SecretString>,
    },
    /// A tunnel printed its URL; the engine keeps it running.
    TunnelUp(super::tunnel::Tunnel),
    /// Genesys finished creating integration `id` with `secret`; the account must point at it.
    IntegrationReady { target: (RequestId, Environment, String), id: String, secret: SecretString },
}

/// A strong secret token: two random (OS-generated) v4 UUIDs, 64 hex characters,
/// well past the "longer than 15 characters" Genesys asks for
/// (https://github.com/MyPureCloud/platform-client-sdk-python/blob/master/build/docs/OpenIntegrationRequest.md).
pub fn new_webhook_secret() -> SecretString {
    SecretString::new(format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple()))
}

impl Engine {
    pub(super) fn rotate_secret(&mut self, request: RequestId, env: Environment, account: &str) {
        let refuse = |text: String| Event::SecretRotated { request, account: account.to_string(), result: Err(text) };
        if env.is_read_only() {
            let text = format!("{}: the integration's secret is not changed from here", env.read_only_message());
            return self.shared.events.send(refuse(text));
        }
        let (stored, client) = match self.accounts.client(env, account) {
            Ok(found) => found,
            Err(e) => return self.shared.events.send(refuse(e.to_string())),
        };
        let shared = self.shared.clone();
        let secret = new_webhook_secret();
        self.spawn(async move {
            match client.set_webhook_secret(&secret).await {
                Ok(_) => shared.after(AfterTask::SecretAccepted {
                    request,
                    env,
                    account: stored.name,
                    secret,
                    old: stored.webhook_secret,
                }),
                Err(e) => shared.events.send(Event::SecretRotated {
                    request,
                    account: stored.name,
                    result: Err(format!(
                        "Genesys kept the old secret ({}); the account keeps it too",
                        e.user_message()
                    )),
                }),
            }
        });
    }

    pub(super) fn after_task(&mut self, done: AfterTask) {
        match done {
            AfterTask::SecretAccepted { request, env, account, secret, old } => {
                self.secret_accepted(request, env, account, &secret, old)
            }
            AfterTask::IntegrationReady { target, id, secret } => self.integration_ready(target, id, &secret),
            AfterTask::TunnelUp(tunnel) => {
                let url = tunnel.url.clone();
                self.tunnel = Some(tunnel);
                self.shared.events.send(Event::TunnelStarted { url });
            }
        }
    }

    fn secret_accepted(
        &mut self,
        request: RequestId,
        env: Environment,
        account: String,
        secret: &SecretString,
        old: Option<SecretString>,
    ) {
        let saved =
            self.accounts.store_mut().and_then(|s| s.set_webhook_secret(env, &account, secret).map_err(Into::into));
        match saved {
            Ok(()) => {
                // The listener and the clients take the new secret before anyone is told.
                self.accounts_changed();
                self.shared
                    .toast(ToastLevel::Success, format!("New webhook secret for {account}, in Genesys and here"));
                self.shared.events.send(Event::SecretRotated { request, account, result: Ok(()) });
            }
            Err(e) => {
                let client = self.accounts.client(env, &account).ok().map(|(_, c)| c);
                let text =
                    format!("The account could not store the new secret ({e}); putting the old one back in Genesys");
                self.shared.events.send(Event::SecretRotated { request, account: account.clone(), result: Err(text) });
                if let (Some(client), Some(old)) = (client, old) {
                    self.spawn(restore(self.shared.clone(), client, account, old));
                }
            }
        }
    }
}

async fn restore(shared: Shared, client: Client, account: String, old: SecretString) {
    if let Err(e) = client.set_webhook_secret(&old).await {
        shared.toast(
            ToastLevel::Error,
            format!(
                "{account}: Genesys now signs with a secret this account does not have ({}); rotate again",
                e.user_message()
            ),
        );
    }
}
