//! Client errors: they keep what Genesys said (status, `code`/`message` or
//! OAuth `error`/`error_description`, correlation id) and turn it into a
//! sentence that names the account field to fix.

use std::time::Duration;

use crate::config::Field;

/// The call that failed; it decides which field a status points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Token,
    Integration,
    Integrations,
    SendMessage,
    SendTyping,
    SendReceipt,
    SetWebhook,
    /// Notifications API: channel and subscriptions (no permission of its own).
    Notifications,
    /// Downloading an agent attachment.
    Download,
    /// The routing recipient of the integration (its inbound message flow).
    Recipient,
    /// The integration's messaging setting (typing events).
    MessagingSetting,
    /// The integration's supported content profile (media types).
    SupportedContent,
    /// The org's conversation threading timeline.
    ThreadingTimeline,
    /// Creating an Open Messaging integration.
    CreateIntegration,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Token => "OAuth token",
            Step::Integration => "get integration",
            Step::Integrations => "list integrations",
            Step::SendMessage => "send message",
            Step::SendTyping => "send typing event",
            Step::SendReceipt => "send receipt",
            Step::SetWebhook => "update integration webhook",
            Step::Notifications => "notifications",
            Step::Download => "download attachment",
            Step::Recipient => "get message routing recipient",
            Step::MessagingSetting => "get messaging setting",
            Step::SupportedContent => "get supported content",
            Step::ThreadingTimeline => "get threading timeline",
            Step::CreateIntegration => "create integration",
        }
    }

    /// The permission this call needs (the "Requires ALL permissions" line of the SDK's `*Api.md`).
    pub fn permission(self) -> &'static str {
        match self {
            Step::Token | Step::Notifications | Step::Download => "",
            Step::Integration | Step::Integrations => "messaging:integration:view",
            Step::SetWebhook => "messaging:integration:edit",
            Step::SendMessage | Step::SendTyping | Step::SendReceipt => "conversation:message:receive",
            Step::Recipient => "routing:message:manage",
            Step::MessagingSetting => "messaging:setting:view",
            Step::SupportedContent => "messaging:supportedContent:view",
            Step::ThreadingTimeline => "conversation:threadingTimeline:view",
            Step::CreateIntegration => "messaging:integration:add",
        }
    }
}

/// Why a Genesys call failed. `Display` is the technical summary (never a
/// secret); [`Error::user_message`] is the sentence for people.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// DNS or TCP connect failure: the host is wrong or unreachable.
    #[error("{step:?}: cannot connect to {url}: {detail}")]
    Connect { step: Step, url: String, detail: String },
    /// No answer within the configured request timeout.
    #[error("{step:?}: no answer from {url} within {}s", .after.as_secs_f32())]
    Timeout { step: Step, url: String, after: Duration },
    /// Other transport trouble (TLS, reset connection, ...).
    #[error("{step:?}: request to {url} failed: {detail}")]
    Transport { step: Step, url: String, detail: String },
    /// The token endpoint refused the credentials (OAuth error body).
    #[error("{step:?}: {status} {} from {login_host}", .error.as_deref().unwrap_or("error"))]
    OAuth {
        step: Step,
        status: u16,
        login_host: String,
        error: Option<String>,
        description: Option<String>,
        correlation_id: Option<String>,
    },
    /// The API answered with a non-2xx status and (usually) an `ErrorBody`.
    #[error("{step:?}: {status} {} {}", .code.as_deref().unwrap_or(""), .message.as_deref().unwrap_or(""))]
    Api {
        step: Step,
        status: u16,
        url: String,
        code: Option<String>,
        message: Option<String>,
        correlation_id: Option<String>,
    },
    /// A 2xx answer whose body says the operation failed (a receipt answered
    /// `status: Failed`), with Genesys' reasons.
    #[error("{step:?}: answered {status} ({})", .reasons.join("; "))]
    Refused { step: Step, status: String, reasons: Vec<String> },
    /// A 2xx answer we could not read.
    #[error("{step:?}: unexpected answer from {url}: {detail}")]
    Decode { step: Step, url: String, detail: String },
    /// Input the client refuses before sending (bad URL, empty message, ...).
    #[error("{message}")]
    Invalid { field: Option<Field>, message: String },
}

impl Error {
    /// HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::OAuth { status, .. } | Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// `ININ-Correlation-ID` of the failed response, when there was one.
    pub fn correlation_id(&self) -> Option<&str> {
        match self {
            Error::OAuth { correlation_id, .. } | Error::Api { correlation_id, .. } => correlation_id.as_deref(),
            _ => None,
        }
    }

    /// Genesys `code` (or OAuth `error`).
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::OAuth { error, .. } => error.as_deref(),
            Error::Api { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    pub fn step(&self) -> Option<Step> {
        match self {
            Error::Connect { step, .. }
            | Error::Timeout { step, .. }
            | Error::Transport { step, .. }
            | Error::OAuth { step, .. }
            | Error::Api { step, .. }
            | Error::Refused { step, .. }
            | Error::Decode { step, .. } => Some(*step),
            Error::Invalid { .. } => None,
        }
    }

    /// True for errors that mean "missing permission" (403).
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(403)
    }

    /// The account field the user should look at, for highlighting.
    pub fn field(&self) -> Option<Field> {
        match self {
            Error::Connect { .. } | Error::Timeout { .. } | Error::Transport { .. } => Some(Field::Host),
            Error::OAuth { description, error, .. } => {
                let text = format!("{} {}", error.as_deref().unwrap_or(""), description.as_deref().unwrap_or(""))
                    .to_ascii_lowercase();
                // Genesys does not say which half of the pair is wrong; when the
                // description does name the client (unknown/not found), point at the id.
                if !text.contains("secret") && (text.contains("not found") || text.contains("unknown client")) {
                    Some(Field::ClientId)
                } else {
                    Some(Field::ClientSecret)
                }
            }
            Error::Api { status: 404, step: Step::Integration | Step::SetWebhook, .. } => Some(Field::IntegrationId),
            Error::Api {
                status: 404 | 400,
                step: Step::SendMessage | Step::SendTyping | Step::SendReceipt,
                code,
                ..
            } if code.as_deref() == Some("not.found") => Some(Field::IntegrationId),
            // Roles belong to the OAuth client: that is what the user changes.
            Error::Api { status: 403, .. } => Some(Field::ClientId),
            Error::Api { status: 401, .. } => Some(Field::ClientSecret),
            Error::Invalid { field, .. } => *field,
            _ => None,
        }
    }

    /// One sentence (or two) for people: what failed, which field, how to fix.
    pub fn user_message(&self) -> String {
        let corr = |c: &Option<String>| c.as_ref().map(|c| format!(" [correlation id {c}]")).unwrap_or_default();
        match self {
            Error::Connect { url, detail, .. } => format!(
                "Cannot reach {} ({detail}): check the Host URL (region domain such as mypurecloud.ie, or the emulator address) and your network",
                host_of(url)
            ),
            Error::Timeout { url, after, .. } => format!(
                "{} did not answer within {} s: the server is slow or the Host URL points at the wrong machine; try again, or check the Host URL",
                host_of(url),
                after.as_secs_f32()
            ),
            Error::Transport { url, detail, .. } => {
                format!("Request to {} failed ({detail}): check the Host URL and your network", host_of(url))
            }
            Error::OAuth { status, login_host, error, description, correlation_id, .. } => {
                let said = match (error, description) {
                    (Some(e), Some(d)) => format!("{e}: {d}"),
                    (Some(e), None) => e.clone(),
                    (None, Some(d)) => d.clone(),
                    (None, None) => "no details".into(),
                };
                let which = match self.field() {
                    Some(Field::ClientId) => "Client ID not recognised",
                    _ => "Client ID or client secret rejected",
                };
                format!(
                    "{which} by {login_host} ({status} {said}){}: re-copy the Client ID and client secret from Admin > Integrations > OAuth, and check the Host URL region: a right secret in the wrong region fails the same way",
                    corr(correlation_id)
                )
            }
            Error::Api { step, status, code, message, correlation_id, url } => {
                let said = match (code, message) {
                    (Some(c), Some(m)) => format!("{c}: {m}"),
                    (Some(c), None) => c.clone(),
                    (None, Some(m)) => m.clone(),
                    (None, None) => "no details".into(),
                };
                self.api_message(*step, *status, &said, &corr(correlation_id), url)
            }
            Error::Decode { step, url, detail } => {
                format!(
                    "Unexpected answer to {} from {} ({detail}): is the Host URL a Genesys Cloud region?",
                    step.as_str(),
                    host_of(url)
                )
            }
            Error::Refused { step, status, reasons } => {
                let why = if reasons.is_empty() { "no reason given".to_string() } else { reasons.join("; ") };
                format!("Genesys accepted the {} call but answered {status}: {why}", step.as_str())
            }
            Error::Invalid { message, .. } => message.clone(),
        }
    }

    /// The sentence for an API answer other than 2xx: by status, naming the
    /// permission, the id or the wait the user needs.
    fn api_message(&self, step: Step, status: u16, said: &str, c: &str, url: &str) -> String {
        match (status, step) {
            (403, _) if step.permission().is_empty() => format!(
                "Genesys refused {step_name} (403 {said}){c}: give the OAuth client (Client ID) a role with the permission named there, under Admin > Integrations > OAuth > Roles",
                step_name = step.as_str(),
            ),
            (403, _) => format!(
                "Permission {} missing ({step_name}: 403 {said}){c}: give the OAuth client (Client ID) a role that has {perm} in Admin > Roles/Permissions, then add the role to the client under Admin > Integrations > OAuth > Roles",
                step.permission(),
                step_name = step.as_str(),
                perm = step.permission(),
            ),
            (404, Step::Integration | Step::SetWebhook) => format!(
                "Integration ID not found in this org/region (404 {said}){c}: copy the id from Admin > Message > Platforms > your Open Messaging integration, and check the Host URL region"
            ),
            (404, _) if self.field() == Some(Field::IntegrationId) => format!(
                "Integration ID not found by {} (404 {said}){c}: check the Integration ID and the Host URL region",
                host_of(url)
            ),
            (401, _) => format!(
                "The API refused the token (401 {said}){c}: the token was issued for another org or region; check the Host URL and the Client ID/secret"
            ),
            (429, _) => format!(
                "Rate limited by Genesys ({step_name}: 429 {said}){c}: wait a minute and try again; the OAuth client is limited to about 300 requests per minute",
                step_name = step.as_str()
            ),
            (400, _) => format!(
                "Genesys refused the {} request (400 {said}){c}: the field named in the message is invalid",
                step.as_str()
            ),
            (s, _) if s >= 500 => format!(
                "Genesys had a server error on {} ({s} {said}){c}: try again later; quote the correlation id to Genesys support if it persists",
                step.as_str()
            ),
            (s, _) => format!("{} failed ({s} {said}){c}", step.as_str()),
        }
    }
}

/// `scheme://host[:port]` of a URL, for messages.
fn host_of(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => {
            let mut s = u.host_str().unwrap_or(url).to_string();
            if let Some(p) = u.port() {
                s.push_str(&format!(":{p}"));
            }
            s
        }
        Err(_) => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(step: Step, status: u16) -> Error {
        Error::Api {
            step,
            status,
            url: "https://api.mypurecloud.ie/api/v2/x".into(),
            code: Some("some.code".into()),
            message: Some("Some message".into()),
            correlation_id: Some("corr-1".into()),
        }
    }

    #[test]
    fn messages_name_the_field() {
        let e = api(Step::Integration, 404);
        assert_eq!(e.field(), Some(Field::IntegrationId));
        assert!(e.user_message().starts_with("Integration ID not found"), "{}", e.user_message());
        assert!(e.user_message().contains("corr-1"));

        let e = api(Step::SendMessage, 403);
        assert!(e.user_message().contains("conversation:message:receive"));
        let e = api(Step::Integration, 403);
        assert!(e.user_message().contains("messaging:integration:view"));
        let m = api(Step::Notifications, 403).user_message();
        assert!(!m.contains("Permission  missing") && m.contains("Some message"), "{m}");

        let e = Error::OAuth {
            step: Step::Token,
            status: 401,
            login_host: "login.mypurecloud.ie".into(),
            error: Some("invalid_client".into()),
            description: Some("Bad client secret".into()),
            correlation_id: None,
        };
        assert_eq!(e.field(), Some(Field::ClientSecret));
        let m = e.user_message();
        assert!(m.contains("client secret") && m.contains("region") && m.contains("login.mypurecloud.ie"), "{m}");

        let e = Error::Connect {
            step: Step::Token,
            url: "https://login.x.example/oauth/token".into(),
            detail: "dns".into(),
        };
        assert_eq!(e.field(), Some(Field::Host));
        assert!(e.user_message().contains("Host URL"));
    }
}
