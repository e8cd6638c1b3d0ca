//! The scripted agent: after each customer message it types, answers with a
//! text (and an image when the customer sent one), each POSTed to the
//! integration's webhook as an outbound Open message, signed with
//! `X-Hub-Signature-256` over the exact bytes posted, and delivered with
//! Genesys' rules: timeout, up to N retries on timeout, 429 or 5xx, a fixed
//! pause between attempts
//! (https://developer.genesys.cloud/commdigital/digital/openmessaging/validate.html).
//! Any other 4xx is final: no retry, the message is marked failed.
//! Retrying after a refused connection is unconfirmed (the emulator treats
//! it like a timeout).

use std::time::Duration;

use serde_json::{Value, json};
use uuid::Uuid;

use super::validate::ValidMessage;
use super::{DeliveryOutcome, DeliveryRecord, EmulatorEvent, EmulatorState};
use crate::genesys::types::now_iso;

/// Answers one customer message in the background (cancelled on shutdown).
pub(super) fn spawn_reply(state: EmulatorState, message: ValidMessage, conversation_id: String) {
    let cancel = state.shared.cancel.clone();
    tokio::spawn(async move {
        tokio::select! {
            _ = cancel.cancelled() => {}
            _ = reply(&state, &message, &conversation_id) => {}
        }
    });
}

async fn reply(state: &EmulatorState, message: &ValidMessage, conversation_id: &str) {
    let config = state.config();
    let hub = state.notifications();
    let agent = json!({ "userId": config.agent_user_id, "queueId": QUEUE_ID, "addressFrom": message.customer_id });
    if message.first_in_conversation {
        hub.publish(conversation_id, "acd.start", json!({ "queueId": QUEUE_ID, "addressFrom": message.customer_id }));
    }
    if !config.script.answers {
        // Nobody picks the conversation up: it waits in queue.
        return;
    }
    if message.first_in_conversation {
        tokio::time::sleep(config.script.queue_wait).await;
    }
    tokio::time::sleep(config.agent_typing_delay).await;
    if message.first_in_conversation {
        // The queue hands the conversation to the agent: acd.end with
        // disconnectType TRANSFER, then user.start (which real Open Messaging
        // conversations may not send at all).
        let answered = json!({ "queueId": QUEUE_ID, "disconnectType": "TRANSFER", "acdOutcome": "ANSWERED",
                               "answeredUserId": config.agent_user_id, "addressFrom": message.customer_id });
        hub.publish(conversation_id, "acd.end", answered);
        hub.publish(conversation_id, "user.start", agent.clone());
    }
    // Only when the integration's messaging setting has
    // `event.typing.on.outbound` = `Enabled`
    // (https://github.com/MyPureCloud/platform-client-sdk-python/blob/master/build/docs/MessagingSetting.md).
    if config.outbound_typing {
        deliver(state, "Typing", &message.customer_id, typing_payload(state, &message.customer_id)).await;
    }
    tokio::time::sleep(config.script.reply_delay(config.agent_reply_delay)).await;
    let customer = &message.customer_id;
    match message.text.as_deref().and_then(super::rich::for_keyword) {
        Some((text, content)) => {
            let payload = super::rich::payload(state, customer, conversation_id, text, content);
            deliver(state, "Structured", customer, payload).await;
        }
        None => {
            let text = reply_text(message);
            deliver(state, "Text", customer, text_payload(state, customer, conversation_id, &text)).await;
        }
    }
    if message.has_image {
        deliver(state, "Image", &message.customer_id, image_payload(state, &message.customer_id, conversation_id))
            .await;
    }
    if message.first_in_conversation && config.script.transfers {
        transfer(hub, conversation_id, &agent);
    }
    if says_goodbye(message) {
        tokio::time::sleep(config.agent_leave_delay).await;
        leave(state, message, conversation_id, agent);
    }
}

/// The first agent hands the conversation to a second one (`user.end` with
/// disconnectType TRANSFER, then `user.start` of the other user).
fn transfer(hub: &crate::emulator::notifications::NotificationHub, conversation_id: &str, agent: &Value) {
    let mut left = agent.clone();
    left["disconnectType"] = json!("TRANSFER");
    hub.publish(conversation_id, "user.end", left);
    let mut second = agent.clone();
    second["userId"] = json!(format!("{}-2", agent["userId"].as_str().unwrap_or("agent")));
    hub.publish(conversation_id, "user.start", second);
}

/// The agent leaves; with wrap-up (the default) the customer side ends and
/// after-contact work follows.
fn leave(state: &EmulatorState, message: &ValidMessage, conversation_id: &str, agent: Value) {
    let (config, hub) = (state.config(), state.notifications());
    state.end_conversation(&message.customer_id);
    let mut left = agent.clone();
    left["disconnectType"] = json!("CLIENT");
    hub.publish(conversation_id, "user.end", left);
    if !config.script.wraps_up {
        return;
    }
    hub.publish(
        conversation_id,
        "customer.end",
        json!({ "addressFrom": message.customer_id, "disconnectType": "PEER" }),
    );
    let mut acw = agent;
    acw["wrapupCode"] = json!("Resolved");
    acw["wrapupNotes"] = json!("Scripted emulator conversation");
    acw["wrapupDurationMs"] = json!(config.agent_leave_delay.as_millis() as u64 + 4_000);
    // Both topics carry the wrap-up; `wrapup` has no userId in its model.
    let mut wrapup = acw.clone();
    if let Some(map) = wrapup.as_object_mut() {
        map.remove("userId");
    }
    hub.publish(conversation_id, "acw", acw);
    hub.publish(conversation_id, "wrapup", wrapup);
}

/// The queue the scripted conversation is routed through.
const QUEUE_ID: &str = "emulator-queue-0001";

/// A customer message that ends the scripted conversation.
fn says_goodbye(message: &ValidMessage) -> bool {
    message.text.as_deref().is_some_and(|t| {
        let t = t.to_lowercase();
        t.contains("bye") || t.contains("that's all") || t.contains("thats all")
    })
}

/// What the agent says.
pub fn reply_text(message: &ValidMessage) -> String {
    let who = message.nickname.as_deref().unwrap_or("there");
    if says_goodbye(message) {
        return format!("Thanks {who}, glad I could help. Goodbye!");
    }
    match message.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) if message.has_image => {
            format!(
                "Hi {who}, this is the emulator agent. Thanks for the picture; you wrote: \"{t}\". Here is one back."
            )
        }
        Some(t) => format!("Hi {who}, this is the emulator agent. You wrote: \"{t}\""),
        None => format!("Hi {who}, this is the emulator agent. Thanks for the picture; here is one back."),
    }
}

fn from_party(state: &EmulatorState) -> Value {
    let c = state.config();
    json!({"nickname": c.integration_name, "id": c.integration_id, "idType": "Opaque"})
}

fn customer_party(customer_id: &str) -> Value {
    json!({"id": customer_id, "idType": crate::genesys::IdType::detect(customer_id).as_str()})
}

fn new_id() -> String {
    Uuid::new_v4().simple().to_string()
}

/// Outbound typing event (shape of samples/outbound-typing.json).
pub fn typing_payload(state: &EmulatorState, customer_id: &str) -> Value {
    let id = new_id();
    json!({
        "id": id,
        "channel": {
            "id": state.config().integration_id,
            "platform": "Open",
            "type": "Private",
            "to": {"id": customer_id},
            "from": from_party(state),
            "time": now_iso(),
            "messageId": id,
        },
        "type": "Event",
        "events": [{"eventType": "Typing", "typing": {"type": "On", "duration": 5000}}],
        "direction": "Outbound",
    })
}

/// An outbound agent message of `type` Text without content yet (the shape
/// shared by samples/outbound-text.json and outbound-image.json).
fn agent_message(state: &EmulatorState, customer_id: &str, conversation_id: &str) -> Value {
    let id = new_id();
    json!({
        "id": id,
        "channel": {
            "id": state.config().integration_id,
            "messageId": id,
            "platform": "Open",
            "type": "Private",
            "to": customer_party(customer_id),
            "from": from_party(state),
            "time": now_iso(),
        },
        "conversationId": conversation_id,
        "direction": "Outbound",
        "originatingEntity": "Human",
        "type": "Text",
    })
}

/// Outbound agent text (shape of samples/outbound-text.json).
pub fn text_payload(state: &EmulatorState, customer_id: &str, conversation_id: &str, text: &str) -> Value {
    let mut message = agent_message(state, customer_id, conversation_id);
    message["text"] = json!(text);
    message["content"] = json!([]);
    message["reasons"] = json!([]);
    message["relatedMessages"] = json!([]);
    message
}

/// Outbound agent image (shape of samples/outbound-image.json); the URL is
/// the emulator's own download endpoint.
pub fn image_payload(state: &EmulatorState, customer_id: &str, conversation_id: &str) -> Value {
    let mut message = agent_message(state, customer_id, conversation_id);
    message["content"] = json!([{
        "contentType": "Attachment",
        "attachment": {
            "id": Uuid::new_v4().to_string(),
            "mediaType": "Image",
            "url": format!("{}/api/v2/downloads/{}", state.base_url(), new_id()),
            "mime": "image/png",
            "filename": "agent.png",
            "contentSizeBytes": super::AGENT_IMAGE.len(),
        }
    }]);
    message
}

/// Posts one payload to the current webhook URL with Genesys' retry rules
/// and records the outcome.
pub async fn deliver(state: &EmulatorState, kind: &str, customer_id: &str, payload: Value) -> DeliveryRecord {
    let message_id = payload.get("id").and_then(Value::as_str).unwrap_or_default().to_string();
    // Serialised once: the signature covers exactly these bytes on every attempt.
    let body = serde_json::to_vec(&payload).unwrap_or_default();
    deliver_raw(state, kind, customer_id, &message_id, body).await
}

/// Posts `body` exactly as given (signed over these bytes) with Genesys'
/// retry rules and records the outcome.
pub async fn deliver_raw(
    state: &EmulatorState,
    kind: &str,
    customer_id: &str,
    message_id: &str,
    body: Vec<u8>,
) -> DeliveryRecord {
    let config = state.config();
    let mut record = DeliveryRecord {
        message_id: message_id.to_string(),
        kind: kind.to_string(),
        customer_id: customer_id.to_string(),
        url: config.webhook_url.clone(),
        attempts: 0,
        outcome: DeliveryOutcome::NoWebhook,
    };
    let Some(url) = config.webhook_url.clone() else {
        state.emit(EmulatorEvent::Delivery(record.clone()));
        return record;
    };
    let rules = super::retry::RetryRules {
        timeout: config.delivery_timeout,
        retries: config.delivery_retries,
        delay: config.delivery_retry_delay,
    };
    let mut lost_once = state.faults().take_lost_ack();
    let lose_ack = || std::mem::take(&mut lost_once) || config.script.fails_attempt();
    let on_attempt = |a: &super::retry::Attempt| emit_attempt(state, kind, &url, a.number, &a.result);
    let secret = config.webhook_secret.clone();
    let http = &state.shared.http;
    state.shared.sent.sending(message_id, &body);
    let (attempts, outcome) =
        super::retry::post_like_genesys(http, &url, &secret, &body, rules, lose_ack, on_attempt).await;
    record.attempts = attempts;
    record.outcome = outcome;
    state.shared.sent.finished(message_id, &record.outcome);
    state.emit(EmulatorEvent::Delivery(record.clone()));
    record
}

fn emit_attempt(state: &EmulatorState, kind: &str, url: &str, attempt: u32, result: &str) {
    tracing::debug!(kind, url, attempt, result, "emulator webhook delivery attempt");
    state.emit(EmulatorEvent::DeliveryAttempt {
        kind: kind.to_string(),
        url: url.to_string(),
        attempt,
        result: result.to_string(),
    });
}

/// Waits up to `timeout` for `count` finished deliveries (test helper).
pub async fn wait_for_deliveries(state: &EmulatorState, count: usize, timeout: Duration) -> Vec<DeliveryRecord> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut events = state.subscribe();
    loop {
        let done = state.deliveries();
        if done.len() >= count {
            return done;
        }
        match tokio::time::timeout_at(deadline, events.recv()).await {
            Ok(Err(tokio::sync::broadcast::error::RecvError::Closed)) | Err(_) => return state.deliveries(),
            Ok(_) => {}
        }
    }
}
