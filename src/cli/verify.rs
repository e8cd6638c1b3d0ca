//! `genesys-desk verify`: the checklist, as text or `--json`; exit 1 when a
//! check fails.

use std::path::PathBuf;
use std::str::FromStr;

use clap::Args;
use serde_json::json;

use super::{CliError, CliResult};
use crate::config::{Account, AccountDraft, AccountStore, Environment, Paths};
use crate::engine::{self, Command, EngineConfig, Event, HeadlessEngine, RequestId};
use crate::model::VerifyReport;
use crate::model::verify::{Check, CheckStatus};

/// Environment variable holding the OAuth client secret for the explicit form.
pub const CLIENT_SECRET_ENV: &str = "GENESYS_CLIENT_SECRET";
/// Environment variable holding the webhook secret (optional).
pub const WEBHOOK_SECRET_ENV: &str = "GENESYS_WEBHOOK_SECRET";

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub target: AccountArgs,
    /// Also post a typing event to prove `conversation:message:receive`.
    #[arg(long)]
    pub send: bool,
    #[arg(long)]
    pub json: bool,
}

/// Where the account of `verify`/`send` comes from: a stored account, or
/// `--host --client-id --integration-id` with secrets from the environment.
#[derive(Debug, Args)]
pub struct AccountArgs {
    /// A stored account; or give --host, --client-id and --integration-id.
    pub account: Option<String>,
    #[arg(long)]
    pub host: Option<String>,
    #[arg(long = "client-id")]
    pub client_id: Option<String>,
    #[arg(long = "integration-id")]
    pub integration_id: Option<String>,
    #[arg(long = "env", value_name = "ENV")]
    pub env: Option<String>,
}

/// The stored account named `ACCOUNT`, or one built from `--host
/// --client-id --integration-id` and the secrets in the environment.
pub fn resolve_account(home: Option<PathBuf>, args: &AccountArgs) -> Result<Account, CliError> {
    let explicit = args.host.is_some() || args.client_id.is_some() || args.integration_id.is_some();
    match (args.account.as_deref(), explicit) {
        (Some(_), true) => Err(CliError::Usage(
            "give either an ACCOUNT name or --host, --client-id and --integration-id, not both".into(),
        )),
        (None, false) => Err(CliError::Usage(
            "no account: give a stored ACCOUNT name, or --host, --client-id and --integration-id (client secret in GENESYS_CLIENT_SECRET)".into(),
        )),
        (Some(name), false) => {
            let paths = Paths::resolve(home.as_deref()).map_err(CliError::Failed)?;
            let store = AccountStore::open(&paths).map_err(|e| CliError::Failed(e.to_string()))?;
            let env = match args.env.as_deref() {
                Some(e) => Environment::from_str(e).map_err(CliError::Usage)?,
                None => store.tier().default_environment(),
            };
            store.account(env, name).map_err(|e| match e {
                crate::config::StoreError::NotFound(m) | crate::config::StoreError::ReadOnly(m) => CliError::Usage(m),
                other => CliError::Failed(other.to_string()),
            })
        }
        (None, true) => {
            let missing: Vec<&str> = [
                ("--host", args.host.as_deref()),
                ("--client-id", args.client_id.as_deref()),
                ("--integration-id", args.integration_id.as_deref()),
            ]
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(n, _)| *n)
            .collect();
            if !missing.is_empty() {
                return Err(CliError::Usage(format!("missing {}: the explicit form needs all three", missing.join(", "))));
            }
            let client_secret = std::env::var(CLIENT_SECRET_ENV).unwrap_or_default();
            if client_secret.trim().is_empty() {
                return Err(CliError::Usage(format!(
                    "{CLIENT_SECRET_ENV} is not set: export the OAuth client secret (Admin > Integrations > OAuth) before running"
                )));
            }
            let draft = AccountDraft {
                name: "command-line".into(),
                host: args.host.clone().unwrap_or_default(),
                client_id: args.client_id.clone().unwrap_or_default(),
                client_secret,
                integration_id: args.integration_id.clone().unwrap_or_default(),
                webhook_secret: std::env::var(WEBHOOK_SECRET_ENV).unwrap_or_default(),
                public_webhook_base: String::new(),
                accept_unsigned: false,
                events_off: false,
            };
            draft.parse().map_err(|errors| {
                CliError::Usage(errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("\n"))
            })
        }
    }
}

/// Prints each check as it finishes (unless `--json`); the report at the end.
async fn checks(engine: &mut HeadlessEngine, json_out: bool) -> Result<VerifyReport, CliError> {
    while let Some(event) = engine.next().await {
        match event {
            Event::CheckFinished { check, .. } if !json_out => println!("{}", check_line(&check)),
            Event::VerifyFinished { report, .. } => return Ok(report),
            _ => {}
        }
    }
    Err(CliError::Failed("the engine stopped before verify finished".into()))
}

fn check_line(c: &Check) -> String {
    let mut out = format!("[{}] {:<12} {}", c.status.as_str(), c.id.as_str(), c.message);
    if !c.hint.is_empty() {
        out.push_str(&format!("\n       fix: {}", c.hint));
    }
    out
}

pub fn run(home: Option<PathBuf>, args: VerifyArgs) -> CliResult {
    let account = resolve_account(home.clone(), &args.target)?;
    let paths = Paths::resolve(home.as_deref()).map_err(CliError::Failed)?;
    let runtime = super::runtime()?;
    // Verify keeps no history: its requests go to an in-memory one.
    let config = EngineConfig { in_memory_history: true, ..EngineConfig::headless(paths, vec![account.clone()]) };
    let mut engine = engine::spawn_headless(runtime.handle(), config);
    let json_out = args.json;
    if !json_out {
        println!("genesys-desk verify: {}", account.name);
    }
    let request = RequestId(1);
    engine.send(Command::Verify {
        request,
        env: Environment::Development,
        account: account.name,
        include_send: args.send,
    });
    let report = runtime.block_on(checks(&mut engine, json_out));
    runtime.block_on(engine.shutdown());
    let report = report?;
    if json_out {
        let checks: Vec<_> = report
            .checks
            .iter()
            .map(|c| json!({"id": c.id.as_str(), "status": c.status.as_str(), "message": c.message, "hint": c.hint}))
            .collect();
        println!("{}", json!({"ok": report.ok(), "checks": checks}));
    } else {
        println!("{}", if report.ok() { "result: ok" } else { "result: FAILED" });
    }
    if report.ok() {
        Ok(())
    } else {
        let failed: Vec<&str> =
            report.checks.iter().filter(|c| c.status == CheckStatus::Fail).map(|c| c.id.as_str()).collect();
        Err(CliError::Failed(format!("verify failed: {}", failed.join(", "))))
    }
}
