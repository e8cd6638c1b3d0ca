//! "Send as Genesys" from the window: a delivery signed with an account's
//! webhook secret, posted to the user's middleware with Genesys' retry rules;
//! each attempt and the outcome are reported.

use super::command::Event;
use super::worker::Engine;
use crate::config::Environment;
use crate::emulator::DeliveryOutcome;
use crate::emulator::retry::{RetryRules, post_like_genesys};

/// What "Send as Genesys" posts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsGenesys {
    pub env: Environment,
    /// The account whose webhook secret signs and whose integration id is the sender.
    pub account: String,
    pub url: String,
    /// `text`, `typing`, `receipt` or `structured`.
    pub kind: String,
    pub text: String,
}

impl Engine {
    pub(super) fn deliver_as_genesys(&mut self, request: AsGenesys) {
        let events = self.shared.events.clone();
        let finish = move |result: Result<String, String>| events.send(Event::AsGenesysDone { result });
        let account = match self.accounts.account(request.env, &request.account) {
            Ok(account) => account,
            Err(e) => return finish(Err(e.to_string())),
        };
        let Some(secret) = account.webhook_secret.clone().filter(|s| !s.is_empty()) else {
            return finish(Err(format!("{} has no webhook secret to sign with: set one in Accounts", account.name)));
        };
        if url::Url::parse(&request.url).map_or(true, |u| !matches!(u.scheme(), "http" | "https")) {
            return finish(Err(format!("URL \"{}\" is not an http(s) URL", request.url)));
        }
        let integration = account.integration_id.to_string();
        let payload =
            crate::emulator::outbound::payload(&request.kind, &request.text, "test-customer-0001", &integration);
        let body = serde_json::to_vec(&payload).unwrap_or_default();
        let events = self.shared.events.clone();
        self.spawn(async move {
            let http = reqwest::Client::builder().no_proxy().build().unwrap_or_default();
            let on_attempt = |a: &crate::emulator::retry::Attempt| {
                let text = format!("attempt {} +{:.1} s: {}", a.number, a.started.as_secs_f64(), a.result);
                events.send(Event::AsGenesysAttempt { text });
            };
            let rules = RetryRules::default();
            let (attempts, outcome) =
                post_like_genesys(&http, &request.url, secret.expose(), &body, rules, || false, on_attempt).await;
            let result = match outcome {
                DeliveryOutcome::Delivered { status } => Ok(format!("delivered: HTTP {status} on attempt {attempts}")),
                DeliveryOutcome::Rejected { status } => {
                    Err(format!("answered {status}: Genesys does not retry it and marks the message failed"))
                }
                DeliveryOutcome::GaveUp { last } => {
                    Err(format!("Genesys would give up after {attempts} attempts ({last})"))
                }
                DeliveryOutcome::NoWebhook => Err("no URL".into()),
            };
            events.send(Event::AsGenesysDone { result });
        });
    }
}
