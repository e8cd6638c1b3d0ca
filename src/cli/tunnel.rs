//! `listen --tunnel`: the engine runs `cloudflared` or `ngrok` against the
//! listener; its URL becomes the stored accounts' public webhook base and,
//! with `--point-webhook` and a confirmation (a question on a terminal, or
//! `--yes`), their integrations' webhook URL. When the listener stops, each
//! pointed webhook is offered back to where it was.

use std::io::IsTerminal;

use super::listen::print_event;
use super::output::{out, printable};
use super::{CliError, CliResult};
use crate::config::{Account, Environment};
use crate::engine::HeadlessEngine;
use crate::engine::command::{Command, Event};
use crate::engine::tunnel::TunnelKind;
use crate::webhook::{ANY_ACCOUNT, WebhookAccount};

/// What `listen --tunnel` may change for the stored accounts it serves.
#[derive(Debug, Default)]
pub struct TunnelPlan {
    /// The stored accounts (none with `--secret-env`) and their environment.
    pub stored: Option<(Environment, Vec<Account>)>,
    /// `--point-webhook`.
    pub point: bool,
    /// `--yes`: point and restore without asking.
    pub yes: bool,
}

/// A webhook this run pointed at the tunnel, and where it pointed before.
#[derive(Debug)]
pub struct Pointed {
    env: Environment,
    account: String,
    previous: String,
}

/// Starts the tunnel, prints its URL, stores it as the accounts' public base,
/// and points their webhooks when asked to. Returns what to offer back at the end.
pub async fn start(
    engine: &mut HeadlessEngine,
    kind: TunnelKind,
    accounts: &[WebhookAccount],
    plan: &TunnelPlan,
) -> Result<Vec<Pointed>, CliError> {
    eprintln!("starting {}…", kind.program());
    engine.send(Command::StartTunnel(kind));
    let url = until(engine, "the tunnel started", |e| match e {
        Event::TunnelStarted { url } => Some(Ok(url.clone())),
        Event::TunnelFailed { message } => Some(Err(CliError::Failed(message.clone()))),
        _ => None,
    })
    .await??;
    out(&format!("public URL {url}"));
    let Some((env, stored)) = &plan.stored else {
        for account in accounts.iter().filter(|a| a.name != ANY_ACCOUNT) {
            let path = crate::config::account::webhook_path(&account.name);
            eprintln!("webhook URL for {} (set it on the integration): {url}{path}", account.name);
        }
        return Ok(Vec::new());
    };
    let mut pointed = Vec::new();
    for account in stored {
        let hook = format!("{url}{}", account.webhook_path());
        if env.is_read_only() {
            eprintln!("{}: {env} is read-only here; its webhook URL would be {hook}", account.name);
            continue;
        }
        save_public_base(engine, *env, account, &url).await?;
        if plan.point && confirmed(plan.yes, &format!("Point {}'s integration webhook at {hook}?", account.name)).await
        {
            pointed.extend(point(engine, *env, &account.name, &hook).await?);
            out(&format!("pointed {}'s webhook at {hook}", account.name));
        } else {
            eprintln!("{}: set the integration's webhook URL to {hook} (or pass --point-webhook)", account.name);
        }
    }
    Ok(pointed)
}

/// Ends the tunnel, then offers each pointed webhook back (`--yes`: without asking).
pub async fn stop(engine: &mut HeadlessEngine, pointed: Vec<Pointed>, yes: bool) {
    engine.send(Command::StopTunnel);
    for Pointed { env, account, previous } in pointed {
        let question = format!("The tunnel stopped. Point {account}'s webhook back at {previous}?");
        if !confirmed(yes, &question).await {
            eprintln!(
                "{account}: the webhook still points at the tunnel; to restore it: \
                 genesys-desk integration set-webhook {account:?} --url {previous}"
            );
            continue;
        }
        match point(engine, env, &account, &previous).await {
            Ok(_) => out(&format!("restored {account}'s webhook to {previous}")),
            Err(e) => eprintln!("error: {account}: the webhook was not restored: {e}"),
        }
    }
}

async fn save_public_base(engine: &mut HeadlessEngine, env: Environment, account: &Account, url: &str) -> CliResult {
    let mut draft = account.to_draft();
    draft.public_webhook_base = url.to_string();
    engine.send(Command::SaveAccount { env, original_name: Some(account.name.clone()), draft });
    let name = account.name.clone();
    until(engine, "the account was saved", |e| match e {
        Event::AccountSaved { name: saved, .. } if *saved == name => Some(Ok(())),
        Event::AccountSaveFailed { message, .. } => Some(Err(CliError::Failed(format!("{name}: {message}")))),
        _ => None,
    })
    .await??;
    eprintln!("{name}: public webhook base set to {url}");
    Ok(())
}

/// Points the webhook; the previous URL when it changed from one.
async fn point(
    engine: &mut HeadlessEngine,
    env: Environment,
    account: &str,
    url: &str,
) -> Result<Option<Pointed>, CliError> {
    engine.send(Command::PointWebhook { env, account: account.to_string(), url: url.to_string() });
    let previous = until(engine, "the webhook was changed", |e| match e {
        Event::WebhookPointed { account: a, result, previous, .. } if a == account => {
            Some(result.clone().map(|()| previous.clone()).map_err(CliError::Failed))
        }
        _ => None,
    })
    .await??;
    Ok(previous.filter(|p| p != url).map(|previous| Pointed { env, account: account.to_string(), previous }))
}

/// `yes`, or the user's answer on a terminal; no without a terminal.
async fn confirmed(yes: bool, question: &str) -> bool {
    if yes {
        return true;
    }
    if !std::io::stdin().is_terminal() {
        eprintln!("{} (not asked: no terminal; pass --yes)", printable(question));
        return false;
    }
    let question = question.to_string();
    tokio::task::spawn_blocking(move || {
        eprint!("{} [y/N] ", printable(&question));
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer).is_ok() && matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
    })
    .await
    .unwrap_or(false)
}

/// The first answer `pick` finds among the engine's events (others are printed).
async fn until<T>(
    engine: &mut HeadlessEngine,
    what: &str,
    mut pick: impl FnMut(&Event) -> Option<T>,
) -> Result<T, CliError> {
    while let Some(event) = engine.next().await {
        match pick(&event) {
            Some(found) => return Ok(found),
            None => print_event(&event, false),
        }
    }
    Err(CliError::Failed(format!("the engine stopped before {what}")))
}
