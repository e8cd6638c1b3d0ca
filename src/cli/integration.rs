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
    match cmd {
        IntegrationCommand::RotateSecret { account, env } => {
            let env = environment(&store, env.as_deref())?;
            if env.is_read_only() {
                return Err(CliError::Failed(read_only(env)));
            }
            let name = store.account(env, &account).map_err(store_error)?.name;
            drop(store);
            // The engine writes the accounts file: it opens the store itself.
            let config = EngineConfig {
                accounts: AccountSource::Stored,
                in_memory_history: true,
                ..EngineConfig::headless(paths, Vec::new())
            };
            let runtime = super::runtime()?;
            let mut engine = engine::spawn_headless(runtime.handle(), config);
            engine.send(Command::RotateSecret { request: RequestId(1), env, account: name.clone() });
            let result = runtime.block_on(rotated(&mut engine));
            runtime.block_on(engine.shutdown());
            result?;
            println!("\"{name}\": new webhook secret set in Genesys and stored with the account.");
            Ok(())
        }
    }
}

async fn rotated(engine: &mut HeadlessEngine) -> CliResult {
    while let Some(event) = engine.next().await {
        if let Event::SecretRotated { result, .. } = event {
            return result.map_err(CliError::Failed);
        }
    }
    Err(CliError::Failed("the engine stopped before the secret was rotated".into()))
}
