//! The emulator's HTTP surface: token, integrations (get/list/patch), the
//! three inbound endpoints, agent downloads; faults and the request log in
//! one middleware.

use std::collections::HashMap;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use serde_json::{Value, json};
use uuid::Uuid;

use super::validate::{self, Invalid};
use super::{EmulatorEvent, EmulatorState, Permission, RequestRecord, agent, lock};
use crate::genesys::CORRELATION_HEADER;
use crate::genesys::types::now_iso;

const INTEGRATIONS: &str = "/api/v2/conversations/messaging/integrations/open";

/// The emulator's router. Serve it with `axum::serve` or test it with `oneshot`.
pub fn router(state: EmulatorState) -> Router {
    Router::new()
        .route("/oauth/token", post(token))
        .route(INTEGRATIONS, get(list_integrations))
        .route(&format!("{INTEGRATIONS}/{{id}}"), get(get_integration).patch(patch_integration))
        .route("/api/v2/conversations/messages/{id}/inbound/open/message", post(inbound_message))
        .route("/api/v2/conversations/messages/{id}/inbound/open/event", post(inbound_event))
        .route("/api/v2/conversations/messages/{id}/inbound/open/receipt", post(inbound_receipt))
        .route("/api/v2/downloads/{id}", get(download))
        .with_state(state.clone())
        .merge(state.notifications().routes())
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state, faults_and_log))
}

/// A Genesys `ErrorBody` response.
fn error_body(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = json!({
        "message": message.into(),
        "code": code,
        "status": status.as_u16(),
        "contextId": Uuid::new_v4().to_string(),
        "details": [],
        "errors": [],
    });
    (status, axum::Json(body)).into_response()
}

fn bad_request(invalid: Invalid) -> Response {
    let body = json!({
        "message": invalid.message,
        "code": "bad.request",
        "status": 400,
        "contextId": Uuid::new_v4().to_string(),
        "details": [{"errorCode": "invalid.value", "fieldName": invalid.field}],
        "errors": [],
    });
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = json!({"error": error, "description": description, "error_description": description});
    (status, axum::Json(body)).into_response()
}

async fn not_found(req: Request) -> Response {
    error_body(StatusCode::NOT_FOUND, "not.found", format!("No resource at {} {}", req.method(), req.uri().path()))
}

/// Applies injected faults, stamps `ININ-Correlation-ID`, logs the request.
async fn faults_and_log(State(state): State<EmulatorState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let path = req.uri().path_and_query().map(|p| p.to_string()).unwrap_or_else(|| req.uri().path().to_string());
    let is_api = req.uri().path().starts_with("/api/v2/conversations/");
    let (delay, fault) = {
        let mut f = state.shared.faults.lock();
        let fault = if !is_api {
            None
        } else if f.rate_limited > 0 {
            f.rate_limited -= 1;
            Some(Err(f.retry_after_secs))
        } else if f.server_errors > 0 {
            f.server_errors -= 1;
            Some(Ok(f.server_error_status))
        } else {
            if f.expire_token_once {
                f.expire_token_once = false;
                lock(&state.shared.tokens).clear();
            }
            None
        };
        (f.delay, fault)
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let mut response = match fault {
        Some(Err(retry_after)) => {
            let mut r = error_body(
                StatusCode::TOO_MANY_REQUESTS,
                "too.many.requests",
                "Rate limit exceeded. Retry the request after the number of seconds in the Retry-After header.",
            );
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        Some(Ok(status)) => error_body(
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "internal.server.error",
            "Injected server error (emulator fault)",
        ),
        None => next.run(req).await,
    };
    if let Ok(v) = HeaderValue::from_str(&Uuid::new_v4().to_string()) {
        response.headers_mut().insert(CORRELATION_HEADER, v);
    }
    let record = RequestRecord {
        method,
        path,
        status: response.status().as_u16(),
        latency_ms: started.elapsed().as_millis() as u64,
    };
    tracing::debug!(method = %record.method, path = %record.path, status = record.status, "emulator request");
    state.emit(EmulatorEvent::Request(record));
    response
}

async fn token(State(state): State<EmulatorState>, headers: HeaderMap, body: Bytes) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let Some((id, secret)) = basic_credentials(&headers) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed: send the client id and secret with HTTP Basic",
        );
    };
    let config = state.config();
    if !id.eq_ignore_ascii_case(&config.client_id) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Client not found");
    }
    if secret != config.client_secret {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Bad client secret");
    }
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "grant_type must be client_credentials");
    }
    let token = format!("emu-{}", Uuid::new_v4().simple());
    {
        let mut tokens = lock(&state.shared.tokens);
        // A long-running emulator issues a token per verify: forget the expired ones.
        let now = Instant::now();
        tokens.retain(|_, expires| *expires > now);
        tokens.insert(token.clone(), now + config.token_lifetime);
    }
    axum::Json(json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": config.token_lifetime.as_secs(),
    }))
    .into_response()
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// Checks the bearer token and a permission; `Err` is the response to send.
// The error is the ready response a handler returns at once; boxing it buys nothing here.
#[allow(clippy::result_large_err)]
fn authorize(state: &EmulatorState, headers: &HeaderMap, permission: Permission) -> Result<(), Response> {
    if !super::token_valid(&state.shared.tokens, headers) {
        return Err(error_body(StatusCode::UNAUTHORIZED, "bad.credentials", "Invalid login credentials."));
    }
    if !state.permitted(permission) {
        return Err(error_body(
            StatusCode::FORBIDDEN,
            "missing.permissions",
            format!("You are missing the following permission(s): {}", permission.as_str()),
        ));
    }
    Ok(())
}

fn integration_json(state: &EmulatorState) -> Value {
    let c = state.config();
    let self_uri = format!("{INTEGRATIONS}/{}", c.integration_id);
    let mut v = json!({
        "id": c.integration_id,
        "name": c.integration_name,
        "supportedContent": {"id": "webMessagingDefault", "selfUri": "/api/v2/conversations/messaging/supportedcontent/webMessagingDefault"},
        "messagingSetting": {"id": "e3a1d0c2-5b7f-4c1e-9a0d-00000000e003", "selfUri": "/api/v2/conversations/messaging/settings/e3a1d0c2-5b7f-4c1e-9a0d-00000000e003"},
        "status": "active",
        "recipient": {"id": "e3a1d0c2-5b7f-4c1e-9a0d-00000000e004", "selfUri": "/api/v2/routing/message/recipients/e3a1d0c2-5b7f-4c1e-9a0d-00000000e004"},
        "dateCreated": "2025-01-01T00:00:00.000Z",
        "dateModified": "2025-01-01T00:00:00.000Z",
        "createStatus": c.create_status,
        "selfUri": self_uri,
    });
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

fn same_id(state: &EmulatorState, id: &str) -> bool {
    id.eq_ignore_ascii_case(&state.config().integration_id)
}

fn integration_not_found(id: &str) -> Response {
    error_body(StatusCode::NOT_FOUND, "not.found", format!("Open messaging integration {id} not found"))
}

async fn list_integrations(State(state): State<EmulatorState>, headers: HeaderMap) -> Response {
    if let Err(r) = authorize(&state, &headers, Permission::IntegrationView) {
        return r;
    }
    let uri = format!("{INTEGRATIONS}?pageSize=25&pageNumber=1");
    axum::Json(json!({
        "entities": [integration_json(&state)],
        "pageSize": 25, "pageNumber": 1, "total": 1, "pageCount": 1,
        "firstUri": uri, "selfUri": uri, "lastUri": uri,
    }))
    .into_response()
}

async fn get_integration(State(state): State<EmulatorState>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(r) = authorize(&state, &headers, Permission::IntegrationView) {
        return r;
    }
    if !same_id(&state, &id) {
        return integration_not_found(&id);
    }
    axum::Json(integration_json(&state)).into_response()
}

async fn patch_integration(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = authorize(&state, &headers, Permission::IntegrationEdit) {
        return r;
    }
    if !same_id(&state, &id) {
        return integration_not_found(&id);
    }
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return bad_request(Invalid { field: "body".into(), message: "body: must be JSON".into() });
    };
    let Some(map) = value.as_object() else {
        return bad_request(Invalid { field: "body".into(), message: "body: must be a JSON object".into() });
    };
    let mut webhook = None;
    if let Some(url) = map.get("outboundNotificationWebhookUrl") {
        match url {
            Value::Null => webhook = Some(None),
            Value::String(s) if s.is_empty() => webhook = Some(None),
            Value::String(s) if url::Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) => {
                webhook = Some(Some(s.clone()))
            }
            _ => {
                return bad_request(Invalid {
                    field: "outboundNotificationWebhookUrl".into(),
                    message: "outboundNotificationWebhookUrl: must be an http(s) URL".into(),
                });
            }
        }
    }
    let name = map.get("name").and_then(Value::as_str).map(str::to_string);
    let secret = map.get("outboundNotificationWebhookSignatureSecretToken").and_then(Value::as_str).map(str::to_string);
    state.update_config(|c| {
        if let Some(w) = webhook {
            c.webhook_url = w;
        }
        if let Some(n) = name {
            c.integration_name = n;
        }
        if let Some(s) = secret {
            c.webhook_secret = s;
        }
    });
    axum::Json(integration_json(&state)).into_response()
}

/// Auth, permission, integration id and JSON parsing shared by the inbound endpoints.
#[allow(clippy::result_large_err)]
fn inbound_preamble(state: &EmulatorState, id: &str, headers: &HeaderMap, body: &[u8]) -> Result<Value, Response> {
    authorize(state, headers, Permission::MessageReceive)?;
    if !same_id(state, id) {
        return Err(integration_not_found(id));
    }
    serde_json::from_slice::<Value>(body)
        .map_err(|e| bad_request(Invalid { field: "body".into(), message: format!("body: not valid JSON ({e})") }))
}

fn integration_party(state: &EmulatorState) -> Value {
    let c = state.config();
    json!({"id": c.integration_id})
}

async fn inbound_message(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let value = match inbound_preamble(&state, &id, &headers, &body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut valid = match validate::inbound_message(&value) {
        Ok(v) => v,
        Err(e) => return bad_request(e),
    };
    let conversation_id = {
        let mut conversations = lock(&state.shared.conversations);
        valid.first_in_conversation = !conversations.contains_key(&valid.customer_id);
        conversations.entry(valid.customer_id.clone()).or_insert_with(|| Uuid::new_v4().to_string()).clone()
    };
    let message_id = Uuid::new_v4().simple().to_string();
    let channel = &value["channel"];
    let mut response = json!({
        "id": message_id,
        "channel": {
            "id": state.config().integration_id,
            "platform": "Open",
            "type": "Private",
            "messageId": channel.get("messageId").cloned().unwrap_or(Value::Null),
            "to": integration_party(&state),
            "from": channel["from"].clone(),
            "time": channel["time"].clone(),
        },
        "type": "Text",
        "text": value.get("text").cloned().unwrap_or(Value::Null),
        "direction": "Inbound",
    });
    if let Some(content) = value.get("content") {
        response["content"] = content.clone();
    }
    if let Some(meta) = value.get("metadata") {
        response["metadata"] = meta.clone();
    }
    if query.get("prefetchConversationId").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        response["conversationId"] = json!(conversation_id);
    }
    if state.config().agent_enabled {
        agent::spawn_reply(state.clone(), valid, conversation_id);
    }
    (StatusCode::ACCEPTED, axum::Json(response)).into_response()
}

async fn inbound_event(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let value = match inbound_preamble(&state, &id, &headers, &body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    if let Err(e) = validate::inbound_event(&value) {
        return bad_request(e);
    }
    let channel = &value["channel"];
    let response = json!({
        "id": Uuid::new_v4().simple().to_string(),
        "channel": {
            "id": state.config().integration_id, "platform": "Open", "type": "Private",
            "to": integration_party(&state), "from": channel["from"].clone(), "time": channel["time"].clone(),
        },
        "type": "Event",
        "events": value["events"].clone(),
    });
    (StatusCode::ACCEPTED, axum::Json(response)).into_response()
}

async fn inbound_receipt(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let value = match inbound_preamble(&state, &id, &headers, &body) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let (message_id, status) = match validate::inbound_receipt(&value) {
        Ok(v) => v,
        Err(e) => return bad_request(e),
    };
    let response = json!({
        "id": message_id,
        "channel": {
            "id": state.config().integration_id, "platform": "Open", "type": "Private",
            "to": value["channel"]["to"].clone(), "from": integration_party(&state), "time": now_iso(),
        },
        "type": "Receipt",
        "status": status,
        "reasons": value.get("reasons").cloned().unwrap_or(json!([])),
        "isFinalReceipt": value.get("isFinalReceipt").cloned().unwrap_or(json!(true)),
        "direction": "Outbound",
    });
    (StatusCode::ACCEPTED, axum::Json(response)).into_response()
}

/// The agent's image (any id serves the same small PNG).
async fn download(Path(_id): Path<String>) -> Response {
    ([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "max-age=3600")], super::AGENT_IMAGE).into_response()
}
