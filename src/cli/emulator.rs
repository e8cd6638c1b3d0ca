//! `genesys-desk emulator`.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, CliResult};

#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Bind address (default 127.0.0.1:8786).
    #[arg(long)]
    pub bind: Option<String>,
    #[arg(long = "client-id")]
    pub client_id: Option<String>,
    #[arg(long = "integration-id")]
    pub integration_id: Option<String>,
    /// Where the scripted agent posts (default http://127.0.0.1:8787/hooks/Emulator).
    #[arg(long)]
    pub webhook: Option<String>,
}

pub fn run(_home: Option<PathBuf>, _args: EmulatorArgs) -> CliResult {
    Err(CliError::Failed("emulator: not built yet".into()))
}
