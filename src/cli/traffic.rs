//! `genesys-desk traffic export|import`: the whole history database as HAR
//! or JSON (streamed row by row, without a window), and HAR files into it.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::{CliError, CliResult};
use crate::config::Paths;
use crate::engine::ExportError;
use crate::model::traffic::{Direction, SignatureVerdict, StatusClass, TrafficFilter};
use crate::storage::Db;

#[derive(Debug, Subcommand)]
pub enum TrafficCommand {
    /// Export the history's traffic (oldest first) to a HAR or JSON file ("-": stdout).
    Export(ExportArgs),
    /// Import a HAR file into the history; its rows are marked imported.
    Import { file: PathBuf },
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("format").required(true).args(["har", "json"])))]
pub struct ExportArgs {
    /// Write HAR 1.2 to FILE.
    #[arg(long, value_name = "FILE")]
    har: Option<PathBuf>,
    /// Write the rows as a JSON array to FILE.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Only this account's rows.
    #[arg(long)]
    account: Option<String>,
    #[arg(long, value_parser = ["outgoing", "incoming", "socket"])]
    direction: Option<String>,
    #[arg(long, value_parser = ["2xx", "3xx", "4xx", "5xx", "error"])]
    status: Option<String>,
    #[arg(long, value_parser = ["valid", "invalid", "missing", "no-secret-configured"])]
    signature: Option<String>,
    /// Only rows with this text in the URL, bodies, account, explanation or error.
    #[arg(long, default_value = "")]
    text: String,
}

pub fn run(home: Option<PathBuf>, cmd: TrafficCommand) -> CliResult {
    let paths = Paths::resolve(home.as_deref()).map_err(CliError::Failed)?;
    let history = paths.history_db();
    let mut db = Db::open(&history)
        .map_err(|e| CliError::Failed(format!("Could not open the history {}: {e}", history.display())))?;
    match cmd {
        TrafficCommand::Export(args) => export(&db, &args),
        TrafficCommand::Import { file } => {
            let entries = crate::model::har::read_file(&file).map_err(CliError::Usage)?;
            let ids = db
                .insert_traffic_batch(&entries)
                .map_err(|e| CliError::Failed(format!("Could not store the imported rows: {e}")))?;
            println!(
                "Imported {} entries from {} into {} (marked imported).",
                ids.len(),
                file.display(),
                history.display()
            );
            Ok(())
        }
    }
}

fn filter(args: &ExportArgs) -> TrafficFilter {
    let direction = args.direction.as_deref().map(|d| match d {
        "incoming" => Direction::Incoming,
        "socket" => Direction::Socket,
        _ => Direction::Outgoing,
    });
    let status = args.status.as_deref().and_then(|s| StatusClass::ALL.into_iter().find(|c| c.label() == s));
    let verdict = args.signature.as_deref().and_then(|s| {
        [
            SignatureVerdict::Valid,
            SignatureVerdict::Invalid,
            SignatureVerdict::Missing,
            SignatureVerdict::NoSecretConfigured,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    });
    TrafficFilter { text: args.text.clone(), account: args.account.clone(), direction, status, verdict }
}

fn export(db: &Db, args: &ExportArgs) -> CliResult {
    let (path, har) = match (&args.har, &args.json) {
        (Some(path), _) => (path.as_path(), true),
        (None, Some(path)) => (path.as_path(), false),
        (None, None) => return Err(CliError::Usage("give --har FILE or --json FILE".into())),
    };
    let filter = filter(args);
    let stdout = path == Path::new("-");
    let written = if stdout {
        let mut out = BufWriter::new(std::io::stdout().lock());
        write_rows(db, &filter, har, &mut out).and_then(|count| Ok(out.flush().map(|()| count)?))
    } else {
        // 0600: the rows name customers and hold their messages.
        crate::config::atomic::write_user_file(path, 0o600, |out| write_rows(db, &filter, har, out))
    };
    let shown = if stdout { "stdout".to_string() } else { path.display().to_string() };
    let count = written.map_err(|e| CliError::Failed(format!("Export to {shown} failed: {e}")))?;
    eprintln!("Exported {count} entries{}.", if stdout { String::new() } else { format!(" to {shown}") });
    Ok(())
}

/// Writes the matching rows as a HAR log or a JSON array, one row at a time.
fn write_rows(db: &Db, filter: &TrafficFilter, har: bool, out: &mut dyn Write) -> Result<u64, ExportError> {
    let head = if har {
        format!(r#"{{"log":{{"version":"1.2","creator":{},"entries":["#, crate::model::har::creator())
    } else {
        "[".to_string()
    };
    out.write_all(head.as_bytes())?;
    let mut first = true;
    let count = db.for_each_traffic(filter, |entry| -> Result<(), ExportError> {
        if !first {
            out.write_all(b",\n")?;
        }
        first = false;
        if har {
            serde_json::to_writer(&mut *out, &crate::model::har::har_entry(&entry))?;
        } else {
            serde_json::to_writer(&mut *out, &entry)?;
        }
        Ok(())
    })?;
    out.write_all(if har { b"]}}\n" } else { b"]\n" })?;
    Ok(count)
}
