//! The four inbound endpoints of
//! `/api/v2/conversations/messages/{integrationId}/inbound/open/...`
//! (`conversation:message:receive`): message, event, receipt and structured
//! response. Bodies are validated against the SDK request models; answers
//! have the fields of the response models `OpenMessageNormalizedMessage`,
//! `OpenEventNormalizedMessage`, `OpenReceiptNormalizedMessage` and
//! `OpenStructuredResponseNormalizedMessage`
//! (https://github.com/MyPureCloud/platform-client-sdk-python/tree/master/build/docs).
//!
//! Success is answered 202 as before: the SDK accepts any 200-205 and no
//! source gives the real status (200 or 202 is unconfirmed).

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::super::validate::{self, ValidMessage, not_json};
use super::super::{EmulatorState, Permission, agent};
use super::auth::authorize;
use super::errors::ApiError;
use super::{integration_not_found, integration_party, same_id};
use crate::genesys::types::now_iso;

/// Auth, permission, integration id and JSON parsing shared by the endpoints.
fn preamble(state: &EmulatorState, id: &str, headers: &HeaderMap, body: &[u8]) -> Result<Value, ApiError> {
    authorize(state, headers, Permission::MessageReceive)?;
    if !same_id(state, id) {
        return Err(integration_not_found(id));
    }
    serde_json::from_slice::<Value>(body).map_err(|e| ApiError::BadRequest(not_json(e)))
}

fn accepted(body: Value) -> Response {
    (StatusCode::ACCEPTED, axum::Json(body)).into_response()
}

/// An `OpenMessagingChannel` for a customer's inbound message: the customer
/// in `from`, the integration in `to`, the provider's `messageId` and
/// `metadata` echoed when given.
fn inbound_channel(state: &EmulatorState, channel: &Value) -> Value {
    let mut out = json!({
        "id": state.config().integration_id,
        "platform": "Open",
        "type": "Private",
        "to": integration_party(state),
        "from": channel["from"].clone(),
        "time": channel["time"].clone(),
    });
    for key in ["messageId", "metadata"] {
        if let Some(v) = channel.get(key).filter(|v| !v.is_null()) {
            out[key] = v.clone();
        }
    }
    out
}

fn new_id() -> String {
    Uuid::new_v4().simple().to_string()
}

/// Joins the customer's conversation and lets the scripted agent answer.
fn hand_to_agent(state: &EmulatorState, mut message: ValidMessage) -> String {
    let (conversation_id, routing_starts) = state.conversation_for(&message.customer_id);
    message.first_in_conversation = routing_starts;
    // The conversation (with its customer) exists as soon as the message is accepted.
    state.notifications().open_conversation(&conversation_id, &message.customer_id);
    if state.config().agent_enabled {
        agent::spawn_reply(state.clone(), message, conversation_id.clone());
    }
    conversation_id
}

/// `POST .../inbound/open/message` (`OpenInboundNormalizedMessage`).
pub(super) async fn message(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let value = preamble(&state, &id, &headers, &body)?;
    let valid = validate::inbound_message(&value).map_err(ApiError::BadRequest)?;
    let conversation_id = hand_to_agent(&state, valid);
    // `type` is `Text` for every message, attachments included; the model
    // has no `direction`.
    let mut response = json!({
        "id": new_id(),
        "channel": inbound_channel(&state, &value["channel"]),
        "type": "Text",
    });
    for key in ["text", "content", "metadata"] {
        if let Some(v) = value.get(key).filter(|v| !v.is_null()) {
            response[key] = v.clone();
        }
    }
    if query.get("prefetchConversationId").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        response["conversationId"] = json!(conversation_id);
    }
    Ok(accepted(response))
}

/// `POST .../inbound/open/event` (`OpenInboundNormalizedEvent`).
pub(super) async fn event(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let value = preamble(&state, &id, &headers, &body)?;
    validate::inbound_event(&value).map_err(ApiError::BadRequest)?;
    let events: Vec<Value> = value["events"]
        .as_array()
        .map(|list| list.iter().map(|e| json!({"eventType": e["eventType"].clone()})).collect())
        .unwrap_or_default();
    Ok(accepted(json!({
        "id": new_id(),
        "channel": inbound_channel(&state, &value["channel"]),
        "type": "Event",
        "events": events,
    })))
}

/// `POST .../inbound/open/receipt` (`OpenInboundNormalizedReceipt`): the
/// customer's side reports on an agent (outbound) message.
pub(super) async fn receipt(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let value = preamble(&state, &id, &headers, &body)?;
    let valid = validate::inbound_receipt(&value).map_err(ApiError::BadRequest)?;
    let mut response = json!({
        "id": valid.id,
        "channel": {
            "id": state.config().integration_id, "platform": "Open", "type": "Private",
            "to": value["channel"]["to"].clone(), "from": integration_party(&state), "time": now_iso(),
        },
        "type": "Receipt",
        "status": valid.status,
        "direction": "Outbound",
    });
    if let Some(reasons) = valid.reasons {
        response["reasons"] = reasons;
    }
    if let Some(is_final) = valid.is_final_receipt {
        response["isFinalReceipt"] = json!(is_final);
    }
    Ok(accepted(response))
}

/// `POST .../inbound/open/structured/response`
/// (`OpenInboundStructuredResponseMessage`): the customer clicked a button
/// or quick reply. It joins the customer's conversation (the doc says the
/// response is part of an existing one; what Genesys does when there is
/// none is unconfirmed, so the emulator starts one) and the agent answers
/// the button's text.
pub(super) async fn structured_response(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let value = preamble(&state, &id, &headers, &body)?;
    let valid = validate::structured_response(&value).map_err(ApiError::BadRequest)?;
    let message = ValidMessage {
        customer_id: valid.customer_id,
        nickname: valid.nickname,
        text: Some(valid.text),
        has_image: false,
        first_in_conversation: false,
    };
    hand_to_agent(&state, message);
    let mut content = Map::new();
    content.insert("contentType".into(), json!("ButtonResponse"));
    content.insert("buttonResponse".into(), value["buttonResponse"].clone());
    Ok(accepted(json!({
        "id": new_id(),
        "channel": inbound_channel(&state, &value["channel"]),
        "type": "Structured",
        "direction": "Inbound",
        "content": [content],
    })))
}
