//! Accounts: what a user types (`AccountDraft`, strings as typed) and what the
//! rest of the app uses (`Account`, validated). One validator serves the CLI and
//! the GUI's inline errors.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::regions::Host;
use super::secret::SecretString;

/// Longest account name; it also appears in the webhook path.
pub const MAX_NAME_CHARS: usize = 64;

/// A form field of an account, for error messages and UI highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    Host,
    ClientId,
    ClientSecret,
    IntegrationId,
    WebhookSecret,
    PublicWebhookBase,
}

impl Field {
    /// The label used in forms and messages.
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "Account name",
            Field::Host => "Host URL",
            Field::ClientId => "Client ID",
            Field::ClientSecret => "Client secret",
            Field::IntegrationId => "Integration ID",
            Field::WebhookSecret => "Webhook secret",
            Field::PublicWebhookBase => "Public webhook base URL",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A validation error for one field; `message` names the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    pub field: Field,
    pub message: String,
}

impl FieldError {
    pub fn new(field: Field, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}

/// A validated account. Secrets are held in memory only; the store keeps them
/// in the OS keyring (or the 0600 fallback file), never in the accounts file.
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub name: String,
    pub host: Host,
    pub client_id: Uuid,
    pub client_secret: SecretString,
    pub integration_id: Uuid,
    pub webhook_secret: Option<SecretString>,
    /// Public https base URL that reaches the local listener (a tunnel), e.g.
    /// `https://abc.trycloudflare.com`; the webhook URL is this + `/hooks/<name>`.
    pub public_webhook_base: Option<String>,
    /// Debug switch: the listener accepts unsigned or wrongly signed traffic
    /// for this account (clearly marked as such).
    pub accept_unsigned: bool,
    /// "Receive events" switched off: the listener answers this account's path
    /// 404 (recorded in traffic) and nothing reaches its chats.
    pub events_off: bool,
}

impl Account {
    /// The listener path for this account: `/hooks/<name>` (percent-encoded).
    pub fn webhook_path(&self) -> String {
        webhook_path(&self.name)
    }

    /// The full public webhook URL to paste into Genesys, when a public base is set.
    pub fn public_webhook_url(&self) -> Option<String> {
        self.public_webhook_base.as_ref().map(|base| format!("{}{}", base.trim_end_matches('/'), self.webhook_path()))
    }

    /// A draft holding this account's values, for editing.
    pub fn to_draft(&self) -> AccountDraft {
        AccountDraft {
            name: self.name.clone(),
            host: self.host.as_config_str(),
            client_id: self.client_id.to_string(),
            client_secret: self.client_secret.expose().to_string(),
            integration_id: self.integration_id.to_string(),
            webhook_secret: self.webhook_secret.as_ref().map(|s| s.expose().to_string()).unwrap_or_default(),
            public_webhook_base: self.public_webhook_base.clone().unwrap_or_default(),
            accept_unsigned: self.accept_unsigned,
            events_off: self.events_off,
        }
    }
}

/// Whether two account names are the same account: surrounding spaces ignored,
/// letters compared by Unicode lowercase ("Émile" = "émile", "ACME" = "acme").
/// The one rule for names everywhere: the store's lookups and duplicate check,
/// the secret keys and the listener's `/hooks/<name>`.
///
/// No Unicode normalisation is needed: [`validate_name`] refuses combining
/// marks (they are neither letters nor digits), so a stored name is always in
/// precomposed form; a decomposed spelling in a URL simply does not match.
pub fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    a == b || a.chars().flat_map(char::to_lowercase).eq(b.chars().flat_map(char::to_lowercase))
}

/// `/hooks/<name>` with the name percent-encoded for a URL path.
pub fn webhook_path(name: &str) -> String {
    let mut out = String::from("/hooks/");
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An account form as typed. `Debug` hides the secrets.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct AccountDraft {
    pub name: String,
    pub host: String,
    pub client_id: String,
    pub client_secret: String,
    pub integration_id: String,
    pub webhook_secret: String,
    pub public_webhook_base: String,
    pub accept_unsigned: bool,
    pub events_off: bool,
}

impl fmt::Debug for AccountDraft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountDraft")
            .field("name", &self.name)
            .field("host", &self.host)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("integration_id", &self.integration_id)
            .field("webhook_secret", &"***")
            .field("public_webhook_base", &self.public_webhook_base)
            .field("accept_unsigned", &self.accept_unsigned)
            .field("events_off", &self.events_off)
            .finish()
    }
}

impl AccountDraft {
    /// Validates every field; on failure returns one error per bad field.
    pub fn parse(&self) -> Result<Account, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = validate_name(&self.name).map_err(|e| errors.push(e)).ok();
        let host = Host::parse(&self.host).map_err(|m| errors.push(FieldError::new(Field::Host, m))).ok();
        let client_id = parse_uuid(Field::ClientId, &self.client_id).map_err(|e| errors.push(e)).ok();
        let integration_id = parse_uuid(Field::IntegrationId, &self.integration_id).map_err(|e| errors.push(e)).ok();
        if self.client_secret.trim().is_empty() {
            errors.push(FieldError::new(
                Field::ClientSecret,
                "Client secret is empty: copy it from Admin > Integrations > OAuth > your client",
            ));
        }
        let public_webhook_base =
            validate_public_base(&self.public_webhook_base).map_err(|e| errors.push(e)).ok().flatten();
        match (name, host, client_id, integration_id) {
            (Some(name), Some(host), Some(client_id), Some(integration_id)) if errors.is_empty() => Ok(Account {
                name,
                host,
                client_id,
                client_secret: SecretString::new(self.client_secret.trim()),
                integration_id,
                webhook_secret: (!self.webhook_secret.is_empty())
                    .then(|| SecretString::new(self.webhook_secret.clone())),
                public_webhook_base,
                accept_unsigned: self.accept_unsigned,
                events_off: self.events_off,
            }),
            _ => Err(errors),
        }
    }

    /// The errors for the form, keyed by field (empty when valid).
    pub fn field_errors(&self) -> Vec<FieldError> {
        self.parse().err().unwrap_or_default()
    }
}

/// Account names: non-empty, at most 64 characters, letters, digits, spaces, `-`, `_`, `.`.
pub fn validate_name(input: &str) -> Result<String, FieldError> {
    let name = input.trim();
    if name.is_empty() {
        return Err(FieldError::new(
            Field::Name,
            "Account name is empty: give the account a short name, e.g. Acme Dev",
        ));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(FieldError::new(
            Field::Name,
            format!("Account name is too long ({} characters): keep it to {MAX_NAME_CHARS}", name.chars().count()),
        ));
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.'))) {
        return Err(FieldError::new(
            Field::Name,
            format!("Account name contains \"{bad}\": use letters, digits, spaces, - _ or ."),
        ));
    }
    Ok(name.to_string())
}

/// Parses a UUID field (any case, surrounding whitespace ignored).
pub fn parse_uuid(field: Field, input: &str) -> Result<Uuid, FieldError> {
    let text = input.trim();
    if text.is_empty() {
        let hint = match field {
            Field::ClientId => "copy it from Admin > Integrations > OAuth > your client",
            _ => "copy it from Admin > Message > Platforms > your Open Messaging integration",
        };
        return Err(FieldError::new(field, format!("{} is empty: {hint}", field.label())));
    }
    Uuid::try_parse(text).map_err(|_| {
        FieldError::new(
            field,
            format!(
                "{} \"{}\" is not a UUID: it looks like 8-4-4-4-12 hex digits, e.g. 6f1c2b9e-3d4a-4c5b-9e8f-0a1b2c3d4e5f",
                field.label(),
                text
            ),
        )
    })
}

/// Optional public base URL: empty, or an `https://` URL without path beyond `/`.
pub fn validate_public_base(input: &str) -> Result<Option<String>, FieldError> {
    let text = input.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let url = url::Url::parse(text).map_err(|e| {
        FieldError::new(
            Field::PublicWebhookBase,
            format!("Public webhook base URL \"{text}\" is not a URL ({e}): paste your tunnel's https address"),
        )
    })?;
    if url.scheme() != "https" {
        return Err(FieldError::new(
            Field::PublicWebhookBase,
            "Public webhook base URL must start with https:// (Genesys only calls https on port 443)",
        ));
    }
    if url.port().is_some_and(|p| p != 443) {
        return Err(FieldError::new(
            Field::PublicWebhookBase,
            "Public webhook base URL uses a custom port: Genesys only calls port 443, remove the port",
        ));
    }
    Ok(Some(text.trim_end_matches('/').to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> AccountDraft {
        AccountDraft {
            name: "Acme Dev".into(),
            host: "mypurecloud.ie".into(),
            client_id: " 6F1C2B9E-3D4A-4C5B-9E8F-0A1B2C3D4E5F ".into(),
            client_secret: "s3cret".into(),
            integration_id: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
            webhook_secret: String::new(),
            public_webhook_base: String::new(),
            accept_unsigned: false,
            events_off: false,
        }
    }

    #[test]
    fn a_good_draft_parses_and_normalises() {
        let a = good().parse().unwrap();
        assert_eq!(a.client_id.to_string(), "6f1c2b9e-3d4a-4c5b-9e8f-0a1b2c3d4e5f");
        assert_eq!(a.host.api_base(), "https://api.mypurecloud.ie");
        assert_eq!(a.webhook_secret, None);
        assert_eq!(a.webhook_path(), "/hooks/Acme%20Dev");
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let mut d = good();
        d.client_id = "not-a-uuid".into();
        d.integration_id = "1234".into();
        d.client_secret = "  ".into();
        d.host = "example.org".into();
        d.name = "".into();
        let errs = d.parse().unwrap_err();
        let fields: Vec<Field> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec![Field::Name, Field::Host, Field::ClientId, Field::IntegrationId, Field::ClientSecret]);
        assert!(errs[2].message.starts_with("Client ID \"not-a-uuid\" is not a UUID"));
        assert!(errs[3].message.starts_with("Integration ID \"1234\" is not a UUID"));
    }

    #[test]
    fn names_and_public_urls() {
        assert!(validate_name("a/b").unwrap_err().message.contains("\"/\""));
        assert!(validate_name(&"x".repeat(65)).is_err());
        assert_eq!(validate_name("  Émile test_1.2 ").unwrap(), "Émile test_1.2");
        assert!(validate_public_base("http://x.example").is_err());
        assert!(validate_public_base("https://x.example:8443").unwrap_err().message.contains("443"));
        let mut d = good();
        d.public_webhook_base = "https://abc.trycloudflare.com/".into();
        assert_eq!(d.parse().unwrap().public_webhook_url().unwrap(), "https://abc.trycloudflare.com/hooks/Acme%20Dev");
    }

    #[test]
    fn names_compare_by_unicode_lowercase() {
        assert!(same_name("Émile", "émile"));
        assert!(same_name(" Acme Dev ", "ACME dev"));
        assert!(same_name("ΣΟΦΙΑ", "σοφια"));
        assert!(!same_name("Émile", "Emile"));
        assert!(!same_name("Acme", "Acme2"));
    }

    #[test]
    fn draft_debug_hides_secrets() {
        let mut d = good();
        d.webhook_secret = "whsec-hidden".into();
        let text = format!("{d:?} {:?}", d.parse().unwrap());
        assert!(!text.contains("s3cret") && !text.contains("whsec-hidden"), "{text}");
    }
}
