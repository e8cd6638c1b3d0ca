//! Thin entry point: logging, argument parsing, then the GUI or a subcommand.

use std::process::ExitCode;

use clap::Parser;
use genesys_desk::cli::{self, Cli};

/// The listener allocates a little for every delivery on several threads at
/// once; mimalloc's per-thread heaps took ~18 % of its CPU time from glibc's
/// malloc under load (README, "Webhook ingest").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("GENESYS_DESK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Some(command) => cli::run(cli.home, command),
        None => genesys_desk::app::run(cli.home),
    }
}
