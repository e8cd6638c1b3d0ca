//! What the command line prints: one flushed line at a time (scripts and
//! tests read stdout live), deliveries as text or JSON, and the stop signal.

use std::borrow::Cow;
use std::io::Write;

use time::format_description::well_known::Rfc3339;

use crate::webhook::Delivery;

/// One stdout line, flushed at once.
pub fn out(line: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}");
    let _ = stdout.flush();
}

/// Lines already ending in `\n`, written and flushed together.
pub fn out_lines(lines: &str) {
    if lines.is_empty() {
        return;
    }
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(lines.as_bytes());
    let _ = stdout.flush();
}

/// `text` safe to print on a terminal: every control character (C0 such as
/// CR/LF, which would forge lines; ESC, which starts ANSI escape sequences; DEL;
/// C1 such as CSI U+009B) is written as a Rust escape (`\n`, `\u{1b}`). Used on
/// every field that comes from a request or a remote answer before it is printed.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            safe.extend(c.escape_default());
        } else {
            safe.push(c);
        }
    }
    Cow::Owned(safe)
}

/// `text` in double quotes for a terminal: Rust's string `Debug` form, which
/// escapes the same control characters as [`printable`] (and `"` and `\`).
pub fn quoted(text: &str) -> String {
    format!("{text:?}")
}

/// A warning or error line on stderr, its text made [`printable`].
pub fn warn(prefix: &str, text: &str) {
    eprintln!("{prefix}: {}", printable(text));
}

pub use crate::runtime::stop_signal;

/// The `--json` object of one delivery (the fields the README lists under `genesys-desk listen`).
pub fn delivery_json(d: &Delivery) -> serde_json::Value {
    let m = d.message.as_ref();
    serde_json::json!({
        "received_at": d.traffic.at.format(&Rfc3339).unwrap_or_default(),
        "account": d.account,
        "status": d.traffic.status,
        "verdict": d.traffic.verdict.map(|v| v.as_str()),
        "kind": m.map(|m| m.kind.name()),
        "customer_id": m.and_then(|m| m.customer_id.clone()),
        "conversation_id": m.and_then(|m| m.conversation_id.clone()),
        "text": m.map(|m| m.summary()),
        "attachments": m.map(|m| m.attachments.clone()).unwrap_or_default(),
        "id": m.and_then(|m| m.id.clone()),
        "attempt": d.attempt,
    })
}

/// The human line of one delivery.
pub fn delivery_line(d: &Delivery) -> String {
    let at = d.traffic.at.format(&Rfc3339).unwrap_or_default();
    let status = d.traffic.status.map(|s| s.to_string()).unwrap_or_else(|| "-".into());
    let verdict = d.traffic.verdict.map(|v| v.as_str()).unwrap_or("-");
    let mut line = format!("{at} {status} {verdict} {}", printable(&d.account));
    if let Some(m) = &d.message {
        line.push_str(&format!(" {} {}", m.kind.name(), printable(m.customer_id.as_deref().unwrap_or("?"))));
        let summary = m.summary();
        if !summary.is_empty() {
            line.push_str(&format!(" {}", quoted(&summary)));
        }
        for a in &m.attachments {
            line.push_str(&format!(" <{}>", printable(&a.url)));
        }
    }
    if d.attempt > 1 {
        line.push_str(&format!(" (attempt {}{})", d.attempt, if d.duplicate { ", duplicate" } else { "" }));
    }
    if d.accepted_unsigned {
        line.push_str(" [ACCEPTED UNSIGNED]");
    } else if d.traffic.verdict == Some(crate::model::SignatureVerdict::NoSecretConfigured) {
        line.push_str(" [not verified: no webhook secret]");
    }
    if let Some(explanation) = d.traffic.explanation.as_ref().filter(|_| d.traffic.status != Some(200)) {
        line.push_str(&format!(" — {}", printable(explanation)));
    } else if d.traffic.status != Some(200) {
        line.push_str(&format!(" — {}", printable(&d.traffic.response_body)));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_every_control_character() {
        assert_eq!(printable("Acme Dev / é ✓"), "Acme Dev / é ✓");
        assert!(matches!(printable("plain"), Cow::Borrowed(_)));
        assert_eq!(
            printable("evil\nforged\r\u{1b}[31m\t\u{7f}\u{9b}2J\0"),
            "evil\\nforged\\r\\u{1b}[31m\\t\\u{7f}\\u{9b}2J\\u{0}"
        );
        for c in (0u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32) {
            let shown = printable(&c.to_string()).into_owned();
            assert!(!shown.chars().any(char::is_control), "{c:?} printed as {shown:?}");
        }
        let q = quoted("a\nb\u{1b}[0m\u{85}");
        assert!(!q.chars().any(char::is_control), "{q:?}");
    }
}
