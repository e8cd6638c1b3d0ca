//! `genesys-desk integration ...`: changing the account's integration in
//! Genesys, through the same engine as the app.

use std::path::PathBuf;

use clap::Subcommand;

use super::accounts::{environment, read_only, store_error};
use super::output::printable;
use super::{CliError, CliResult};
use crate::config::{AccountStore, Paths};
use crate::engine::command::{Command, Event, RequestId};
use crate::engine::{self, AccountSource, EngineConfig, HeadlessEngine};
use crate::genesys::types::{EntityRef, Integration};

#[derive(Debug, Subcommand)]
pub enum IntegrationCommand {
    /// Show the account's integration: status, createStatus, webhook URL, whether
    /// a secret token is set, and its recipient, messaging setting and supported content.
    Show {
        account: String,
        #[arg(long = "env", value_name = "ENV")]
        env: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Point the integration's webhook at URL (default: the account's public
    /// webhook URL). Development tiers only.
    SetWebhook {
        account: String,
        #[arg(long)]
        url: Option<String>,
        #[arg(long = "env", value_name = "ENV")]
        env: Option<String>,
    },
    /// Create an Open Messaging integration whose webhook is the account's
    /// public webhook URL, with a new strong secret; wait until Genesys
    /// finished creating it, then point the account at it. Development tiers only.
    Create {
        account: String,
        #[arg(long)]
        name: String,
        #[arg(long = "env", value_name = "ENV")]
        env: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// A new strong webhook secret, set in Genesys and in the account in one
    /// step (if Genesys refuses it, the account keeps its secret). Development tiers only.
    RotateSecret {
        account: String,
        #[arg(long = "env", value_name = "ENV")]
        env: Option<String>,
    },
}

pub fn run(home: Option<PathBuf>, cmd: IntegrationCommand) -> CliResult {
    let paths = Paths::resolve(home.as_deref()).map_err(CliError::Failed)?;
    let store = AccountStore::open(&paths).map_err(store_error)?;
    let (account, env) = match &cmd {
        IntegrationCommand::Create { account, env, .. }
        | IntegrationCommand::RotateSecret { account, env }
        | IntegrationCommand::Show { account, env, .. }
        | IntegrationCommand::SetWebhook { account, env, .. } => (account, env),
    };
    let env = environment(&store, env.as_deref())?;
    if env.is_read_only() && !matches!(cmd, IntegrationCommand::Show { .. }) {
        return Err(CliError::Failed(read_only(env)));
    }
    let stored = store.account(env, account).map_err(store_error)?;
    let account = stored.name.clone();
    drop(store);
    // The engine writes the accounts file: it opens the store itself.
    let config = EngineConfig {
        accounts: AccountSource::Stored,
        in_memory_history: true,
        ..EngineConfig::headless(paths, Vec::new())
    };
    let runtime = super::runtime()?;
    let mut engine = engine::spawn_headless(runtime.handle(), config);
    let request = RequestId(1);
    let outcome = match cmd {
        IntegrationCommand::Show { json, .. } => {
            engine.send(Command::ShowIntegration { request, env, account: account.clone() });
            runtime.block_on(shown(&mut engine)).map(|i| print_integration(&i, json))
        }
        IntegrationCommand::SetWebhook { url, .. } => match url.or_else(|| stored.public_webhook_url()) {
            None => Err(CliError::Usage(format!(
                "No URL: pass --url, or set the Public webhook base URL of \"{account}\" (Accounts)"
            ))),
            Some(url) => {
                engine.send(Command::PointWebhook { env, account: account.clone(), url: url.clone() });
                runtime
                    .block_on(pointed(&mut engine))
                    .map(|()| println!("\"{account}\": the integration's webhook is {url}"))
            }
        },
        IntegrationCommand::RotateSecret { .. } => {
            engine.send(Command::RotateSecret { request, env, account: account.clone() });
            runtime.block_on(rotated(&mut engine)).map(|()| {
                println!("\"{account}\": new webhook secret set in Genesys and stored with the account.");
            })
        }
        IntegrationCommand::Create { name, json, .. } => {
            engine.send(Command::CreateIntegration { request, env, account: account.clone(), name });
            if !json {
                eprintln!("creating the integration; Genesys finishes it asynchronously…");
            }
            runtime.block_on(created(&mut engine)).map(|id| {
                if json {
                    println!("{}", serde_json::json!({ "account": account, "integration_id": id }));
                } else {
                    println!("\"{account}\" now uses the new integration {id} (its webhook secret is stored with it).");
                }
            })
        }
    };
    runtime.block_on(engine.shutdown());
    outcome
}

async fn created(engine: &mut HeadlessEngine) -> Result<String, CliError> {
    while let Some(event) = engine.next().await {
        if let Event::IntegrationCreated { result, .. } = event {
            return result.map_err(CliError::Failed);
        }
    }
    Err(CliError::Failed("the engine stopped before the integration was created".into()))
}

async fn rotated(engine: &mut HeadlessEngine) -> CliResult {
    while let Some(event) = engine.next().await {
        if let Event::SecretRotated { result, .. } = event {
            return result.map_err(CliError::Failed);
        }
    }
    Err(CliError::Failed("the engine stopped before the secret was rotated".into()))
}

async fn shown(engine: &mut HeadlessEngine) -> Result<Box<Integration>, CliError> {
    while let Some(event) = engine.next().await {
        if let Event::IntegrationShown { result, .. } = event {
            return result.map_err(CliError::Failed);
        }
    }
    Err(CliError::Failed("the engine stopped before the integration was read".into()))
}

async fn pointed(engine: &mut HeadlessEngine) -> CliResult {
    while let Some(event) = engine.next().await {
        if let Event::WebhookPointed { result, .. } = event {
            return result.map_err(CliError::Failed);
        }
    }
    Err(CliError::Failed("the engine stopped before the webhook was changed".into()))
}

/// The integration without its secret token (only whether one is set).
fn print_integration(i: &Integration, json: bool) {
    let id_of = |r: &Option<EntityRef>| r.as_ref().map(|r| r.id.clone());
    let doc = serde_json::json!({
        "id": i.id,
        "name": i.name,
        "status": i.status,
        "create_status": i.create_status,
        "create_error": i.create_error.as_ref().and_then(|e| e.message.clone()),
        "webhook_url": i.outbound_notification_webhook_url,
        "secret_token_set": i.outbound_notification_webhook_signature_secret_token.as_deref().is_some_and(|s| !s.is_empty()),
        "recipient": id_of(&i.recipient),
        "messaging_setting": id_of(&i.messaging_setting),
        "supported_content": id_of(&i.supported_content),
    });
    if json {
        println!("{doc}");
        return;
    }
    for (key, value) in doc.as_object().into_iter().flatten() {
        let text = match value {
            serde_json::Value::String(s) => printable(s).into_owned(),
            serde_json::Value::Null => "-".into(),
            other => other.to_string(),
        };
        println!("{key:<18} {text}");
    }
}
