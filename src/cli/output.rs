//! What the command line prints: one flushed line at a time (scripts and
//! tests read stdout live), deliveries as text or JSON, and the stop signal.

use std::io::Write;

use time::format_description::well_known::Rfc3339;

use crate::webhook::Delivery;

/// One stdout line, flushed at once.
pub fn out(line: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}");
    let _ = stdout.flush();
}

/// Ctrl-C, or SIGTERM on Unix (also used by `send --follow`).
pub async fn stop_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(term) => term,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

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
    let mut line = format!("{at} {status} {verdict} {}", d.account);
    if let Some(m) = &d.message {
        line.push_str(&format!(" {} {}", m.kind.name(), m.customer_id.as_deref().unwrap_or("?")));
        let summary = m.summary();
        if !summary.is_empty() {
            line.push_str(&format!(" {summary:?}"));
        }
        for a in &m.attachments {
            line.push_str(&format!(" <{}>", a.url));
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
        line.push_str(&format!(" — {explanation}"));
    } else if d.traffic.status != Some(200) {
        line.push_str(&format!(" — {}", d.traffic.response_body));
    }
    line
}
