//! `genesys-desk listen`.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, CliResult};

#[derive(Debug, Args)]
pub struct ListenArgs {
    /// Bind address (default 127.0.0.1:8787).
    #[arg(long)]
    pub bind: Option<String>,
    /// Accounts to listen for (default: all of the environment).
    pub accounts: Vec<String>,
    /// Verify with the secret in this environment variable instead of accounts.
    #[arg(long = "secret-env", value_name = "VAR")]
    pub secret_env: Option<String>,
    #[arg(long = "env", value_name = "ENV")]
    pub env: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(_home: Option<PathBuf>, _args: ListenArgs) -> CliResult {
    Err(CliError::Failed("listen: not built yet".into()))
}
