//! The agent's messages and what became of their webhook delivery, served as
//! `GET /api/v2/conversations/messages/{messageId}/details` (`MessageData`:
//! https://github.com/MyPureCloud/platform-client-sdk-python/blob/master/build/docs/MessageData.md;
//! `conversation:message:view`). A message Genesys could not deliver to the
//! webhook is `delivery-failed`; which status real Genesys gives it then is
//! not documented (unconfirmed), the enum value that says so is used.

use std::collections::VecDeque;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use parking_lot::Mutex;
use serde_json::{Value, json};

use super::routes::authorize;
use super::routes::errors::ApiError;
use super::{DeliveryOutcome, EmulatorState, Permission};

/// Messages remembered (the newest).
const KEPT: usize = 10_000;

#[derive(Debug, Default)]
pub struct SentMessages(Mutex<VecDeque<(String, Value)>>);

impl SentMessages {
    /// Records an agent message about to be delivered (`status: sent`).
    pub fn sending(&self, message_id: &str, body: &[u8]) {
        let payload: Value = serde_json::from_slice(body).unwrap_or_default();
        let data = json!({
            "id": message_id,
            "conversationId": payload.get("conversationId"),
            "timestamp": payload["channel"].get("time"),
            "textBody": payload.get("text").and_then(Value::as_str).unwrap_or_default(),
            "status": "sent",
            "direction": "outbound",
            "messengerType": "open",
        });
        let mut kept = self.0.lock();
        kept.push_back((message_id.to_string(), data));
        while kept.len() > KEPT {
            kept.pop_front();
        }
    }

    /// The delivery's end: `delivery-success`, or `delivery-failed` when Genesys gave up or was refused.
    pub fn finished(&self, message_id: &str, outcome: &DeliveryOutcome) {
        let status = match outcome {
            DeliveryOutcome::Delivered { .. } => "delivery-success",
            _ => "delivery-failed",
        };
        if let Some((_, data)) = self.0.lock().iter_mut().rev().find(|(id, _)| id == message_id) {
            data["status"] = json!(status);
        }
    }

    fn get(&self, message_id: &str) -> Option<Value> {
        self.0.lock().iter().rev().find(|(id, _)| id == message_id).map(|(_, d)| d.clone())
    }
}

pub(super) async fn details(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, Permission::MessageView)?;
    let data = state.shared.sent.get(&id).ok_or_else(|| ApiError::NotFound(format!("Message {id} not found")))?;
    Ok(axum::Json(data).into_response())
}
