//! One-off requests to Genesys outside a chat thread: verify, list
//! integrations, point the integration's webhook, and a plain customer
//! message (the command line's `send`).

use std::path::PathBuf;

use super::chat::serve_image;
use super::command::{Event, Failure, HeadlessEvent, RequestId, ToastLevel};
use super::worker::{Engine, Shared, WatchRequest};
use crate::config::{Account, Environment};
use crate::genesys::{self, Client, InboundMessage};
use crate::model::ThreadKey;

impl Engine {
    pub(super) fn verify(&mut self, request: RequestId, env: Environment, account: &str, include_send: bool) {
        let account = match self.accounts.account(env, account) {
            Ok(account) => account,
            Err(e) => {
                self.shared.toast(ToastLevel::Error, format!("Account {account} is not in {env}: {e}"));
                let report = crate::model::VerifyReport::default();
                return self.shared.events.send(Event::VerifyFinished { request, report });
            }
        };
        self.shared.events.send(Event::VerifyStarted { request, account: account.name.clone() });
        let (events, options, sink) =
            (self.shared.events.clone(), self.accounts.client_options(), self.accounts.traffic_sink());
        self.spawn(async move {
            let progress = |c: &crate::model::Check| events.send(Event::CheckFinished { request, check: c.clone() });
            let report = genesys::verify::run_with_traffic(&account, options, include_send, Some(sink), progress).await;
            events.send(Event::VerifyFinished { request, report });
        });
    }

    pub(super) fn list_integrations(&mut self, request: RequestId, env: Environment, account: &str) {
        let client = match self.accounts.client(env, account) {
            Ok((_, client)) => client,
            Err(e) => {
                return self.shared.events.send(Event::IntegrationsListed { request, result: Err(e.into()) });
            }
        };
        let events = self.shared.events.clone();
        self.spawn(async move {
            let result = client.integrations().await.map_err(Failure::from);
            events.send(Event::IntegrationsListed { request, result });
        });
    }

    /// PATCHes the integration's webhook URL; never from a read-only environment.
    pub(super) fn point_webhook(&mut self, env: Environment, account: &str, url: String) {
        if env.is_read_only() {
            let text = format!("{}: the integration's webhook is not changed from here", env.read_only_message());
            return self.shared.toast(ToastLevel::Error, text);
        }
        let client = match self.accounts.client(env, account) {
            Ok((_, client)) => client,
            Err(e) => return self.shared.toast(ToastLevel::Error, e.to_string()),
        };
        let (shared, account) = (self.shared.clone(), account.to_string());
        self.spawn(async move {
            let (result, previous) = match client.set_webhook_url(&url).await {
                Ok((_, previous)) => (Ok(()), previous),
                Err(e) => (Err(e.user_message()), None),
            };
            match &result {
                Ok(()) => shared.toast(ToastLevel::Success, format!("Integration webhook now points at {url}")),
                Err(text) => shared.toast(ToastLevel::Error, text.clone()),
            }
            shared.events.send(Event::WebhookPointed { account, url, previous, result });
        });
    }

    /// Reads the account's integration for a front end that shows it.
    pub(super) fn show_integration(&mut self, request: RequestId, env: Environment, account: &str) {
        let client = match self.accounts.client(env, account) {
            Ok((_, client)) => client,
            Err(e) => {
                let result = Err(e.to_string());
                return self.shared.events.send(Event::IntegrationShown { request, account: account.into(), result });
            }
        };
        let (events, account) = (self.shared.events.clone(), account.to_string());
        self.spawn(async move {
            let result = client.integration().await.map(Box::new).map_err(|e| e.user_message());
            events.send(Event::IntegrationShown { request, account, result });
        });
    }

    pub(super) fn send_message(
        &mut self,
        request: RequestId,
        env: Environment,
        account: &str,
        message: InboundMessage,
        local_image: Option<PathBuf>,
        watch: bool,
    ) {
        match self.accounts.client(env, account) {
            Ok((account, client)) => {
                let post = Post { account, client, request, message, local_image, watch };
                self.spawn(post.run(self.shared.clone()));
            }
            Err(e) => {
                let answer = HeadlessEvent::MessageSent { request, message: Box::new(message), result: Err(e.into()) };
                self.shared.events.send(Event::Headless(answer));
            }
        }
    }
}

/// A plain customer message on its way.
struct Post {
    account: Account,
    client: Client,
    request: RequestId,
    message: InboundMessage,
    local_image: Option<PathBuf>,
    watch: bool,
}

impl Post {
    async fn run(mut self, shared: Shared) {
        let result = self.send(&shared).await;
        if let Ok(sent) = &result
            && let Some(conversation) = &sent.conversation_id
            && self.watch
        {
            let customer = self.message.customer.id.clone();
            let thread = ThreadKey::new(self.account.name.clone(), customer);
            let _ = shared.watch.send(WatchRequest { thread, conversation_id: conversation.clone() });
        }
        let answer = HeadlessEvent::MessageSent { request: self.request, message: Box::new(self.message), result };
        shared.events.send(Event::Headless(answer));
    }

    async fn send(&mut self, shared: &Shared) -> Result<Box<genesys::SentMessage>, Failure> {
        if let Some(path) = &self.local_image {
            let (image, _) = serve_image(shared, &self.account, &self.client, path).await?;
            self.message.image = Some(image);
        }
        Ok(Box::new(self.client.send_message(&self.message).await?))
    }
}
