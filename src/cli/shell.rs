//! `genesys-desk completions SHELL` (clap_complete) and `genesys-desk man`
//! (clap_mangen): generated from the same command definition, printed on stdout.

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, CliError, CliResult};

pub fn completions(shell: Shell) -> CliResult {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "genesys-desk", &mut std::io::stdout());
    Ok(())
}

pub fn man() -> CliResult {
    clap_mangen::Man::new(Cli::command())
        .render(&mut std::io::stdout())
        .map_err(|e| CliError::Failed(format!("cannot write the man page: {e}")))
}
