//! `GET /api/v2/conversations/messages/{conversationId}` (`MessageConversation`):
//! who takes part in a conversation now, kept up to date by the detail events
//! the scripted agent publishes. The SDK documents "Requires no permissions"
//! for this call (<https://github.com/MyPureCloud/platform-client-sdk-python/blob/master/build/docs/ConversationsApi.md>).

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{NotificationHub, error, unauthorized};

/// One `MessageMediaParticipant`, reduced to what the emulator tracks.
#[derive(Debug, Clone)]
struct Participant {
    id: String,
    /// `customer`, `acd` or `agent`.
    purpose: &'static str,
    /// `connected` or `disconnected`.
    connected: bool,
    user_id: Option<String>,
    queue_id: Option<String>,
    address: Option<String>,
    connected_time: String,
    end_time: Option<String>,
}

impl Participant {
    fn new(purpose: &'static str) -> Participant {
        Participant {
            id: uuid::Uuid::new_v4().to_string(),
            purpose,
            connected: true,
            user_id: None,
            queue_id: None,
            address: None,
            connected_time: now_iso(),
            end_time: None,
        }
    }

    fn disconnect(&mut self) {
        if self.connected {
            self.connected = false;
            self.end_time = Some(now_iso());
        }
    }

    fn to_json(&self) -> Value {
        let mut v = json!({
            "id": self.id,
            "purpose": self.purpose,
            "state": if self.connected { "connected" } else { "disconnected" },
            "connectedTime": self.connected_time,
        });
        if let Some(end) = &self.end_time {
            v["endTime"] = json!(end);
        }
        if let Some(user) = &self.user_id {
            v["user"] = json!({ "id": user });
        }
        if let Some(queue) = &self.queue_id {
            v["queue"] = json!({ "id": queue });
        }
        if let Some(address) = &self.address {
            v["fromAddress"] = json!({ "addressNormalized": address });
        }
        v
    }
}

fn now_iso() -> String {
    OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// Participants of every conversation the emulator has seen.
#[derive(Debug, Default)]
pub(super) struct Conversations {
    participants: HashMap<String, Vec<Participant>>,
}

impl Conversations {
    /// The conversation exists with its customer connected.
    pub(super) fn open(&mut self, conversation_id: &str, customer_id: &str) {
        let list = self.participants.entry(conversation_id.to_string()).or_default();
        if !list.iter().any(|p| p.purpose == "customer" && p.connected) {
            let mut customer = Participant::new("customer");
            customer.address = Some(customer_id.to_string());
            list.push(customer);
        }
    }

    /// Applies one detail event to the participants.
    pub(super) fn apply(&mut self, conversation_id: &str, suffix: &str, body: &Value) {
        let field = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_string);
        let list = self.participants.entry(conversation_id.to_string()).or_default();
        let last_connected = |list: &mut Vec<Participant>, purpose: &str| {
            list.iter_mut().rev().find(|p| p.purpose == purpose && p.connected).map(Participant::disconnect)
        };
        match suffix {
            "acd.start" => {
                let mut acd = Participant::new("acd");
                acd.queue_id = field("queueId");
                list.push(acd);
            }
            "acd.end" => {
                last_connected(list, "acd");
            }
            "user.start" => {
                last_connected(list, "acd");
                let mut agent = Participant::new("agent");
                agent.user_id = field("userId");
                agent.queue_id = field("queueId");
                list.push(agent);
            }
            "user.end" => {
                last_connected(list, "agent");
            }
            "customer.end" => {
                last_connected(list, "customer");
            }
            _ => {}
        }
    }

    fn to_json(&self, conversation_id: &str) -> Option<Value> {
        let list = self.participants.get(conversation_id)?;
        let participants: Vec<Value> = list.iter().map(Participant::to_json).collect();
        Some(json!({
            "id": conversation_id,
            "participants": participants,
            "selfUri": format!("/api/v2/conversations/messages/{conversation_id}"),
        }))
    }
}

pub(super) async fn get_conversation(
    State(hub): State<NotificationHub>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !hub.authorized(&headers) {
        return unauthorized();
    }
    match hub.lock().conversations.to_json(&id) {
        Some(body) => axum::Json(body).into_response(),
        None => error(StatusCode::NOT_FOUND, "not.found", &format!("Conversation {id} not found"), json!({})),
    }
}
