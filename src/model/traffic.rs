//! Traffic entries: every API call we send and every webhook we receive, with
//! secrets and tokens already redacted when the entry is built.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// A request genesys-desk sent (API call).
    Outgoing,
    /// A webhook delivery the listener received.
    Incoming,
    /// A notification-socket event.
    Socket,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Outgoing => "outgoing",
            Direction::Incoming => "incoming",
            Direction::Socket => "socket",
        }
    }
}

/// Outcome of the `X-Hub-Signature-256` check on a webhook delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureVerdict {
    Valid,
    Invalid,
    Missing,
    NoSecretConfigured,
}

impl SignatureVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureVerdict::Valid => "valid",
            SignatureVerdict::Invalid => "invalid",
            SignatureVerdict::Missing => "missing",
            SignatureVerdict::NoSecretConfigured => "no-secret-configured",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrafficEntry {
    /// Row id once stored.
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub direction: Direction,
    pub account: String,
    pub method: String,
    /// Full URL for outgoing calls, path for incoming deliveries.
    pub url: String,
    #[serde(default)]
    pub status: Option<u16>,
    /// Time to the answer, in microseconds (most loopback calls take under a millisecond).
    #[serde(default)]
    pub latency_us: Option<u64>,
    #[serde(default)]
    pub verdict: Option<SignatureVerdict>,
    /// For a rejected delivery: which common signing mistake matches.
    #[serde(default)]
    pub explanation: Option<String>,
    #[serde(default)]
    pub correlation_id: Option<String>,
    /// Request headers, secrets redacted.
    #[serde(default)]
    pub request_headers: Vec<(String, String)>,
    /// Request body as sent/received, secrets redacted.
    #[serde(default)]
    pub request_body: String,
    #[serde(default)]
    pub response_headers: Vec<(String, String)>,
    #[serde(default)]
    pub response_body: String,
    /// Transport error (DNS, connect, timeout) when there was no response.
    #[serde(default)]
    pub error: Option<String>,
    /// Read from a HAR file, not seen by this app: shown marked "imported".
    #[serde(default)]
    pub imported: bool,
}

impl TrafficEntry {
    /// A new entry stamped now.
    pub fn new(direction: Direction, account: &str, method: &str, url: &str) -> Self {
        Self {
            id: None,
            at: OffsetDateTime::now_utc(),
            direction,
            account: account.to_string(),
            method: method.to_string(),
            url: url.to_string(),
            status: None,
            latency_us: None,
            verdict: None,
            explanation: None,
            correlation_id: None,
            request_headers: Vec::new(),
            request_body: String::new(),
            response_headers: Vec::new(),
            response_body: String::new(),
            error: None,
            imported: false,
        }
    }
}

/// `elapsed` in whole microseconds (saturating).
pub fn micros(elapsed: std::time::Duration) -> u64 {
    u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX)
}

/// A latency as Traffic shows it: `0.42 ms`, `3.1 ms`, `120 ms`.
pub fn latency_text(us: u64) -> String {
    match us {
        0..=999 => format!("{:.2} ms", us as f64 / 1000.0),
        1_000..=9_999 => format!("{:.1} ms", us as f64 / 1000.0),
        _ => format!("{} ms", us / 1000),
    }
}

/// Receives traffic entries as they happen (the engine stores and shows them).
pub type TrafficSink = std::sync::Arc<dyn Fn(TrafficEntry) + Send + Sync>;

/// The text that replaces a secret in headers and bodies.
pub const REDACTED: &str = "***";

/// Header names whose values are secrets (compared case-insensitively).
const SECRET_HEADERS: [&str; 5] = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"];

/// JSON keys whose values are secrets, wherever they appear.
const SECRET_KEYS: [&str; 6] = [
    "access_token",
    "refresh_token",
    "client_secret",
    "outboundNotificationWebhookSignatureSecretToken",
    "secret",
    "password",
];

/// `headers` with secret values redacted, copied only when one is there.
pub fn redacted_headers(headers: &[(String, String)]) -> std::borrow::Cow<'_, [(String, String)]> {
    if !headers.iter().any(|(name, _)| is_secret_header(name)) {
        return std::borrow::Cow::Borrowed(headers);
    }
    let mut owned = headers.to_vec();
    redact_headers(&mut owned);
    std::borrow::Cow::Owned(owned)
}

fn is_secret_header(name: &str) -> bool {
    SECRET_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h))
}

/// Redacts secret header values in place (keeps the scheme word of `Authorization`).
pub fn redact_headers(headers: &mut [(String, String)]) {
    for (name, value) in headers.iter_mut() {
        if is_secret_header(name) {
            *value = match value.split_once(' ') {
                Some((scheme, _)) => format!("{scheme} {REDACTED}"),
                None => REDACTED.to_string(),
            };
        }
    }
}

/// Redacts secret fields of a JSON body; non-JSON bodies are returned as they
/// are, except form bodies with `client_secret=` which get that value redacted.
pub fn redact_body(body: &str) -> String {
    redacted_body(body).into_owned()
}

/// [`redact_body`] without a copy of a body that cannot hold a secret.
pub fn redacted_body(body: &str) -> std::borrow::Cow<'_, str> {
    if !may_hold_secret(body) {
        return std::borrow::Cow::Borrowed(body);
    }
    std::borrow::Cow::Owned(redact_secret_body(body))
}

fn redact_secret_body(body: &str) -> String {
    if let Ok(mut value) = serde_json::from_str::<serde_json::Value>(body) {
        if redact_value(&mut value) {
            return serde_json::to_string(&value).unwrap_or_else(|_| REDACTED.to_string());
        }
        return body.to_string();
    }
    if body.contains("client_secret=") || body.contains("access_token=") {
        return body
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if k == "client_secret" || k == "access_token" => format!("{k}={REDACTED}"),
                _ => pair.to_string(),
            })
            .collect::<Vec<_>>()
            .join("&");
    }
    body.to_string()
}

/// Text every secret key contains, in lower case (`client_secret` and the
/// webhook token key contain `secret`), and the `\u` escape that could spell
/// one inside a JSON key.
static SECRET_NEEDLES: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 5]> = std::sync::LazyLock::new(|| {
    ["access_token", "refresh_token", "secret", "password", "\\u"].map(|n| memchr::memmem::Finder::new(n).into_owned())
});

/// False only when no secret can be in `body`. Lets the common body (a webhook
/// message, ~650 bytes) skip a JSON parse on its way to the history. A lower-case
/// copy searched with memchr's SIMD `memmem` takes about a fifth of the time of a
/// case-insensitive aho-corasick pass on such a body (0.3 µs against 1.5 µs here).
fn may_hold_secret(body: &str) -> bool {
    let lower = body.as_bytes().to_ascii_lowercase();
    SECRET_NEEDLES.iter().any(|needle| needle.find(&lower).is_some())
}

fn redact_value(value: &mut serde_json::Value) -> bool {
    let mut changed = false;
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if SECRET_KEYS.iter().any(|s| k.eq_ignore_ascii_case(s)) && !v.is_null() {
                    *v = serde_json::Value::String(REDACTED.to_string());
                    changed = true;
                } else {
                    changed |= redact_value(v);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                changed |= redact_value(v);
            }
        }
        _ => {}
    }
    changed
}

/// HTTP status families, for traffic filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusClass {
    /// 2xx
    Success,
    /// 3xx
    Redirect,
    /// 4xx
    ClientError,
    /// 5xx
    ServerError,
    /// No response at all (transport error).
    NoResponse,
}

impl StatusClass {
    pub const ALL: [StatusClass; 5] = [
        StatusClass::Success,
        StatusClass::Redirect,
        StatusClass::ClientError,
        StatusClass::ServerError,
        StatusClass::NoResponse,
    ];

    pub fn label(self) -> &'static str {
        match self {
            StatusClass::Success => "2xx",
            StatusClass::Redirect => "3xx",
            StatusClass::ClientError => "4xx",
            StatusClass::ServerError => "5xx",
            StatusClass::NoResponse => "error",
        }
    }

    /// The family of `entry`'s status (a transport error has none).
    pub fn matches(self, entry: &TrafficEntry) -> bool {
        match (self, entry.status) {
            (StatusClass::Success, Some(s)) => (200..300).contains(&s),
            (StatusClass::Redirect, Some(s)) => (300..400).contains(&s),
            (StatusClass::ClientError, Some(s)) => (400..500).contains(&s),
            (StatusClass::ServerError, Some(s)) => s >= 500,
            (StatusClass::NoResponse, status) => status.is_none(),
            _ => false,
        }
    }
}

/// What a traffic list shows: the window's live list and the history
/// database both filter by it. Empty text and `None` match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrafficFilter {
    /// Case-insensitive text in the URL, bodies, account, error (and, in the
    /// live list, method, status and correlation id).
    pub text: String,
    pub account: Option<String>,
    pub direction: Option<Direction>,
    pub status: Option<StatusClass>,
    pub verdict: Option<SignatureVerdict>,
}

impl TrafficFilter {
    pub fn is_empty(&self) -> bool {
        *self == TrafficFilter::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_without_a_secret_are_not_copied_to_be_redacted() {
        let headers = vec![("Content-Type".to_string(), "application/json".to_string())];
        assert!(matches!(redacted_headers(&headers), std::borrow::Cow::Borrowed(_)));
        let body = r#"{"id":"c327","text":"Hi"}"#;
        assert!(matches!(redacted_body(body), std::borrow::Cow::Borrowed(b) if b == body));
    }

    #[test]
    fn rows_with_a_secret_are_redacted_in_a_copy() {
        let headers = vec![("Authorization".to_string(), "Bearer tok-123".to_string())];
        let redacted = redacted_headers(&headers);
        assert!(matches!(redacted, std::borrow::Cow::Owned(_)));
        assert_eq!(redacted[0].1, format!("Bearer {REDACTED}"));
        assert_eq!(headers[0].1, "Bearer tok-123", "the caller's headers are left as they were");
        let body = redacted_body(r#"{"client_secret":"s3cret"}"#);
        assert!(!body.contains("s3cret"), "{body}");
    }

    #[test]
    fn latencies_under_a_millisecond_are_shown_as_such() {
        assert_eq!(latency_text(420), "0.42 ms");
        assert_eq!(latency_text(35), "0.04 ms");
        assert_eq!(latency_text(3_140), "3.1 ms");
        assert_eq!(latency_text(120_400), "120 ms");
        assert_eq!(micros(std::time::Duration::from_nanos(1_999)), 1);
    }

    #[test]
    fn headers_lose_their_secrets() {
        let mut h = vec![
            ("Authorization".to_string(), "Basic dXNlcjpwYXNz".to_string()),
            ("X-Hub-Signature-256".to_string(), "sha256=abc".to_string()),
            ("cookie".to_string(), "a=b".to_string()),
        ];
        redact_headers(&mut h);
        assert_eq!(h[0].1, "Basic ***");
        assert_eq!(h[1].1, "sha256=abc");
        assert_eq!(h[2].1, "***");
    }

    #[test]
    fn bodies_lose_tokens_and_webhook_secrets() {
        let token = r#"{"access_token":"tok-123","token_type":"bearer","expires_in":86399}"#;
        let out = redact_body(token);
        assert!(!out.contains("tok-123") && out.contains("bearer"), "{out}");
        let integ = r#"{"entities":[{"id":"x","outboundNotificationWebhookSignatureSecretToken":"DEADBEEF"}]}"#;
        assert!(!redact_body(integ).contains("DEADBEEF"));
        assert_eq!(redact_body("grant_type=client_credentials"), "grant_type=client_credentials");
        assert_eq!(redact_body("grant_type=x&client_secret=zz"), "grant_type=x&client_secret=***");
        assert_eq!(redact_body(r#"{"text":"hi"}"#), r#"{"text":"hi"}"#);
    }

    #[test]
    fn a_secret_key_spelled_with_escapes_or_other_case_is_still_redacted() {
        assert_eq!(redact_body(r#"{"p\u0061ssword":"hunter2"}"#), r#"{"password":"***"}"#);
        assert_eq!(redact_body(r#"{"Client_SECRET":"zz"}"#), r#"{"Client_SECRET":"***"}"#);
        assert_eq!(redact_body(r#"{"a":[{"Secret":"zz"}]}"#), r#"{"a":[{"Secret":"***"}]}"#);
    }
}
