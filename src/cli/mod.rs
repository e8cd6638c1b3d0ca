//! The command line: `genesys-desk [--home DIR] <subcommand>`. With no
//! subcommand the desktop app opens. Exit codes: 0 ok, 1 operation failed,
//! 2 usage or validation error; errors go to stderr and name the field.

pub mod accounts;
pub mod deliver;
pub mod emulator;
pub mod integration;
pub mod listen;
pub mod output;
pub mod scenario;
pub mod send;
mod share;
mod shell;
pub mod traffic;
mod tunnel;
pub mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "genesys-desk",
    version = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("GENESYS_DESK_COMMIT"), ")"),
    about = "Workbench for Genesys Cloud Open Messaging integrations"
)]
pub struct Cli {
    /// Keep config and data under this folder instead of the per-user default.
    #[arg(long, global = true, env = "GENESYS_DESK_HOME", value_name = "DIR")]
    pub home: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Add, list and remove accounts; switch between two and three tiers.
    #[command(subcommand)]
    Accounts(accounts::AccountsCommand),
    /// Print where config, secrets, history and logs are stored.
    Paths {
        #[arg(long)]
        json: bool,
    },
    /// Check an account's host, token, integration, webhook and secret.
    Verify(verify::VerifyArgs),
    /// Send a customer message (and optionally an image) as a test customer.
    Send(send::SendArgs),
    /// Run the webhook listener headless and print each delivery.
    Listen(listen::ListenArgs),
    /// Run the embedded Genesys Cloud emulator.
    Emulator(emulator::EmulatorArgs),
    /// Change the account's integration in Genesys (rotate its webhook secret).
    #[command(subcommand)]
    Integration(integration::IntegrationCommand),
    /// Act as Genesys toward your middleware: post a signed delivery to URL,
    /// retrying its answers by Genesys' rules.
    Deliver(deliver::DeliverArgs),
    /// Print shell completions (bash, zsh, fish, powershell, elvish) on stdout.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout.
    Man,
    /// Run repeatable handoff tests: a scenario file, many simulated customers.
    #[command(subcommand)]
    Scenario(scenario::ScenarioCommand),
    /// Export the history's traffic as HAR or JSON; import HAR files.
    #[command(subcommand)]
    Traffic(traffic::TrafficCommand),
}

impl Command {
    /// The subcommand's name, for the log.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Accounts(_) => "accounts",
            Command::Paths { .. } => "paths",
            Command::Verify(_) => "verify",
            Command::Send(_) => "send",
            Command::Listen(_) => "listen",
            Command::Emulator(_) => "emulator",
            Command::Integration(_) => "integration",
            Command::Deliver(_) => "deliver",
            Command::Completions { .. } => "completions",
            Command::Man => "man",
            Command::Scenario(_) => "scenario",
            Command::Traffic(_) => "traffic",
        }
    }
}

/// A CLI failure: `Usage` exits 2, `Failed` exits 1.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Failed(String),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Failed(_) => 1,
        }
    }
}

impl From<anyhow::Error> for CliError {
    fn from(err: anyhow::Error) -> Self {
        CliError::Failed(format!("{err:#}"))
    }
}

pub type CliResult = Result<(), CliError>;

/// The runtime a subcommand blocks on (the engine runs on it).
fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    crate::runtime::build().map_err(|e| CliError::Failed(format!("cannot start the runtime: {e}")))
}

/// Runs a parsed subcommand and turns the outcome into an exit code.
pub fn run(home: Option<PathBuf>, command: Command) -> ExitCode {
    let outcome = match command {
        Command::Accounts(cmd) => accounts::run(home, cmd),
        Command::Paths { json } => accounts::paths(home, json),
        Command::Verify(args) => verify::run(home, args),
        Command::Send(args) => send::run(home, args),
        Command::Listen(args) => listen::run(home, args),
        Command::Emulator(args) => emulator::run(home, args),
        Command::Integration(cmd) => integration::run(home, cmd),
        Command::Scenario(cmd) => scenario::run(home, cmd),
        Command::Deliver(args) => deliver::run(home, args),
        Command::Completions { shell } => shell::completions(shell),
        Command::Man => shell::man(),
        Command::Traffic(cmd) => traffic::run(home, cmd),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}
