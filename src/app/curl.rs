//! "Copy as curl": a traffic entry as a shell command in which every secret is
//! a `$GENESYS_*` variable, so the text is safe to paste into a ticket.

use crate::model::{Direction, TrafficEntry};

/// Headers curl sets by itself or that make no sense to replay.
const SKIPPED_HEADERS: [&str; 3] = ["content-length", "host", "connection"];

/// The entry as a `curl` command (POSIX shell quoting).
pub fn curl_command(entry: &TrafficEntry) -> String {
    let url = match entry.direction {
        // Incoming deliveries are recorded by path: replay them at the listener.
        Direction::Incoming if entry.url.starts_with('/') => {
            format!("${{GENESYS_LISTENER:-http://127.0.0.1:8787}}{}", entry.url)
        }
        _ => entry.url.clone(),
    };
    let mut out = format!("curl -X {} \"{}\"", entry.method, url.replace('"', "\\\""));
    for (name, value) in &entry.request_headers {
        let lower = name.to_ascii_lowercase();
        if SKIPPED_HEADERS.contains(&lower.as_str()) {
            continue;
        }
        let header = match lower.as_str() {
            "authorization" if value.to_ascii_lowercase().starts_with("basic") => {
                out.push_str(" \\\n  -u \"$GENESYS_CLIENT_ID:$GENESYS_CLIENT_SECRET\"");
                continue;
            }
            "authorization" => "-H \"Authorization: Bearer $GENESYS_TOKEN\"".to_string(),
            "x-hub-signature-256" => format!("-H \"{name}: $GENESYS_SIGNATURE\""),
            "cookie" | "proxy-authorization" | "x-api-key" => format!("-H \"{name}: $GENESYS_SECRET\""),
            _ => format!("-H {}", shell_quote(&format!("{name}: {value}"))),
        };
        out.push_str(" \\\n  ");
        out.push_str(&header);
    }
    if !entry.request_body.is_empty() {
        out.push_str(" \\\n  --data-raw ");
        out.push_str(&body_arg(&entry.request_body));
    }
    out
}

/// The body, single-quoted, with redacted secrets turned into variables.
fn body_arg(body: &str) -> String {
    let quoted = shell_quote(body);
    quoted.replace("client_secret=***", "client_secret='\"$GENESYS_CLIENT_SECRET\"'").replace(
        "\"outboundNotificationWebhookSignatureSecretToken\":\"***\"",
        "\"outboundNotificationWebhookSignatureSecretToken\":\"'\"$GENESYS_WEBHOOK_SECRET\"'\"",
    )
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_become_variables() {
        let mut e = TrafficEntry::new(Direction::Outgoing, "A", "POST", "https://api.x/api/v2/inbound");
        e.request_headers = vec![
            ("Authorization".into(), "bearer ***".into()),
            ("Content-Type".into(), "application/json".into()),
            ("content-length".into(), "12".into()),
        ];
        e.request_body = r#"{"text":"it's"}"#.into();
        let c = curl_command(&e);
        assert!(c.starts_with("curl -X POST \"https://api.x/api/v2/inbound\""), "{c}");
        assert!(c.contains("Authorization: Bearer $GENESYS_TOKEN") && !c.contains("***"), "{c}");
        assert!(c.contains(r#"--data-raw '{"text":"it'\''s"}'"#), "{c}");
        assert!(!c.contains("content-length"));

        let mut t = TrafficEntry::new(Direction::Outgoing, "A", "POST", "https://login.x/oauth/token");
        t.request_headers = vec![("Authorization".into(), "Basic ***".into())];
        t.request_body = "grant_type=client_credentials&client_secret=***".into();
        let c = curl_command(&t);
        assert!(c.contains("-u \"$GENESYS_CLIENT_ID:$GENESYS_CLIENT_SECRET\""), "{c}");
        assert!(c.contains("$GENESYS_CLIENT_SECRET\"'") && !c.contains("***"), "{c}");

        let mut d = TrafficEntry::new(Direction::Incoming, "A", "POST", "/hooks/A");
        d.request_headers = vec![("X-Hub-Signature-256".into(), "sha256=abc".into())];
        let c = curl_command(&d);
        assert!(
            c.contains("${GENESYS_LISTENER:-http://127.0.0.1:8787}/hooks/A") && c.contains("$GENESYS_SIGNATURE"),
            "{c}"
        );
    }
}
