//! `genesys-desk send`.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, CliResult};

#[derive(Debug, Args)]
pub struct SendArgs {
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
    /// Customer email (mandatory): also the customer id.
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub mobile: Option<String>,
    #[arg(long)]
    pub query: Option<String>,
    #[arg(long)]
    pub priority: Option<String>,
    /// Message text (defaults to the query).
    #[arg(long)]
    pub text: Option<String>,
    /// Image as a public URL, or a local path served by the listener's /media.
    #[arg(long)]
    pub image: Option<String>,
    /// Extra custom attribute KEY=VALUE (repeatable).
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    pub attrs: Vec<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(_home: Option<PathBuf>, _args: SendArgs) -> CliResult {
    Err(CliError::Failed("send: not built yet".into()))
}
