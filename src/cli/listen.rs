//! `genesys-desk listen`: the webhook listener, headless. The first stdout line
//! is `listening on http://ADDR`; then one line per delivery (`--json`: one JSON
//! object per line). Ctrl-C or SIGTERM stop it cleanly.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use time::format_description::well_known::Rfc3339;

use super::{CliError, CliResult};
use crate::config::defaults::LISTENER_ADDR;
use crate::config::{AccountStore, Environment, Paths, SecretString};
use crate::storage::{Db, Writer};
use crate::webhook::{ANY_ACCOUNT, Delivery, Listener, ListenerConfig, WebhookAccount};

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
}

pub fn run(home: Option<PathBuf>, args: ListenArgs) -> CliResult {
    let bind_text = args.bind.clone().unwrap_or_else(|| LISTENER_ADDR.to_string());
    let bind: SocketAddr = bind_text.parse().map_err(|_| {
        CliError::Usage(format!("--bind \"{bind_text}\" is not an address: use IP:PORT, e.g. 127.0.0.1:8787"))
    })?;
    let paths = Paths::resolve(home.as_deref()).map_err(CliError::Failed)?;
    let accounts = accounts_for(&paths, &args)?;
    let rt = crate::runtime::build().context("starting the async runtime")?;
    rt.block_on(serve(paths, bind, accounts, args.json))
}

fn accounts_for(paths: &Paths, args: &ListenArgs) -> Result<Vec<WebhookAccount>, CliError> {
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
        return Ok(names
            .into_iter()
            .map(|name| WebhookAccount {
                name,
                webhook_secret: Some(SecretString::new(secret.clone())),
                accept_unsigned: false,
            })
            .collect());
    }
    let store = AccountStore::open(paths).map_err(|e| CliError::Failed(format!("accounts: {e}")))?;
    let env = match &args.env {
        Some(text) => text.parse::<Environment>().map_err(|e| CliError::Usage(format!("--env: {e}")))?,
        None => store.tier().default_environment(),
    };
    let accounts = if args.accounts.is_empty() {
        store.accounts(env).map_err(|e| CliError::Failed(format!("accounts: {e}")))?
    } else {
        args.accounts
            .iter()
            .map(|name| store.account(env, name).map_err(|e| CliError::Usage(format!("account \"{name}\": {e}"))))
            .collect::<Result<Vec<_>, _>>()?
    };
    if accounts.is_empty() {
        return Err(CliError::Usage(format!(
            "no accounts in {env}: add one with `genesys-desk accounts add`, or use --secret-env VAR"
        )));
    }
    Ok(accounts.iter().map(WebhookAccount::from).collect())
}

async fn serve(paths: Paths, bind: SocketAddr, accounts: Vec<WebhookAccount>, json: bool) -> CliResult {
    let db_path = paths.history_db();
    let db = Db::open(&db_path).with_context(|| format!("opening the history {}", db_path.display()))?;
    let writer = Writer::spawn(db).context("starting the history writer")?;
    let (sink, mut deliveries) = tokio::sync::mpsc::unbounded_channel();
    let names: Vec<String> = accounts.iter().map(|a| a.name.clone()).collect();
    let config = ListenerConfig::new(accounts, paths.media_dir());
    let listener =
        Listener::start(bind, config, writer.clone(), sink).await.map_err(|e| CliError::Failed(e.to_string()))?;
    if let Some(w) = listener.warning() {
        eprintln!("warning: {w}");
    }
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{}", listener.addr());
        let _ = out.flush();
    }
    for name in &names {
        if name == ANY_ACCOUNT {
            eprintln!("accepting any account: http://{}/hooks/<name>", listener.addr());
        } else {
            eprintln!("account {name}: http://{}{}", listener.addr(), crate::config::account::webhook_path(name));
        }
    }

    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            _ = &mut stop => break,
            next = deliveries.recv() => match next {
                Some(delivery) => print_delivery(&delivery, json),
                None => break,
            },
        }
    }
    listener.shutdown().await;
    while let Ok(delivery) = deliveries.try_recv() {
        print_delivery(&delivery, json);
    }
    writer.flush().await.map_err(|e| CliError::Failed(e.to_string()))?;
    Ok(())
}

/// Ctrl-C, or SIGTERM on Unix (also used by `send --follow`).
pub(super) async fn stop_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The `--json` object of one delivery (exactly the fields the issue lists).
pub fn delivery_json(d: &Delivery) -> serde_json::Value {
    let m = d.message.as_ref();
    serde_json::json!({
        "received_at": d.traffic.at.format(&Rfc3339).unwrap_or_default(),
        "account": d.account,
        "status": d.traffic.status,
        "verdict": d.traffic.verdict.map(|v| v.as_str()),
        "kind": m.map(|m| m.kind.name()),
        "customer_id": m.and_then(|m| m.customer_id.clone()),
        "conversation_id": m.and_then(|m| m.conversation_id.clone()),
        "text": m.map(|m| m.summary()),
        "attachments": m.map(|m| m.attachments.clone()).unwrap_or_default(),
        "id": m.and_then(|m| m.id.clone()),
        "attempt": d.attempt,
    })
}

/// The human line of one delivery.
pub fn delivery_line(d: &Delivery) -> String {
    let at = d.traffic.at.format(&Rfc3339).unwrap_or_default();
    let status = d.traffic.status.map(|s| s.to_string()).unwrap_or_else(|| "-".into());
    let verdict = d.traffic.verdict.map(|v| v.as_str()).unwrap_or("-");
    let mut line = format!("{at} {status} {verdict} {}", d.account);
    if let Some(m) = &d.message {
        line.push_str(&format!(" {} {}", m.kind.name(), m.customer_id.as_deref().unwrap_or("?")));
        let summary = m.summary();
        if !summary.is_empty() {
            line.push_str(&format!(" {summary:?}"));
        }
        for a in &m.attachments {
            line.push_str(&format!(" <{}>", a.url));
        }
    }
    if d.attempt > 1 {
        line.push_str(&format!(" (attempt {}{})", d.attempt, if d.duplicate { ", duplicate" } else { "" }));
    }
    if d.accepted_unsigned {
        line.push_str(" [ACCEPTED UNSIGNED]");
    } else if d.traffic.verdict == Some(crate::model::SignatureVerdict::NoSecretConfigured) {
        line.push_str(" [not verified: no webhook secret]");
    }
    if let Some(explanation) = d.traffic.explanation.as_ref().filter(|_| d.traffic.status != Some(200)) {
        line.push_str(&format!(" — {explanation}"));
    } else if d.traffic.status != Some(200) {
        line.push_str(&format!(" — {}", d.traffic.response_body));
    }
    line
}

fn print_delivery(d: &Delivery, json: bool) {
    let text = if json { delivery_json(d).to_string() } else { delivery_line(d) };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}
