//! `genesys-desk emulator`: runs the local Genesys Cloud in the foreground.
//! The first stdout line is `emulator listening on http://ADDR` (so scripts
//! and tests can bind port 0), then what it serves, then one line per request
//! and webhook delivery. Ctrl-C stops it.

use std::path::PathBuf;

use clap::Args;

use super::verify::{CLIENT_SECRET_ENV, WEBHOOK_SECRET_ENV};
use super::{CliError, CliResult};
use crate::config::account::parse_uuid;
use crate::config::{Field, defaults};
use crate::emulator::{DeliveryOutcome, Emulator, EmulatorConfig, EmulatorEvent};
use crate::engine::bind::{DEFAULT_EMULATOR_ADDR, parse_bind};

#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Print the settings and each event as one JSON object per line.
    #[arg(long)]
    pub json: bool,
    /// Bind address (default 127.0.0.1:8786).
    #[arg(long)]
    pub bind: Option<String>,
    #[arg(long = "client-id")]
    pub client_id: Option<String>,
    #[arg(long = "integration-id")]
    pub integration_id: Option<String>,
    /// Where the scripted agent posts (default http://127.0.0.1:8787/hooks/Emulator).
    #[arg(long)]
    pub webhook: Option<String>,
    /// Refuse conversation detail-event topics for a missing permission, as an
    /// org whose OAuth client lacks it does (tests the missing-permission path).
    #[arg(long = "withhold-detail-permission")]
    pub withhold_detail_permission: bool,
    /// The integration's messaging setting disables outbound typing: the
    /// agent sends no typing events.
    #[arg(long = "typing-disabled")]
    pub typing_disabled: bool,
    /// The integration's routing recipient has no inbound message flow (the
    /// doctor's route check fails, as in an org where nobody assigned one).
    #[arg(long = "no-message-flow")]
    pub no_message_flow: bool,
    /// The supported content profile allows no images (only video/*).
    #[arg(long = "images-not-allowed")]
    pub images_not_allowed: bool,
    /// The integration is still being created (`Initiated`) or its creation
    /// failed (`Error`, with a `createError`).
    #[arg(long = "create-status", value_parser = ["Completed", "Initiated", "Error"])]
    pub create_status: Option<String>,
    /// Requests per minute allowed to the OAuth client; more get 429 with
    /// Retry-After (default: unlimited).
    #[arg(long = "rate-limit-per-minute", value_name = "N")]
    pub rate_limit_per_minute: Option<u32>,
    /// How long after a conversation disconnects a message from the same
    /// customer still continues it (default 72).
    #[arg(long = "threading-timeline-hours", value_name = "H")]
    pub threading_timeline_hours: Option<f64>,
    #[command(flatten)]
    pub agent: AgentArgs,
}

/// The scripted agent's behaviour (scenarios exercise these).
#[derive(Debug, Default, clap::Args)]
pub struct AgentArgs {
    /// The agent's reply delay in milliseconds, fixed (800) or a range (500-3000).
    #[arg(long = "agent-reply-delay", value_name = "MS[-MS]")]
    pub reply_delay: Option<String>,
    /// Milliseconds a new conversation waits in queue before an agent joins.
    #[arg(long = "agent-queue-wait", value_name = "MS")]
    pub queue_wait: Option<u64>,
    /// Conversations stay queued: no agent joins or answers.
    #[arg(long = "agent-never-answers")]
    pub never_answers: bool,
    /// After the first reply the agent transfers the conversation to a second agent.
    #[arg(long = "agent-transfers")]
    pub transfers: bool,
    /// After "bye" the agent leaves without wrap-up (no customer end, no after-call work).
    #[arg(long = "agent-leaves-without-wrap-up")]
    pub no_wrap_up: bool,
    /// Percent of webhook attempts whose acknowledgement is lost, so they are retried (0-100).
    #[arg(long = "webhook-failure-rate", value_name = "PERCENT")]
    pub webhook_failure_rate: Option<f64>,
}

impl AgentArgs {
    /// Applies the flags to `config`; a bad value names its flag.
    pub fn apply(&self, config: &mut EmulatorConfig) -> Result<(), CliError> {
        let ms = std::time::Duration::from_millis;
        if let Some(text) = &self.reply_delay {
            let number = |t: &str| {
                t.trim().parse::<u64>().map_err(|_| {
                    CliError::Usage(format!("--agent-reply-delay \"{text}\": write milliseconds, e.g. 800 or 500-3000"))
                })
            };
            match text.split_once('-') {
                Some((low, high)) => {
                    let (low, high) = (number(low)?, number(high)?);
                    if high < low {
                        return Err(CliError::Usage(format!(
                            "--agent-reply-delay \"{text}\": the range must go up, e.g. 500-3000"
                        )));
                    }
                    config.agent_reply_delay = ms(low);
                    config.script.reply_delay_max = Some(ms(high));
                }
                None => config.agent_reply_delay = ms(number(text)?),
            }
        }
        if let Some(wait) = self.queue_wait {
            config.script.queue_wait = ms(wait);
        }
        config.script.answers = !self.never_answers;
        config.script.transfers = self.transfers;
        config.script.wraps_up = !self.no_wrap_up;
        if let Some(rate) = self.webhook_failure_rate {
            if !(0.0..=100.0).contains(&rate) {
                return Err(CliError::Usage(format!("--webhook-failure-rate {rate}: give a percentage from 0 to 100")));
            }
            config.script.webhook_failure_rate = rate / 100.0;
        }
        Ok(())
    }
}

/// The emulator configuration the arguments and environment ask for.
pub fn config_from(args: &EmulatorArgs) -> Result<EmulatorConfig, CliError> {
    let mut config = EmulatorConfig::default();
    if let Some(id) = &args.client_id {
        config.client_id = parse_uuid(Field::ClientId, id).map_err(|e| CliError::Usage(e.message))?.to_string();
    }
    if let Some(id) = &args.integration_id {
        config.integration_id =
            parse_uuid(Field::IntegrationId, id).map_err(|e| CliError::Usage(e.message))?.to_string();
    }
    if let Some(url) = &args.webhook {
        match url::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => config.webhook_url = Some(url.clone()),
            _ => {
                return Err(CliError::Usage(format!(
                    "--webhook \"{url}\" is not an http(s) URL: e.g. {}",
                    defaults::EMULATOR_WEBHOOK_URL
                )));
            }
        }
    }
    if args.withhold_detail_permission {
        config.notifications_missing_permissions =
            vec![crate::emulator::notifications::DETAIL_EVENTS_PERMISSION.into()];
    }
    config.outbound_typing = !args.typing_disabled;
    config.message_flow = !args.no_message_flow;
    config.images_allowed = !args.images_not_allowed;
    if let Some(status) = &args.create_status {
        config.create_status = status.clone();
    }
    if let Some(n) = args.rate_limit_per_minute {
        if n == 0 {
            return Err(CliError::Usage("--rate-limit-per-minute must be at least 1".into()));
        }
        config.rate_limit_per_minute = Some(n);
    }
    if let Some(hours) = args.threading_timeline_hours {
        config.threading_timeline = std::time::Duration::try_from_secs_f64(hours * 3600.0).map_err(|_| {
            CliError::Usage(format!("--threading-timeline-hours {hours} is not a number of hours such as 72"))
        })?;
    }
    args.agent.apply(&mut config)?;
    if let Ok(secret) = std::env::var(CLIENT_SECRET_ENV)
        && !secret.trim().is_empty()
    {
        config.client_secret = secret.trim().to_string();
    }
    if let Ok(secret) = std::env::var(WEBHOOK_SECRET_ENV)
        && !secret.is_empty()
    {
        config.webhook_secret = secret;
    }
    Ok(config)
}

/// Prints a secret only when it is the documented default of the Emulator account.
fn shown_secret(value: &str, default: &str, env: &str) -> String {
    if value == default { format!("{value}   (default of the Emulator account)") } else { format!("(from {env})") }
}

pub fn run(_home: Option<PathBuf>, args: EmulatorArgs) -> CliResult {
    let text = args.bind.as_deref().map_or(DEFAULT_EMULATOR_ADDR.to_string(), str::to_string);
    let addr = parse_bind(&text, DEFAULT_EMULATOR_ADDR).map_err(|e| CliError::Usage(format!("--bind {e}")))?;
    let config = config_from(&args)?;
    let runtime = super::runtime()?;
    runtime.block_on(async move {
        let emulator = Emulator::start(addr, config.clone()).await.map_err(|e| {
            CliError::Failed(format!(
                "cannot listen on {addr} ({e}): is another emulator running? try --bind 127.0.0.1:0"
            ))
        })?;
        let mut events = emulator.subscribe();
        if args.json {
            print_json_banner(&emulator.url(), &config);
        } else {
            print_banner(&emulator.url(), &config);
        }
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => break,
                event = events.recv() => match event {
                    Ok(event) if args.json => println!("{}", serde_json::to_string(&event).unwrap_or_default()),
                    Ok(event) => println!("{}", event_line(&event)),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) if args.json => {
                        println!("{}", serde_json::json!({ "event": "lagged", "not_shown": n }));
                    }
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(n)) => println!("({n} events not shown)"),
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                },
            }
        }
        if !args.json {
            println!("emulator stopped");
        }
        emulator.shutdown().await;
        Ok(())
    })
}

/// The `--json` first line: where the emulator is and what an account needs
/// (a secret only when it is the public default).
fn print_json_banner(url: &str, config: &crate::emulator::EmulatorConfig) {
    let public = |value: &str, default: &str| (value == default).then(|| value.to_string());
    let banner = serde_json::json!({
        "event": "listening",
        "url": url,
        "client_id": config.client_id,
        "client_secret": public(&config.client_secret, defaults::EMULATOR_CLIENT_SECRET),
        "integration_id": config.integration_id,
        "integration_name": config.integration_name,
        "webhook_url": config.webhook_url,
        "webhook_secret": public(&config.webhook_secret, defaults::EMULATOR_WEBHOOK_SECRET),
        "agent_typing": config.outbound_typing,
        "rate_limit_per_minute": config.rate_limit_per_minute,
    });
    println!("{banner}");
}

fn print_banner(url: &str, config: &crate::emulator::EmulatorConfig) {
    println!("emulator listening on {}", url);
    println!("  host URL:        {}", url);
    println!("  client id:       {}", config.client_id);
    println!(
        "  client secret:   {}",
        shown_secret(&config.client_secret, defaults::EMULATOR_CLIENT_SECRET, CLIENT_SECRET_ENV)
    );
    println!("  integration id:  {} ({})", config.integration_id, config.integration_name);
    println!("  webhook URL:     {}", config.webhook_url.as_deref().unwrap_or("(none)"));
    println!(
        "  webhook secret:  {}",
        shown_secret(&config.webhook_secret, defaults::EMULATOR_WEBHOOK_SECRET, WEBHOOK_SECRET_ENV)
    );
    println!("  agent images:    {}/api/v2/downloads/{{id}}", url);
    println!("  agent typing:    {}", if config.outbound_typing { "on" } else { "off (--typing-disabled)" });
    println!(
        "  rate limit:      {}",
        config.rate_limit_per_minute.map_or("unlimited".to_string(), |n| format!("{n} requests/minute"))
    );
    println!("  threading:       {} h after a conversation ends", config.threading_timeline.as_secs_f64() / 3600.0);
    println!("Press Ctrl-C to stop.");
}

fn event_line(event: &EmulatorEvent) -> String {
    match event {
        EmulatorEvent::Request(r) => format!("{} {} -> {} ({} ms)", r.method, r.path, r.status, r.latency_ms),
        EmulatorEvent::DeliveryAttempt { kind, url, attempt, result } => {
            format!("webhook {kind} -> {url} attempt {attempt}: {result}")
        }
        EmulatorEvent::ConversationEnded { customer_id, conversation_id } => {
            format!("conversation {conversation_id} with {customer_id} ended (the agent left)")
        }
        EmulatorEvent::Delivery(d) => match &d.outcome {
            DeliveryOutcome::Delivered { status } => {
                format!("webhook {} {} delivered ({status}) after {} attempt(s)", d.kind, d.message_id, d.attempts)
            }
            DeliveryOutcome::GaveUp { last } => {
                format!("webhook {} {} NOT delivered after {} attempt(s): {last}", d.kind, d.message_id, d.attempts)
            }
            DeliveryOutcome::Rejected { status } => {
                format!(
                    "webhook {} {} FAILED: the webhook answered {status}, which is not retried",
                    d.kind, d.message_id
                )
            }
            DeliveryOutcome::NoWebhook => {
                format!("webhook {} {}: the integration has no webhook URL", d.kind, d.message_id)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn args(typing_disabled: bool, rate: Option<u32>, hours: Option<f64>) -> EmulatorArgs {
        EmulatorArgs {
            json: false,
            bind: None,
            client_id: None,
            integration_id: None,
            webhook: None,
            typing_disabled,
            rate_limit_per_minute: rate,
            threading_timeline_hours: hours,
            withhold_detail_permission: false,
            no_message_flow: false,
            images_not_allowed: false,
            create_status: None,
            agent: AgentArgs::default(),
        }
    }

    #[test]
    fn the_agent_flags_reach_the_script() {
        let agent = AgentArgs {
            reply_delay: Some("500-3000".into()),
            queue_wait: Some(2000),
            never_answers: true,
            transfers: true,
            no_wrap_up: true,
            webhook_failure_rate: Some(25.0),
        };
        let config = config_from(&EmulatorArgs { agent, ..args(false, None, None) }).unwrap();
        assert_eq!(config.agent_reply_delay, Duration::from_millis(500));
        let s = &config.script;
        assert_eq!((s.reply_delay_max, s.queue_wait), (Some(Duration::from_millis(3000)), Duration::from_secs(2)));
        assert!(!s.answers && s.transfers && !s.wraps_up);
        assert!((s.webhook_failure_rate - 0.25).abs() < 1e-9);
        for (bad, flag) in [(Some("3000-500"), "--agent-reply-delay"), (Some("soon"), "--agent-reply-delay")] {
            let agent = AgentArgs { reply_delay: bad.map(str::to_string), ..AgentArgs::default() };
            let e = config_from(&EmulatorArgs { agent, ..args(false, None, None) }).unwrap_err();
            assert!(e.to_string().starts_with(flag), "{e}");
        }
        let agent = AgentArgs { webhook_failure_rate: Some(150.0), ..AgentArgs::default() };
        assert!(config_from(&EmulatorArgs { agent, ..args(false, None, None) }).is_err());
    }

    #[test]
    fn the_doctor_switches_reach_the_emulator_config() {
        let defaults = config_from(&args(false, None, None)).unwrap();
        assert!(defaults.message_flow && defaults.images_allowed);
        assert_eq!(defaults.create_status, "Completed");
        let broken = EmulatorArgs {
            no_message_flow: true,
            images_not_allowed: true,
            create_status: Some("Error".into()),
            ..args(false, None, None)
        };
        let c = config_from(&broken).unwrap();
        assert!(!c.message_flow && !c.images_allowed);
        assert_eq!(c.create_status, "Error");
    }

    #[test]
    fn the_switches_reach_the_emulator_config() {
        let defaults = config_from(&args(false, None, None)).unwrap();
        assert!(defaults.outbound_typing);
        assert_eq!(defaults.rate_limit_per_minute, None);
        assert_eq!(defaults.threading_timeline, Duration::from_secs(72 * 3600));

        let c = config_from(&args(true, Some(120), Some(1.5))).unwrap();
        assert!(!c.outbound_typing);
        assert_eq!(c.rate_limit_per_minute, Some(120));
        assert_eq!(c.threading_timeline, Duration::from_secs(5400));
    }

    #[test]
    fn nonsense_switch_values_are_usage_errors() {
        assert!(matches!(config_from(&args(false, Some(0), None)), Err(CliError::Usage(_))));
        assert!(matches!(config_from(&args(false, None, Some(-1.0))), Err(CliError::Usage(_))));
    }
}
