//! Shareable setups: accounts exported to a JSON file without their secrets,
//! and imported again. Each exported account names the environment variables
//! its secrets are read from on import (or asked for), so a team shares a
//! setup without sharing secrets.

use serde::{Deserialize, Serialize};

use super::account::{Account, AccountDraft, same_name};

/// The `format` value of an export file.
pub const FORMAT: &str = "genesys-desk/accounts";
/// The file version this build writes and reads.
pub const VERSION: u32 = 1;

/// An export file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedSetup {
    pub format: String,
    pub version: u32,
    pub accounts: Vec<SharedAccount>,
}

/// One account without secrets: every stored field but the two secrets,
/// which are replaced by the names of the variables to read them from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedAccount {
    pub name: String,
    pub host: String,
    pub client_id: String,
    pub integration_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_webhook_base: Option<String>,
    #[serde(default = "yes")]
    pub receive_events: bool,
    #[serde(default)]
    pub accept_unsigned: bool,
    /// The variable the client secret is read from on import.
    pub client_secret_env: String,
    /// The variable the webhook secret is read from; absent when the account had none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_secret_env: Option<String>,
}

fn yes() -> bool {
    true
}

impl SharedSetup {
    /// `accounts` as an export (their secrets left out).
    pub fn export(accounts: &[Account]) -> SharedSetup {
        SharedSetup { format: FORMAT.into(), version: VERSION, accounts: accounts.iter().map(shared).collect() }
    }

    /// The file's text: pretty JSON, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Reads an export file; the error names the line and column, or what is wrong.
    pub fn parse(text: &str) -> Result<SharedSetup, String> {
        let setup: SharedSetup = serde_json::from_str(text).map_err(|e| {
            format!("not a genesys-desk accounts export: {e} (line {}, column {})", e.line(), e.column())
        })?;
        if setup.format != FORMAT {
            return Err(format!("\"format\" is \"{}\", expected \"{FORMAT}\"", setup.format));
        }
        if setup.version != VERSION {
            return Err(format!(
                "\"version\" is {}; this genesys-desk reads version {VERSION}: update genesys-desk",
                setup.version
            ));
        }
        for (i, a) in setup.accounts.iter().enumerate() {
            if let Some(other) = setup.accounts[..i].iter().find(|o| same_name(&o.name, &a.name)) {
                return Err(format!("the file has \"{}\" twice (also as \"{}\")", a.name, other.name));
            }
        }
        Ok(setup)
    }

    /// Why these accounts cannot join an environment (`env`) holding
    /// `existing`: a name taken, or the per-environment limit.
    pub fn room_error(&self, existing: &[String], env: &str) -> Option<String> {
        let conflicts = self.conflicts(existing);
        if !conflicts.is_empty() {
            let list: Vec<String> = conflicts.iter().map(|n| format!("\"{n}\"")).collect();
            return Some(format!(
                "{} already in {env} (names are not case-sensitive): nothing imported. Remove or rename them first, or import into another environment",
                list.join(", ")
            ));
        }
        let (max, total) = (super::defaults::MAX_ACCOUNTS_PER_ENVIRONMENT, existing.len() + self.accounts.len());
        (total > max).then(|| {
            format!(
                "{} account(s) would make {total} in {env}, over the limit of {max}: nothing imported",
                self.accounts.len()
            )
        })
    }

    /// The file's accounts whose names are already taken among `existing`.
    pub fn conflicts(&self, existing: &[String]) -> Vec<String> {
        self.accounts
            .iter()
            .filter(|a| existing.iter().any(|e| same_name(e, &a.name)))
            .map(|a| a.name.clone())
            .collect()
    }
}

impl SharedAccount {
    /// The account to save, with the secrets found for it.
    pub fn draft(&self, client_secret: String, webhook_secret: String) -> AccountDraft {
        AccountDraft {
            name: self.name.clone(),
            host: self.host.clone(),
            client_id: self.client_id.clone(),
            client_secret,
            integration_id: self.integration_id.clone(),
            webhook_secret,
            public_webhook_base: self.public_webhook_base.clone().unwrap_or_default(),
            accept_unsigned: self.accept_unsigned,
            events_off: !self.receive_events,
        }
    }
}

/// The accounts an export takes: those `names` (an error lists the missing
/// ones), or with no names all but the built-in Emulator account, which every
/// machine has its own of.
pub fn chosen(mut accounts: Vec<Account>, names: &[String]) -> Result<Vec<Account>, Vec<String>> {
    if names.is_empty() {
        accounts.retain(|a| !same_name(&a.name, super::defaults::EMULATOR_ACCOUNT));
        return Ok(accounts);
    }
    let missing: Vec<String> =
        names.iter().filter(|n| !accounts.iter().any(|a| same_name(&a.name, n))).cloned().collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    accounts.retain(|a| names.iter().any(|n| same_name(&a.name, n)));
    Ok(accounts)
}

fn shared(a: &Account) -> SharedAccount {
    SharedAccount {
        name: a.name.clone(),
        host: a.host.as_config_str(),
        client_id: a.client_id.to_string(),
        integration_id: a.integration_id.to_string(),
        public_webhook_base: a.public_webhook_base.clone(),
        receive_events: !a.events_off,
        accept_unsigned: a.accept_unsigned,
        client_secret_env: env_var_name(&a.name, "CLIENT_SECRET"),
        webhook_secret_env: a.webhook_secret.as_ref().map(|_| env_var_name(&a.name, "WEBHOOK_SECRET")),
    }
}

/// `GENESYS_DESK_<NAME>_<WHAT>`: the name upper-cased, every run of other
/// characters than ASCII letters and digits one `_` (a portable variable name).
pub fn env_var_name(account: &str, what: &str) -> String {
    let mut name = String::from("GENESYS_DESK_");
    let mut gap = false;
    for c in account.chars() {
        if c.is_ascii_alphanumeric() {
            if gap && !name.ends_with('_') {
                name.push('_');
            }
            gap = false;
            name.push(c.to_ascii_uppercase());
        } else {
            gap = true;
        }
    }
    if !name.ends_with('_') {
        name.push('_');
    }
    name.push_str(what);
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variable_names_are_portable() {
        assert_eq!(env_var_name("Acme Dev", "CLIENT_SECRET"), "GENESYS_DESK_ACME_DEV_CLIENT_SECRET");
        assert_eq!(env_var_name("  émile / prod-2 ", "WEBHOOK_SECRET"), "GENESYS_DESK_MILE_PROD_2_WEBHOOK_SECRET");
        assert_eq!(env_var_name("ÉÉ", "CLIENT_SECRET"), "GENESYS_DESK_CLIENT_SECRET");
    }

    #[test]
    fn a_file_of_another_kind_or_version_is_refused_by_name() {
        let err = SharedSetup::parse(r#"{"format":"x","version":1,"accounts":[]}"#).unwrap_err();
        assert!(err.contains("\"format\" is \"x\""), "{err}");
        let err = SharedSetup::parse(r#"{"format":"genesys-desk/accounts","version":2,"accounts":[]}"#).unwrap_err();
        assert!(err.contains("version 1"), "{err}");
        let err = SharedSetup::parse("{\n  \"format\": 3\n}").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn a_secret_field_in_the_file_is_refused() {
        let text = r#"{"format":"genesys-desk/accounts","version":1,"accounts":[{"name":"A","host":"mypurecloud.com",
            "client_id":"x","integration_id":"y","client_secret_env":"V","client_secret":"leaked"}]}"#;
        let err = SharedSetup::parse(text).unwrap_err();
        assert!(err.contains("client_secret"), "{err}");
    }
}
