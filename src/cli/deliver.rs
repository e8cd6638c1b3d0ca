//! `genesys-desk deliver URL`: act as Genesys toward your own middleware —
//! post a correctly signed outbound delivery (text, typing, receipt or a
//! structured menu, shaped like Genesys' webhook payloads) to any URL,
//! retrying its answers by Genesys' rules, and print each attempt: what the
//! endpoint answered and how fast. Talks to neither Genesys nor the listener.

use std::path::PathBuf;

use clap::Args;

use super::output::{out, printable};
use super::{CliError, CliResult};
use crate::config::defaults::EMULATOR_INTEGRATION_ID;
use crate::emulator::DeliveryOutcome;
use crate::emulator::retry::{RetryRules, post_like_genesys};

#[derive(Debug, Args)]
pub struct DeliverArgs {
    /// Where to post (your middleware's webhook URL).
    pub url: String,
    /// The environment variable holding the webhook secret to sign with.
    #[arg(long = "secret-env", value_name = "VAR")]
    pub secret_env: String,
    /// What to deliver.
    #[arg(long, default_value = "text", value_parser = ["text", "typing", "receipt", "structured"])]
    pub kind: String,
    /// The agent's text (text and structured).
    #[arg(long, default_value = "Hello from genesys-desk, acting as Genesys")]
    pub text: String,
    /// The customer (`channel.to.id`).
    #[arg(long, default_value = "test-customer-0001")]
    pub customer: String,
    /// The integration (`channel.from.id`).
    #[arg(long = "integration-id", default_value = EMULATOR_INTEGRATION_ID)]
    pub integration_id: String,
    /// Seconds Genesys waits for each answer (10 on a real org).
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub timeout: f64,
    /// Seconds between attempts (5 on a real org).
    #[arg(long = "retry-delay", value_name = "SECS", default_value_t = 5.0)]
    pub retry_delay: f64,
    /// One JSON object per attempt, then the outcome (`"event": "attempt" | "outcome"`).
    #[arg(long)]
    pub json: bool,
}

pub fn run(_home: Option<PathBuf>, args: DeliverArgs) -> CliResult {
    let secret = std::env::var(&args.secret_env).ok().filter(|s| !s.is_empty()).ok_or_else(|| {
        CliError::Usage(format!("--secret-env {0}: set {0} to the webhook secret to sign with", args.secret_env))
    })?;
    let url = url::Url::parse(&args.url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or_else(|| CliError::Usage(format!("URL \"{}\" is not an http(s) URL", args.url)))?;
    let seconds = |v: f64, flag: &str| {
        std::time::Duration::try_from_secs_f64(v)
            .map_err(|_| CliError::Usage(format!("{flag} {v}: give seconds, e.g. 5")))
    };
    let rules = RetryRules {
        timeout: seconds(args.timeout, "--timeout")?,
        retries: 5,
        delay: seconds(args.retry_delay, "--retry-delay")?,
    };
    let payload = crate::emulator::outbound::payload(&args.kind, &args.text, &args.customer, &args.integration_id);
    let body = serde_json::to_vec(&payload).map_err(|e| CliError::Failed(e.to_string()))?;
    let runtime = super::runtime()?;
    let http = reqwest::Client::builder().no_proxy().build().map_err(|e| CliError::Failed(e.to_string()))?;
    if !args.json {
        out(&format!("delivering a {} to {} (signed, Genesys' retry rules)", args.kind, printable(url.as_str())));
    }
    let (attempts, outcome) = runtime.block_on(post_like_genesys(
        &http,
        url.as_str(),
        &secret,
        &body,
        rules,
        || false,
        |a| {
            if args.json {
                let line = serde_json::json!({
                    "event": "attempt", "attempt": a.number, "after_s": a.started.as_secs_f64(), "result": a.result,
                });
                out(&line.to_string());
            } else {
                out(&format!("attempt {} +{:.1} s: {}", a.number, a.started.as_secs_f64(), printable(&a.result)));
            }
        },
    ));
    if args.json {
        let mut line = serde_json::to_value(&outcome).unwrap_or_default();
        line["event"] = "outcome".into();
        line["attempts"] = attempts.into();
        out(&line.to_string());
    }
    match outcome {
        DeliveryOutcome::Delivered { status } => {
            out(&format!("delivered: HTTP {status} on attempt {attempts}"));
            Ok(())
        }
        DeliveryOutcome::Rejected { status } => Err(CliError::Failed(format!(
            "your endpoint answered {status}: Genesys does not retry a 4xx other than 429 and marks the message failed"
        ))),
        DeliveryOutcome::GaveUp { last } => {
            Err(CliError::Failed(format!("gave up after {attempts} attempts, as Genesys would (last: {last})")))
        }
        DeliveryOutcome::NoWebhook => Err(CliError::Failed("no URL".into())),
    }
}
