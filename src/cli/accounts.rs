//! `genesys-desk accounts ...` and `genesys-desk paths`.

use std::path::PathBuf;

use clap::Subcommand;

use super::{CliError, CliResult};

#[derive(Debug, Subcommand)]
pub enum AccountsCommand {
    /// List the accounts of an environment.
    List {
        #[arg(long = "env", value_name = "ENV")]
        env: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Add an account. The client secret comes from GENESYS_CLIENT_SECRET, the
    /// webhook secret from GENESYS_WEBHOOK_SECRET, or a hidden prompt on a TTY.
    Add {
        name: String,
        #[arg(long)]
        host: String,
        #[arg(long = "client-id")]
        client_id: String,
        #[arg(long = "integration-id")]
        integration_id: String,
        #[arg(long = "public-webhook-base")]
        public_webhook_base: Option<String>,
        #[arg(long = "env", value_name = "ENV")]
        env: Option<String>,
    },
    /// Remove an account.
    Remove {
        name: String,
        #[arg(long = "env", value_name = "ENV")]
        env: Option<String>,
    },
    /// Switch the workspace between two tiers (Development, Live) and three
    /// (Staging, Sandbox, Production).
    SetTier { tier: String },
}

pub fn run(_home: Option<PathBuf>, _cmd: AccountsCommand) -> CliResult {
    Err(CliError::Failed("accounts: not built yet".into()))
}

pub fn paths(_home: Option<PathBuf>) -> CliResult {
    Err(CliError::Failed("paths: not built yet".into()))
}
