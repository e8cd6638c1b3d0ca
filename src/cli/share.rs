//! `genesys-desk accounts export|import`: a setup shared without secrets
//! (`config::share`).

use std::io::IsTerminal;
use std::path::Path;

use super::accounts::store_error;
use super::{CliError, CliResult};
use crate::config::share::{SharedAccount, SharedSetup};
use crate::config::{AccountDraft, AccountStore, Environment};

pub(super) fn export(store: &AccountStore, env: Environment, names: &[String], output: Option<&Path>) -> CliResult {
    let loaded = store.load_accounts(env).map_err(store_error)?;
    for broken in &loaded.broken {
        eprintln!("warning: not exported: {broken}");
    }
    let accounts = crate::config::share::chosen(loaded.accounts, names).map_err(|missing| {
        let list: Vec<String> = missing.iter().map(|n| format!("\"{n}\"")).collect();
        CliError::Usage(format!(
            "no account {} in {env}: `genesys-desk accounts list --env {}` shows the names",
            list.join(", "),
            env.label().to_lowercase()
        ))
    })?;
    let text = SharedSetup::export(&accounts).to_json();
    match output {
        None => super::output::out_lines(&text),
        Some(path) => {
            crate::config::atomic::write_user_file(path, 0o644, |w| w.write_all(text.as_bytes()))
                .map_err(|e| CliError::Failed(format!("Could not write {}: {e}", path.display())))?;
            eprintln!("Exported {} account(s) of {env} to {} (no secrets).", accounts.len(), path.display());
        }
    }
    Ok(())
}

pub(super) fn import(store: &mut AccountStore, env: Environment, file: &Path) -> CliResult {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::Failed(format!("Could not read {}: {e}", file.display())))?;
    let setup = SharedSetup::parse(&text).map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))?;
    check_room(store, env, &setup, file)?;
    // Field errors first, then the secrets: nobody types a secret only to be
    // told a client id was wrong. Nothing is saved until every secret is known.
    for account in &setup.accounts {
        let probe = account.draft("placeholder".into(), String::new());
        probe.parse().map_err(|errors| {
            let text: Vec<String> = errors.into_iter().map(|e| e.message).collect();
            CliError::Usage(format!("{}: \"{}\": {}", file.display(), account.name, text.join("; ")))
        })?;
    }
    let drafts = setup.accounts.iter().map(with_secrets).collect::<Result<Vec<AccountDraft>, CliError>>()?;
    for draft in &drafts {
        let account = store.save(env, None, draft).map_err(store_error)?;
        println!("Imported \"{}\" into {env} ({}).", account.name, account.host);
    }
    println!("Secrets are in the {}.", store.secret_backend());
    Ok(())
}

/// Refuses names already used in `env`, and an import past the per-environment limit.
fn check_room(store: &AccountStore, env: Environment, setup: &SharedSetup, file: &Path) -> CliResult {
    match setup.room_error(&store.names(env), &env.to_string()) {
        Some(message) => Err(CliError::Usage(format!("{}: {message}", file.display()))),
        None => Ok(()),
    }
}

fn with_secrets(account: &SharedAccount) -> Result<AccountDraft, CliError> {
    let client = secret(
        &account.client_secret_env,
        &format!("Client secret of \"{}\": ", account.name),
        &account.name,
        "client secret",
    )?;
    let webhook = match &account.webhook_secret_env {
        Some(var) => {
            secret(var, &format!("Webhook secret of \"{}\": ", account.name), &account.name, "webhook secret")?
        }
        None => String::new(),
    };
    Ok(account.draft(client, webhook))
}

/// A secret from `var`, else a hidden prompt on a terminal; required.
fn secret(var: &str, prompt: &str, account: &str, what: &str) -> Result<String, CliError> {
    if let Ok(value) = std::env::var(var).map(|v| v.trim().to_string())
        && !value.is_empty()
    {
        return Ok(value);
    }
    if std::io::stdin().is_terminal() {
        let value = rpassword::prompt_password(prompt)
            .map_err(|e| CliError::Failed(format!("Could not read the secret from the terminal: {e}")))?;
        if !value.trim().is_empty() {
            return Ok(value.trim().to_string());
        }
    }
    Err(CliError::Usage(format!(
        "The {what} of \"{account}\" is missing: set {var} (the variable the export file names), or run in a terminal to be asked: nothing imported"
    )))
}
