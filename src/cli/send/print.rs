//! What `send` prints: Genesys' answer, the `--follow` header, agent
//! deliveries and presence lines.

use serde_json::json;
use time::OffsetDateTime;

use crate::cli::output::{out, printable, quoted};
use crate::cli::verify::WEBHOOK_SECRET_ENV;
use crate::config::Account;
use crate::genesys::notifications::PresenceKind;
use crate::genesys::{InboundMessage, SentMessage};
use crate::model::SignatureVerdict;
use crate::webhook::{Delivery, OutboundKind, OutboundMessage};

pub(super) fn sent(sent: &SentMessage, message: &InboundMessage, json: bool, typed: bool) {
    if json {
        let mut value = json!({
            "ok": true,
            "messageId": sent.id,
            "conversationId": sent.conversation_id,
            "correlationId": sent.correlation_id,
            "customerId": message.customer.id,
            "customAttributes": message.custom_attributes,
        });
        if typed {
            value["type"] = json!("sent");
            value["image"] = json!(message.image.as_ref().map(|i| i.url.clone()));
        }
        out(&value.to_string());
    } else {
        out(&format!("message id:      {}", printable(&sent.id)));
        out(&format!("conversation id: {}", printable(sent.conversation_id.as_deref().unwrap_or("(not returned)"))));
        out(&format!("customer id:     {} ({})", printable(&message.customer.id), message.customer.id_type));
        if let Some(c) = &sent.correlation_id {
            out(&format!("correlation id:  {}", printable(c)));
        }
        if let Some(image) = &message.image {
            out(&format!("image URL:       {}", printable(image.url.as_str())));
        }
    }
}

/// The first lines of `--follow`: where the listener is and where Genesys must post.
pub(super) fn announce(account: &Account, local_base: &str, local_webhook: &str, any_path: bool, json: bool) {
    let public = account.public_webhook_url();
    if json {
        out(&json!({
            "type": "listening",
            "listen": local_base,
            "local_webhook_url": local_webhook,
            "webhook_url": public.clone().unwrap_or_else(|| local_webhook.to_string()),
        })
        .to_string());
        return;
    }
    out(&format!("listening on {local_base}"));
    match public {
        Some(url) => {
            out(&format!("webhook URL:     {url} (Genesys calls this; your tunnel forwards it to {local_webhook})"))
        }
        None if any_path => {
            out(&format!("webhook URL:     {local_webhook} (any name; signatures checked with {WEBHOOK_SECRET_ENV})"))
        }
        None if account.host.region().is_none() => out(&format!("webhook URL:     {local_webhook}")),
        None => out(&format!(
            "webhook URL:     {local_webhook} (Genesys Cloud only calls https on port 443: put a tunnel in front \
             and set the account's public webhook base URL)"
        )),
    }
}

pub(super) fn presence_name(kind: &PresenceKind) -> &'static str {
    match kind {
        PresenceKind::Queued { .. } => "queued",
        PresenceKind::AgentJoined { .. } => "agent_joined",
        PresenceKind::AgentLeft { .. } => "agent_left",
        PresenceKind::WrapUp { .. } => "wrap_up",
        PresenceKind::CustomerLeft => "customer_left",
        PresenceKind::Other { .. } => "other",
    }
}

pub(super) fn clock(at: OffsetDateTime) -> String {
    format!("{:02}:{:02}:{:02}", at.hour(), at.minute(), at.second())
}

/// "12:00:03 agent: "Hello" <url> [signature valid]".
pub(super) fn agent_line(d: &Delivery, m: &OutboundMessage) -> String {
    let mut line = format!("{} ", clock(d.traffic.at));
    match &m.kind {
        OutboundKind::Text | OutboundKind::Structured => {
            line.push_str("agent:");
            if let Some(text) = m.text.as_deref().filter(|t| !t.is_empty()) {
                line.push_str(&format!(" {}", quoted(text)));
            }
            for a in &m.attachments {
                let name = a.filename.as_deref().map(|f| format!("{} ", printable(f))).unwrap_or_default();
                line.push_str(&format!(" [{} {name}<{}>]", printable(&a.media_type.to_lowercase()), printable(&a.url)));
            }
        }
        kind if kind.is_typing() => line.push_str("agent is typing"),
        _ => line.push_str(&format!("agent {}: {}", m.kind.name(), printable(&m.summary()))),
    }
    let verdict = if d.accepted_unsigned {
        "ACCEPTED UNSIGNED".to_string()
    } else {
        match d.traffic.verdict {
            Some(SignatureVerdict::NoSecretConfigured) => "not verified: no webhook secret".to_string(),
            Some(v) => format!("signature {}", v.as_str()),
            None => "signature -".to_string(),
        }
    };
    line.push_str(&format!(" [{verdict}]"));
    if d.attempt > 1 {
        line.push_str(&format!(" (attempt {}{})", d.attempt, if d.duplicate { ", duplicate" } else { "" }));
    }
    line
}

/// A structured message's options, numbered for `--reply-with`, and what it
/// shows besides (card titles, links, list pickers, templates).
pub(super) fn structured_lines(
    items: &[crate::model::structured::Structured],
    answers: &[(&'static str, String, String)],
) -> Vec<String> {
    use crate::model::structured::Structured;
    let mut lines = Vec::new();
    for item in items {
        match item {
            Structured::Card(card) => lines.push(format!("  card {}", quoted(&card.title))),
            Structured::Carousel(cards) => {
                let titles: Vec<String> = cards.iter().map(|c| quoted(&c.title)).collect();
                lines.push(format!("  carousel: {}", titles.join(", ")));
            }
            Structured::ListPicker { sections } => {
                for (title, items) in sections {
                    let title = title.as_deref().map(printable).unwrap_or_default();
                    lines.push(format!(
                        "  list {title}: {} (no answer in Open Messaging)",
                        printable(&items.join(", "))
                    ));
                }
            }
            Structured::Template(text) => lines.push(format!("  {}", quoted(text))),
            Structured::Unknown(kind) => lines.push(format!("  [{} content]", printable(kind))),
            _ => {}
        }
    }
    for (n, (kind, text, payload)) in answers.iter().enumerate() {
        lines.push(format!("  {}. {} ({kind}, payload {})", n + 1, quoted(text), quoted(payload)));
    }
    lines
}

/// The answer for option `kind` / `text` / `payload`.
pub(super) fn button_response(
    kind: &str,
    text: &str,
    payload: &str,
) -> Option<crate::genesys::types::structured::ButtonResponse> {
    use crate::genesys::types::structured::{ButtonKind, ButtonResponse};
    let kind = match kind {
        "QuickReply" => ButtonKind::QuickReply,
        "DatePicker" => ButtonKind::DatePicker,
        "Button" => ButtonKind::Button,
        _ => return None,
    };
    Some(ButtonResponse { kind, text: text.to_string(), payload: payload.to_string() })
}
