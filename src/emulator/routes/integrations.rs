//! The integration (get, list, PATCH), its messaging setting and the
//! threading timeline. Response shapes follow `OpenIntegration`,
//! `OpenIntegrationEntityListing`, `MessagingSetting` and
//! `ConversationThreadingWindow`
//! (https://github.com/MyPureCloud/platform-client-sdk-python/tree/master/build/docs).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::super::config::{RECIPIENT_ID, SUPPORTED_CONTENT_ID};
use super::super::validate::{self, not_json};
use super::super::{EmulatorState, MESSAGING_SETTING_ID, Permission};
use super::auth::authorize;
use super::errors::ApiError;
use super::{INTEGRATIONS, integration_not_found, same_id};

const SETTINGS: &str = "/api/v2/conversations/messaging/settings";

/// An `OpenIntegration` of this org: every integration shares its recipient,
/// messaging setting and supported content.
fn integration_base(id: &str, name: &str, create_status: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "supportedContent": {"id": SUPPORTED_CONTENT_ID, "selfUri": format!("/api/v2/conversations/messaging/supportedcontent/{SUPPORTED_CONTENT_ID}")},
        "messagingSetting": {"id": MESSAGING_SETTING_ID, "selfUri": format!("{SETTINGS}/{MESSAGING_SETTING_ID}")},
        "status": "active",
        "recipient": {"id": RECIPIENT_ID, "selfUri": format!("/api/v2/routing/message/recipients/{RECIPIENT_ID}")},
        "createStatus": create_status,
        "selfUri": format!("{INTEGRATIONS}/{id}"),
    })
}

/// A created integration.
fn created_json(c: &crate::emulator::created::CreatedIntegration) -> Value {
    let mut v = integration_base(&c.id, &c.name, c.create_status());
    v["outboundNotificationWebhookUrl"] = json!(c.webhook_url);
    v["outboundNotificationWebhookSignatureSecretToken"] = json!(c.webhook_secret);
    v
}

/// `POST .../integrations/open` with an `OpenIntegrationRequest`
/// (`messaging:integration:add`). Answers 200 with the integration, `Initiated`;
/// whether Genesys answers 200 or 201 is not in the SDK docs (unconfirmed).
pub(super) async fn create(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, Permission::IntegrationAdd)?;
    let value = serde_json::from_slice::<Value>(&body).map_err(|e| ApiError::BadRequest(not_json(e)))?;
    let create = validate::integration_create(&value).map_err(ApiError::BadRequest)?;
    let created = state.shared.created.add(create, state.config().create_reads);
    Ok(axum::Json(created_json(&created)).into_response())
}

fn integration_json(state: &EmulatorState) -> Value {
    let c = state.config();
    let mut v = integration_base(&c.integration_id, &c.integration_name, &c.create_status);
    v["dateCreated"] = json!("2025-01-01T00:00:00.000Z");
    v["dateModified"] = json!("2025-01-01T00:00:00.000Z");
    if let Some(url) = &c.webhook_url {
        v["outboundNotificationWebhookUrl"] = json!(url);
    }
    if c.expose_webhook_secret {
        v["outboundNotificationWebhookSignatureSecretToken"] = json!(c.webhook_secret);
    }
    if c.create_status == "Error" {
        v["createError"] =
            json!({"message": "Integration creation failed (emulated)", "code": "general.error", "status": 500});
    }
    v
}

/// `GET .../integrations/open` (`messaging:integration:view`).
pub(super) async fn list(State(state): State<EmulatorState>, headers: HeaderMap) -> Result<Response, ApiError> {
    authorize(&state, &headers, Permission::IntegrationView)?;
    let uri = format!("{INTEGRATIONS}?pageSize=25&pageNumber=1");
    let mut entities = vec![integration_json(&state)];
    entities.extend(state.shared.created.all().iter().map(created_json));
    let total = entities.len();
    Ok(axum::Json(json!({
        "entities": entities,
        "pageSize": 25, "pageNumber": 1, "total": total, "pageCount": 1,
        "firstUri": uri, "selfUri": uri, "lastUri": uri,
    }))
    .into_response())
}

/// `GET .../integrations/open/{id}` (`messaging:integration:view`).
pub(super) async fn get_one(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, Permission::IntegrationView)?;
    if same_id(&state, &id) {
        return Ok(axum::Json(integration_json(&state)).into_response());
    }
    match state.shared.created.read(&id) {
        Some(created) => Ok(axum::Json(created_json(&created)).into_response()),
        None => Err(integration_not_found(&id)),
    }
}

/// `PATCH .../integrations/open/{id}` with an `OpenIntegrationUpdateRequest`
/// (`messaging:integration:edit`). Fields left out keep their value.
pub(super) async fn patch(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, Permission::IntegrationEdit)?;
    if !same_id(&state, &id) {
        return Err(integration_not_found(&id));
    }
    let value = serde_json::from_slice::<Value>(&body).map_err(|e| ApiError::BadRequest(not_json(e)))?;
    let update = validate::integration_update(&value).map_err(ApiError::BadRequest)?;
    state.update_config(|c| {
        c.integration_name = update.name;
        if let Some(url) = update.webhook_url {
            c.webhook_url = Some(url);
        }
        if let Some(secret) = update.webhook_secret {
            c.webhook_secret = secret;
        }
    });
    Ok(axum::Json(integration_json(&state)).into_response())
}

fn enabled(on: bool) -> &'static str {
    if on { "Enabled" } else { "Disabled" }
}

/// `GET /api/v2/conversations/messaging/settings/{id}` (`messaging:setting:view`):
/// the integration's `MessagingSetting`. `event.typing.on.outbound` says
/// whether the agent's typing reaches the webhook.
pub(super) async fn messaging_setting(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, Permission::MessagingSettingView)?;
    if !id.eq_ignore_ascii_case(MESSAGING_SETTING_ID) {
        return Err(ApiError::NotFound(format!("Messaging setting {id} not found")));
    }
    let c = state.config();
    Ok(axum::Json(json!({
        "id": MESSAGING_SETTING_ID,
        "name": "Emulator messaging setting",
        "dateCreated": "2025-01-01T00:00:00.000Z",
        "dateModified": "2025-01-01T00:00:00.000Z",
        "version": "1",
        "event": {"typing": {"on": {"inbound": enabled(c.inbound_typing), "outbound": enabled(c.outbound_typing)}}},
        "selfUri": format!("{SETTINGS}/{MESSAGING_SETTING_ID}"),
    }))
    .into_response())
}

/// `GET /api/v2/conversations/messaging/threadingtimeline`
/// (`conversation:threadingTimeline:view`): one setting for `open`, in minutes.
pub(super) async fn threading_timeline(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, Permission::ThreadingTimelineView)?;
    let minutes = state.config().threading_timeline.as_secs() / 60;
    Ok(axum::Json(json!({
        "settings": [{"messengerType": "open", "timeoutInMinutes": minutes}],
        "defaultTimeoutMinutes": minutes,
    }))
    .into_response())
}
