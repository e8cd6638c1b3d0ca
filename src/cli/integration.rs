//! `genesys-desk integration ...`: changing the account's integration in
//! Genesys, through the same engine as the app.

use std::path::PathBuf;

use clap::Subcommand;

use super::accounts::{environment, read_only, store_error};
use super::{CliError, CliResult};
use crate::config::{AccountStore, Paths};
use crate::engine::command::{Command, Event, RequestId};
use crate::engine::{self, AccountSource, EngineConfig, HeadlessEngine};

#[derive(Debug, Subcommand)]
pub enum IntegrationCommand {
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
        IntegrationCommand::Create { account, env, .. } | IntegrationCommand::RotateSecret { account, env } => {
            (account, env)
        }
    };
    let env = environment(&store, env.as_deref())?;
    if env.is_read_only() {
        return Err(CliError::Failed(read_only(env)));
    }
    let account = store.account(env, account).map_err(store_error)?.name;
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
