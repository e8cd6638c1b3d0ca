//! What the setup doctor reads besides the integration: the routing
//! recipient (`Recipient`, its `flow`) and the supported content profile
//! (`SupportedContent`, `mediaTypes.allow`), shaped as the SDK models
//! (https://github.com/MyPureCloud/platform-client-sdk-python/tree/master/build/docs).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::super::config::{RECIPIENT_ID, SUPPORTED_CONTENT_ID};
use super::super::{EmulatorState, Permission};
use super::auth::authorize;
use super::errors::ApiError;

/// `GET /api/v2/routing/message/recipients/{id}` (`routing:message:manage`).
/// Without a message flow the recipient has no `flow` at all.
pub(super) async fn recipient(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, Permission::RoutingMessageManage)?;
    if !id.eq_ignore_ascii_case(RECIPIENT_ID) {
        return Err(ApiError::NotFound(format!("Recipient {id} not found")));
    }
    let c = state.config();
    let mut body = json!({
        "id": RECIPIENT_ID,
        "name": c.integration_name,
        "messengerType": "open",
        "dateCreated": "2025-01-01T00:00:00.000Z",
        "selfUri": format!("/api/v2/routing/message/recipients/{RECIPIENT_ID}"),
    });
    if c.message_flow {
        body["flow"] = json!({
            "id": "e3a1d0c2-5b7f-4c1e-9a0d-00000000e005",
            "name": "Emulator inbound message flow",
            "type": "INBOUNDSHORTMESSAGE",
            "active": true,
        });
    }
    Ok(axum::Json(body).into_response())
}

/// `GET /api/v2/conversations/messaging/supportedcontent/{id}` (`messaging:supportedContent:view`).
pub(super) async fn supported_content(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, Permission::SupportedContentView)?;
    if !id.eq_ignore_ascii_case(SUPPORTED_CONTENT_ID) {
        return Err(ApiError::NotFound(format!("Supported content {id} not found")));
    }
    let allowed = if state.config().images_allowed { json!([{"type": "*/*"}]) } else { json!([{"type": "video/*"}]) };
    Ok(axum::Json(json!({
        "id": SUPPORTED_CONTENT_ID,
        "name": "Emulator supported content",
        "version": 1,
        "mediaTypes": {"allow": {"inbound": allowed, "outbound": allowed}},
        "selfUri": format!("/api/v2/conversations/messaging/supportedcontent/{SUPPORTED_CONTENT_ID}"),
    }))
    .into_response())
}
