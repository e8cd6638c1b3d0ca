//! `genesys-desk verify`.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, CliResult};

#[derive(Debug, Args)]
pub struct VerifyArgs {
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
    /// Also post a typing event to prove `conversation:message:receive`.
    #[arg(long)]
    pub send: bool,
    #[arg(long)]
    pub json: bool,
}

pub fn run(_home: Option<PathBuf>, _args: VerifyArgs) -> CliResult {
    Err(CliError::Failed("verify: not built yet".into()))
}
