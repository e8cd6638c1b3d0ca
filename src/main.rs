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
    let cli = Cli::parse();
    // Printing completions or the man page (packaging) writes no log file.
    let writes_files = !matches!(cli.command, Some(cli::Command::Completions { .. } | cli::Command::Man));
    let paths = writes_files.then(|| genesys_desk::config::Paths::resolve(cli.home.as_deref()).ok()).flatten();
    let _log = genesys_desk::logging::init(paths.as_ref());
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        command = cli.command.as_ref().map(cli::Command::name),
        "started"
    );
    match cli.command {
        Some(command) => cli::run(cli.home, command),
        None => genesys_desk::app::run(cli.home),
    }
}
