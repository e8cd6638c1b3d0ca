//! `genesys-desk listen`: the webhook listener, headless. The first stdout line
//! is `listening on http://ADDR`; then one line per delivery (`--json`: one JSON
//! object per line). Ctrl-C or SIGTERM stop it cleanly.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;

use super::accounts::read_only;
use super::output::{delivery_json, delivery_line, out, out_lines, stop_signal, warn};
use super::tunnel::TunnelPlan;
use super::{CliError, CliResult};
use crate::config::defaults::EMULATOR_ACCOUNT;
use crate::config::{Account, AccountStore, Environment, Paths, SecretString};
use crate::engine::bind::{DEFAULT_LISTENER_ADDR, parse_bind};
use crate::engine::command::ToastLevel;
use crate::engine::tunnel::TunnelKind;
use crate::engine::{self, AccountSource, EngineConfig, Event, HeadlessEngine, HeadlessEvent, ListenerSetup};
use crate::webhook::{ANY_ACCOUNT, Delivery, WebhookAccount};

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Bind address (default 127.0.0.1:8787).
    #[arg(long)]
    pub bind: Option<String>,
    /// Accounts to listen for (default: all of the environment).
    pub accounts: Vec<String>,
    /// Verify with the secret in this environment variable instead of the stored
    /// accounts' secrets; without ACCOUNT names every /hooks/<name> is accepted.
    #[arg(long = "secret-env", value_name = "VAR")]
    pub secret_env: Option<String>,
    #[arg(long = "env", value_name = "ENV")]
    pub env: Option<String>,
    /// One JSON object per delivery.
    #[arg(long)]
    pub json: bool,
    /// Also run `cloudflared` or `ngrok` (on PATH) against the listener and
    /// print the public https URL it gives (ended with the listener).
    /// With stored accounts, its URL also becomes their public webhook base.
    #[arg(long, value_name = "TOOL", value_parser = ["cloudflared", "ngrok"])]
    pub tunnel: Option<String>,
    /// With --tunnel: point each account's integration webhook at the tunnel
    /// (after a question; development tiers only), and offer it back on exit.
    #[arg(long = "point-webhook", requires = "tunnel")]
    pub point_webhook: bool,
    /// Answer yes to --point-webhook's questions (pointing, and restoring on exit).
    #[arg(long, requires = "point_webhook")]
    pub yes: bool,
    /// Answer valid deliveries badly on purpose, to watch Genesys retry:
    /// 429, 500, 503 (any 4xx/5xx), delay:12s, fail-first:2 or fail-first:2:429.
    #[arg(long, value_name = "MODE")]
    pub fault: Option<String>,
}

pub fn run(home: Option<PathBuf>, args: ListenArgs) -> CliResult {
    let text = args.bind.as_deref().map_or(DEFAULT_LISTENER_ADDR.to_string(), str::to_string);
    let bind = parse_bind(&text, DEFAULT_LISTENER_ADDR).map_err(|e| CliError::Usage(format!("--bind {e}")))?;
    let paths = Paths::resolve(home.as_deref()).map_err(CliError::Failed)?;
    let (mut accounts, stored) = accounts_for(&paths, &args, bind)?;
    if let Some(text) = &args.fault {
        let fault =
            text.parse::<crate::webhook::fault::Fault>().map_err(|e| CliError::Usage(format!("--fault: {e}")))?;
        eprintln!("FAULT MODE {fault}: valid deliveries are answered badly on purpose (every attempt is printed)");
        for account in &mut accounts {
            account.fault = Some(fault);
        }
    }
    let tunnel = args.tunnel.as_deref().map(str::parse::<TunnelKind>).transpose().map_err(CliError::Usage)?;
    let plan = TunnelPlan { stored: stored.filter(|_| tunnel.is_some()), point: args.point_webhook, yes: args.yes };
    if plan.point {
        match &plan.stored {
            None => return Err(CliError::Usage("--point-webhook: needs stored accounts (not --secret-env)".into())),
            Some((env, _)) if env.is_read_only() => {
                return Err(CliError::Usage(format!("--point-webhook: {}", read_only(*env))));
            }
            Some(_) => {}
        }
    }
    let runtime = super::runtime()?;
    let mut config = EngineConfig::headless(paths, Vec::new());
    if plan.stored.is_some() {
        // The tunnel's URL is saved with the accounts: the engine opens the store.
        config.accounts = AccountSource::Stored;
    }
    config.listener = Some(ListenerSetup { addr: bind, accounts: Some(accounts.clone()) });
    config.watch_presence = false;
    let engine = engine::spawn_headless(runtime.handle(), config);
    runtime.block_on(serve(engine, &accounts, args.json, tunnel.map(|kind| (kind, plan))))
}

/// The listener's accounts, and the stored ones they come from (none with `--secret-env`).
type ListenAccounts = (Vec<WebhookAccount>, Option<(Environment, Vec<Account>)>);

fn accounts_for(paths: &Paths, args: &ListenArgs, bind: SocketAddr) -> Result<ListenAccounts, CliError> {
    if let Some(var) = &args.secret_env {
        let secret = std::env::var(var).map_err(|_| {
            CliError::Usage(format!(
                "--secret-env {var}: the environment variable {var} is not set (export {var}=<webhook secret>)"
            ))
        })?;
        if secret.is_empty() {
            return Err(CliError::Usage(format!("--secret-env {var}: {var} is empty: set it to the webhook secret")));
        }
        let names = if args.accounts.is_empty() { vec![ANY_ACCOUNT.to_string()] } else { args.accounts.clone() };
        let given = names
            .into_iter()
            .map(|name| WebhookAccount {
                name,
                webhook_secret: Some(SecretString::new(secret.clone())),
                accept_unsigned: false,
                events_off: false,
                fault: None,
            })
            .collect();
        return Ok((given, None));
    }
    let store = AccountStore::open(paths).map_err(|e| CliError::Failed(format!("accounts: {e}")))?;
    let env = match &args.env {
        Some(text) => text.parse::<Environment>().map_err(|e| CliError::Usage(format!("--env: {e}")))?,
        None => store.tier().default_environment(),
    };
    let accounts = if args.accounts.is_empty() {
        let all = store.accounts(env).map_err(|e| CliError::Failed(format!("accounts: {e}")))?;
        without_public_emulator(all, bind, |a| a.name.as_str())
    } else {
        args.accounts
            .iter()
            .map(|name| store.account(env, name).map_err(|e| CliError::Usage(format!("account \"{name}\": {e}"))))
            .collect::<Result<Vec<_>, _>>()?
    };
    if accounts.is_empty() {
        let emulator = if bind.ip().is_loopback() {
            String::new()
        } else {
            format!(
                " (the {EMULATOR_ACCOUNT} account, whose webhook secret is public, is served on a non-loopback \
                 bind only when named: `genesys-desk listen {EMULATOR_ACCOUNT} --bind {bind}`)"
            )
        };
        return Err(CliError::Usage(format!(
            "no accounts in {env}{emulator}: add one with `genesys-desk accounts add`, or use --secret-env VAR"
        )));
    }
    Ok((accounts.iter().map(WebhookAccount::from).collect(), Some((env, accounts))))
}

/// All the environment's accounts but the Emulator one when `bind` is not
/// loopback: its webhook secret is in the README, so anyone reaching the
/// listener could sign deliveries for it. Naming it on the command line still serves it.
fn without_public_emulator<A>(accounts: Vec<A>, bind: SocketAddr, name: impl Fn(&A) -> &str) -> Vec<A> {
    if bind.ip().is_loopback() {
        return accounts;
    }
    accounts.into_iter().filter(|a| name(a) != EMULATOR_ACCOUNT).collect()
}

/// Prints each delivery the engine's listener answers until Ctrl-C or SIGTERM.
async fn serve(
    mut engine: HeadlessEngine,
    accounts: &[WebhookAccount],
    json: bool,
    tunnel: Option<(TunnelKind, TunnelPlan)>,
) -> CliResult {
    // Installed before the first line, so a signal from then on stops cleanly.
    let stop = stop_signal();
    tokio::pin!(stop);
    let addr = match listener_addr(&mut engine, None).await {
        Ok(addr) => addr,
        Err(e) => {
            engine.shutdown().await;
            return Err(e);
        }
    };
    out(&format!("listening on http://{addr}"));
    for account in accounts {
        if account.name == ANY_ACCOUNT {
            eprintln!("accepting any account: http://{addr}/hooks/<name>");
        } else {
            eprintln!("account {}: http://{addr}{}", account.name, crate::config::account::webhook_path(&account.name));
        }
    }
    let mut pointed = Vec::new();
    if let Some((kind, plan)) = &tunnel {
        match super::tunnel::start(&mut engine, *kind, accounts, plan).await {
            Ok(done) => pointed = done,
            Err(e) => {
                engine.shutdown().await;
                return Err(e);
            }
        }
    }
    loop {
        let started = tokio::time::Instant::now();
        tokio::select! {
            _ = &mut stop => break,
            event = engine.next() => match event {
                Some(event) => print_batch(event, &mut engine, json),
                None => break,
            },
        }
        // Lines that arrive meanwhile wait for the next batch (see PRINT_EVERY).
        if tokio::time::Instant::now() < started + PRINT_EVERY {
            tokio::select! {
                _ = &mut stop => break,
                () = tokio::time::sleep_until(started + PRINT_EVERY) => {}
            }
        }
    }
    if let Some((_, plan)) = &tunnel {
        super::tunnel::stop(&mut engine, pointed, plan.yes).await;
    }
    // Deliveries answered while the listener stopped are still printed.
    for event in engine.shutdown().await {
        print_event(&event, json);
    }
    Ok(())
}

/// Waits for the engine's listener: its address, or why it did not start
/// (and `fix`, when the command picks its address with another flag than `--bind`).
pub(super) async fn listener_addr(engine: &mut HeadlessEngine, fix: Option<&str>) -> Result<SocketAddr, CliError> {
    while let Some(event) = engine.next().await {
        match event {
            Event::ListenerStarted { addr, .. } => return Ok(addr),
            Event::ListenerFailed { error } => {
                return Err(CliError::Failed(fix.map_or_else(|| error.clone(), |fix| format!("{error}; {fix}"))));
            }
            other => print_event(&other, false),
        }
    }
    Err(CliError::Failed("the engine stopped before the listener started".into()))
}

/// Least time between two printed batches. Waking this thread for each
/// delivery cost the listener's workers a futex wake and this thread a context
/// switch per line (at 16,000 deliveries a second, 42,000 switches in 8 s);
/// a line printed up to 2 ms later is not noticed, and a delivery after a
/// quiet moment is printed at once.
const PRINT_EVERY: std::time::Duration = std::time::Duration::from_millis(2);

/// Under load the engine reports deliveries faster than one write each can
/// keep up with cheaply: `first` and every event already waiting (up to a
/// bound) are printed with one stdout lock and one flush.
fn print_batch(first: Event, engine: &mut HeadlessEngine, json: bool) {
    const MOST: usize = 256;
    let mut lines = String::new();
    let mut event = Some(first);
    let mut taken = 0;
    while let Some(e) = event.take() {
        match &e {
            Event::Headless(HeadlessEvent::WebhookReceived(d)) => {
                lines.push_str(&delivery_text(d, json));
                lines.push('\n');
            }
            other => print_event(other, json),
        }
        taken += 1;
        if taken < MOST {
            event = engine.try_next();
        }
    }
    out_lines(&lines);
}

/// A delivery on stdout; a warning or error toast on stderr.
pub(super) fn print_event(event: &Event, json: bool) {
    match event {
        Event::Headless(HeadlessEvent::WebhookReceived(d)) => print_delivery(d, json),
        Event::Toast { level: ToastLevel::Warning, text } => warn("warning", text),
        Event::Toast { level: ToastLevel::Error, text } => warn("error", text),
        _ => {}
    }
}

fn print_delivery(d: &Delivery, json: bool) {
    out(&delivery_text(d, json));
}

/// A delivery's line: text, or one JSON object (`--json`).
fn delivery_text(d: &Delivery, json: bool) -> String {
    if json { delivery_json(d).to_string() } else { delivery_line(d) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_emulator_account_is_served_on_loopback_only_unless_named() {
        let all = vec!["Emulator", "Acme Dev"];
        let names =
            |bind: &str| without_public_emulator(all.clone(), bind.parse().unwrap_or(DEFAULT_LISTENER_ADDR), |a| *a);
        assert_eq!(names("127.0.0.1:8787"), ["Emulator", "Acme Dev"]);
        assert_eq!(names("[::1]:8787"), ["Emulator", "Acme Dev"]);
        assert_eq!(names("0.0.0.0:8787"), ["Acme Dev"]);
        assert_eq!(names("192.168.1.20:8787"), ["Acme Dev"]);
    }
}
