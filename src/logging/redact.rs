//! Redaction of log lines and crash reports: the same secret keys and headers
//! the traffic view hides, plus every secret value this process has held in a
//! [`SecretString`](crate::config::SecretString), so a secret that reaches a
//! log line in a form no pattern knows (an error message, a URL) is still hidden.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{self, Write};
use std::sync::LazyLock;

use parking_lot::RwLock;
use regex::Regex;
use tracing_subscriber::fmt::MakeWriter;

use crate::model::traffic::REDACTED;

/// Shorter values are not remembered: they would hide ordinary words.
const MIN_REMEMBERED: usize = 6;
/// The newest secrets remembered (tokens are renewed hourly per account).
const MAX_REMEMBERED: usize = 256;

static KNOWN: RwLock<VecDeque<String>> = RwLock::new(VecDeque::new());

/// `Bearer …` / `Basic …` credentials, and `key=value` / `"key":"value"` pairs
/// of the secret keys the traffic view redacts (`model::traffic`).
static PATTERNS: LazyLock<[Regex; 2]> = LazyLock::new(|| {
    [
        pattern(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}"),
        // `key=value`, or a quoted JSON key `"key": "value"`; not prose such as
        // "no webhook secret: deliveries cannot be verified".
        pattern(
            r#"(?i)((?:access_token|refresh_token|secret|secrettoken|password)(?:\\?"\s*:|\s*=)\s*\\?"?)[^"\\&\s,}]+"#,
        ),
    ]
});

#[expect(clippy::expect_used, reason = "fixed patterns, compiled by every test of this module")]
fn pattern(text: &str) -> Regex {
    Regex::new(text).expect("a valid redaction pattern")
}

/// Remembers a secret value so later log lines and crash reports hide it.
pub fn remember(secret: &str) {
    if secret.len() < MIN_REMEMBERED {
        return;
    }
    if KNOWN.read().iter().any(|known| known == secret) {
        return;
    }
    let mut known = KNOWN.write();
    known.push_back(secret.to_string());
    if known.len() > MAX_REMEMBERED {
        known.pop_front();
    }
}

/// `text` with every remembered secret and every secret-looking pair replaced by `***`.
pub fn redact(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    for known in KNOWN.read().iter() {
        if out.contains(known.as_str()) {
            out = Cow::Owned(out.replace(known.as_str(), REDACTED));
        }
    }
    if let Cow::Owned(changed) = PATTERNS[0].replace_all(&out, format!("$1 {REDACTED}").as_str()) {
        out = Cow::Owned(changed);
    }
    if let Cow::Owned(changed) = PATTERNS[1].replace_all(&out, format!("${{1}}{REDACTED}").as_str()) {
        out = Cow::Owned(changed);
    }
    out
}

/// A [`MakeWriter`] whose writers redact each formatted event before it reaches `inner`.
#[derive(Clone)]
pub struct Redacting<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter(self.0.make_writer())
    }
}

/// Writes what it is given, redacted. `tracing_subscriber`'s formatter hands
/// over one whole event per `write`, so a secret is never split across calls.
pub struct RedactingWriter<W>(W);

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_secrets_are_hidden_wherever_they_appear() {
        remember("zq-remembered-secret-91");
        let line = "token request failed for https://x/?q=zq-remembered-secret-91 (zq-remembered-secret-91)";
        assert_eq!(redact(line), "token request failed for https://x/?q=*** (***)");
    }

    #[test]
    fn short_values_are_not_remembered() {
        remember("abc");
        assert_eq!(redact("abc abcdef"), "abc abcdef");
    }

    #[test]
    fn credentials_and_secret_pairs_are_hidden() {
        assert_eq!(redact("authorization: Bearer eyJhbGciOi.abc-def"), "authorization: Bearer ***");
        assert_eq!(
            redact("grant_type=client_credentials&client_secret=s3cr3t-x"),
            "grant_type=client_credentials&client_secret=***"
        );
        assert_eq!(
            redact(r#"{"access_token":"tok-123456","expires_in":86399}"#),
            r#"{"access_token":"***","expires_in":86399}"#
        );
        assert_eq!(
            redact(r#"body="{\"outboundNotificationWebhookSignatureSecretToken\":\"whsec-1\"}""#),
            r#"body="{\"outboundNotificationWebhookSignatureSecretToken\":\"***\"}""#
        );
        assert_eq!(redact("password=hunter22"), "password=***");
        assert_eq!(
            redact("no webhook secret: deliveries cannot be verified"),
            "no webhook secret: deliveries cannot be verified"
        );
    }

    #[test]
    fn ordinary_lines_are_kept_as_they_are() {
        let line = "listener on 127.0.0.1:8787; webhook secret set; secret_store=file";
        assert!(matches!(redact(line), Cow::Borrowed(_)));
    }

    #[test]
    fn the_writer_redacts_each_event() {
        remember("writer-secret-value");
        let mut sink = Vec::new();
        RedactingWriter(&mut sink).write_all(b"x writer-secret-value y\n").unwrap();
        assert_eq!(String::from_utf8(sink).unwrap(), "x *** y\n");
    }
}
