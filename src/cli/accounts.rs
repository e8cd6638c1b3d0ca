//! `genesys-desk accounts ...` and `genesys-desk paths`.
//!
//! Secrets never come from argv (it is visible in `ps` and shell history): the
//! client secret comes from `GENESYS_CLIENT_SECRET`, the webhook secret from
//! `GENESYS_WEBHOOK_SECRET`, or a hidden prompt when stdin is a terminal.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Subcommand;
use serde_json::json;

use super::{CliError, CliResult};
use crate::config::secrets::Secrets;
use crate::config::{Account, AccountDraft, AccountStore, Environment, Paths, StoreError, Tier};

/// Where `accounts add` reads the client secret from.
pub const CLIENT_SECRET_ENV: &str = "GENESYS_CLIENT_SECRET";
/// Where `accounts add` reads the webhook signature secret from.
pub const WEBHOOK_SECRET_ENV: &str = "GENESYS_WEBHOOK_SECRET";

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
    /// Switch an account's events on or off: off, the listener answers its
    /// webhook path 404 and nothing reaches its chats.
    SetEvents {
        name: String,
        #[arg(value_parser = ["on", "off"])]
        state: String,
        #[arg(long = "env", value_name = "ENV")]
        env: Option<String>,
    },
    /// Export accounts (all, or those named) to JSON without their secrets;
    /// the file names the variables `import` reads the secrets from.
    Export {
        /// Accounts to export (default: all of the environment but the built-in Emulator account).
        names: Vec<String>,
        #[arg(long = "env", value_name = "ENV")]
        env: Option<String>,
        /// Write to FILE instead of stdout.
        #[arg(long, short = 'o', value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Import accounts from an export file. Names already used are refused;
    /// secrets come from the variables the file names, or a hidden prompt on a TTY.
    Import {
        file: PathBuf,
        #[arg(long = "env", value_name = "ENV")]
        env: Option<String>,
    },
    /// Switch the workspace between two tiers (Development, Live) and three
    /// (Staging, Sandbox, Production).
    SetTier { tier: String },
}

pub fn run(home: Option<PathBuf>, cmd: AccountsCommand) -> CliResult {
    let paths = resolve_paths(home)?;
    let mut store = AccountStore::open(&paths).map_err(store_error)?;
    match cmd {
        AccountsCommand::List { env, json } => list(&store, env.as_deref(), json),
        AccountsCommand::Add { name, host, client_id, integration_id, public_webhook_base, env } => {
            let env = environment(&store, env.as_deref())?;
            if env.is_read_only() {
                return Err(CliError::Failed(read_only(env)));
            }
            let mut draft = AccountDraft {
                name,
                host,
                client_id,
                client_secret: String::new(),
                integration_id,
                webhook_secret: String::new(),
                public_webhook_base: public_webhook_base.unwrap_or_default(),
                accept_unsigned: false,
                events_off: false,
            };
            // Report field errors before asking for secrets, so nobody types a
            // secret only to be told the client ID was wrong.
            let mut probe = draft.clone();
            probe.client_secret = "placeholder".into();
            if let Err(errors) = probe.parse() {
                return Err(store_error(StoreError::Invalid(errors)));
            }
            draft.client_secret = read_secret(CLIENT_SECRET_ENV, "Client secret: ", true)?;
            draft.webhook_secret =
                read_secret(WEBHOOK_SECRET_ENV, "Webhook signature secret (Enter for none): ", false)?;
            let account = store.save(env, None, &draft).map_err(store_error)?;
            println!(
                "Added \"{}\" to {env} ({}); secrets stored in the {}.",
                account.name,
                account.host,
                store.secret_backend()
            );
            println!("Webhook path: {}", account.webhook_path());
            warn(&store);
            Ok(())
        }
        AccountsCommand::Remove { name, env } => {
            let env = environment(&store, env.as_deref())?;
            if env.is_read_only() {
                return Err(CliError::Failed(read_only(env)));
            }
            store.remove(env, &name).map_err(store_error)?;
            println!("Removed \"{}\" from {env}.", name.trim());
            Ok(())
        }
        AccountsCommand::SetEvents { name, state, env } => {
            let env = environment(&store, env.as_deref())?;
            if env.is_read_only() {
                return Err(CliError::Failed(read_only(env)));
            }
            let on = state == "on";
            store.set_events(env, &name, on).map_err(store_error)?;
            let what = if on { "receives events" } else { "no longer receives events (its webhook answers 404)" };
            println!("\"{}\" in {env} {what}.", name.trim());
            Ok(())
        }
        AccountsCommand::Export { names, env, output } => {
            let env = environment(&store, env.as_deref())?;
            super::share::export(&store, env, &names, output.as_deref())
        }
        AccountsCommand::Import { file, env } => {
            let env = environment(&store, env.as_deref())?;
            if env.is_read_only() {
                return Err(CliError::Failed(read_only(env)));
            }
            super::share::import(&mut store, env, &file)
        }
        AccountsCommand::SetTier { tier } => {
            let tier: Tier = tier.parse().map_err(CliError::Usage)?;
            store.set_tier(tier).map_err(store_error)?;
            let envs: Vec<&str> = tier.environments().iter().map(|e| e.label()).collect();
            println!("The workspace is now {tier}-tier: {}.", envs.join(", "));
            Ok(())
        }
    }
}

pub fn paths(home: Option<PathBuf>, as_json: bool) -> CliResult {
    let paths = resolve_paths(home)?;
    let secrets = Secrets::open(&paths).map_err(|e| CliError::Failed(e.0))?;
    let backend = secrets.backend();
    if as_json {
        let doc = json!({
            "config_dir": paths.config_dir,
            "data_dir": paths.data_dir,
            "accounts_file": paths.accounts_file(),
            "secrets_file": paths.secrets_file(),
            "history_db": paths.history_db(),
            "media_dir": paths.media_dir(),
            "log_dir": paths.log_dir(),
            "secret_store": backend.as_str(),
            "warning": backend.warning(),
        });
        println!("{doc:#}");
        return Ok(());
    }
    println!("config dir:    {}", paths.config_dir.display());
    println!("data dir:      {}", paths.data_dir.display());
    println!("accounts file: {}", paths.accounts_file().display());
    println!("secrets file:  {}", paths.secrets_file().display());
    println!("history db:    {}", paths.history_db().display());
    println!("media dir:     {}", paths.media_dir().display());
    println!("log dir:       {}", paths.log_dir().display());
    println!("secret store:  {} ({})", backend.as_str(), backend);
    if let Some(warning) = backend.warning() {
        eprintln!("warning: {warning}");
    }
    Ok(())
}

fn resolve_paths(home: Option<PathBuf>) -> Result<Paths, CliError> {
    Paths::resolve(home.as_deref()).map_err(CliError::Failed)
}

/// Invalid input and unknown names are usage errors (exit 2); the rest failed (exit 1).
pub(super) fn store_error(err: StoreError) -> CliError {
    match err {
        // One `error:` line per field (the first gets its prefix from `cli::run`).
        StoreError::Invalid(errors) => {
            CliError::Usage(errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("\nerror: "))
        }
        StoreError::ReadOnly(message) => CliError::Failed(message),
        other => CliError::Failed(other.to_string()),
    }
}

/// `--env` parsed and checked against the workspace's tier; default: its first editable environment.
pub(super) fn environment(store: &AccountStore, env: Option<&str>) -> Result<Environment, CliError> {
    let tier = store.tier();
    let Some(text) = env else {
        return Ok(tier.default_environment());
    };
    let env: Environment = text.parse().map_err(CliError::Usage)?;
    if env.tier() != tier {
        let envs: Vec<&str> = tier.environments().iter().map(|e| e.label()).collect();
        return Err(CliError::Usage(format!(
            "{env} is not part of this workspace: it is {tier}-tier ({}). Use one of those, or switch with `genesys-desk accounts set-tier {}`",
            envs.join(", "),
            env.tier()
        )));
    }
    Ok(env)
}

/// A secret from `var`, else a hidden prompt on a terminal; never from argv.
pub(super) fn read_secret(var: &str, prompt: &str, required: bool) -> Result<String, CliError> {
    if let Ok(value) = std::env::var(var) {
        return Ok(value);
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(prompt)
            .map_err(|e| CliError::Failed(format!("Could not read the secret from the terminal: {e}")));
    }
    if required {
        return Err(CliError::Usage(format!(
            "Client secret is missing: set {var} (secrets are never taken from the command line), or run in a terminal to be prompted"
        )));
    }
    Ok(String::new())
}

/// The read-only message plus the CLI spelling of where to edit.
pub(super) fn read_only(env: Environment) -> String {
    format!("{} (--env {})", env.read_only_message(), env.source().label().to_lowercase())
}

fn warn(store: &AccountStore) {
    if let Some(warning) = store.secret_backend().warning() {
        eprintln!("warning: {warning}");
    }
}

fn list(store: &AccountStore, env: Option<&str>, as_json: bool) -> CliResult {
    let env = environment(store, env)?;
    let loaded = store.load_accounts(env).map_err(store_error)?;
    // A broken entry is named once on stderr; the others are listed as usual.
    for broken in &loaded.broken {
        eprintln!("warning: {broken}");
    }
    let accounts = loaded.accounts;
    let backend = store.secret_backend();
    if as_json {
        let doc = json!({
            "environment": env.label().to_lowercase(),
            "read_only": env.is_read_only(),
            "tier": store.tier().to_string(),
            "secret_store": backend.as_str(),
            "warning": backend.warning(),
            "accounts": accounts.iter().map(account_json).collect::<Vec<_>>(),
            "broken": loaded.broken.iter().map(|b| json!({
                "name": b.name,
                "field": b.field,
                "message": b.message,
            })).collect::<Vec<_>>(),
        });
        let text = serde_json::to_string_pretty(&doc)
            .map_err(|e| CliError::Failed(format!("Could not encode the account list: {e}")))?;
        println!("{text}");
        return Ok(());
    }
    warn(store);
    let mode = if env.is_read_only() { format!(", read-only view of {}", env.source()) } else { String::new() };
    println!("{env} ({}-tier workspace{mode}); secrets in the {backend}", store.tier());
    if accounts.is_empty() {
        println!(
            "No accounts. Add one with `genesys-desk accounts add NAME --host H --client-id ID --integration-id ID`."
        );
        return Ok(());
    }
    let rows: Vec<[String; 6]> = accounts
        .iter()
        .map(|a| {
            [
                a.name.clone(),
                a.host.as_config_str(),
                a.client_id.to_string(),
                a.integration_id.to_string(),
                if a.webhook_secret.is_some() { "set".into() } else { "none".into() },
                if a.events_off { "off".into() } else { "on".into() },
            ]
        })
        .collect();
    let header = ["NAME", "HOST", "CLIENT ID", "INTEGRATION ID", "WEBHOOK SECRET", "EVENTS"];
    let widths: Vec<usize> = (0..header.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).chain([header[i].len()]).max().unwrap_or(0))
        .collect();
    let line = |cells: Vec<&str>| {
        cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect::<Vec<_>>().join("  ").trim_end().to_string()
    };
    println!("{}", line(header.to_vec()));
    for row in &rows {
        println!("{}", line(row.iter().map(String::as_str).collect()));
    }
    Ok(())
}

fn account_json(a: &Account) -> serde_json::Value {
    json!({
        "name": a.name,
        "host": a.host.as_config_str(),
        "region": a.host.region().map(|r| r.key),
        "api_base": a.host.api_base(),
        "login_base": a.host.login_base(),
        "client_id": a.client_id.to_string(),
        "integration_id": a.integration_id.to_string(),
        "webhook_secret_set": a.webhook_secret.is_some(),
        "public_webhook_base": a.public_webhook_base,
        "webhook_path": a.webhook_path(),
        "receive_events": !a.events_off,
    })
}
