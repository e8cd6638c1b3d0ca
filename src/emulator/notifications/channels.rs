//! Channels and their subscriptions.

use std::collections::BTreeSet;
use std::time::Instant;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{CHANNEL_CAP, HubChannel, NotificationHub, Outgoing, channel_not_found, error, unauthorized};

pub(super) async fn create_channel(State(hub): State<NotificationHub>, headers: HeaderMap) -> Response {
    if !hub.authorized(&headers) {
        return unauthorized();
    }
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1").to_string();
    let id = format!("streaming-0-{}", uuid::Uuid::new_v4().simple());
    let expires = OffsetDateTime::now_utc() + time::Duration::hours(24);
    let expires = expires.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    {
        let mut state = hub.lock();
        // The emulator has one OAuth client, so all its channels count against one cap.
        while state.channels.len() >= CHANNEL_CAP {
            let oldest =
                state.channels.iter().min_by_key(|(_, c)| (c.socket.is_some(), c.last_used)).map(|(id, _)| id.clone());
            let Some(oldest) = oldest else { break };
            if let Some(socket) = state.channels.remove(&oldest).and_then(|c| c.socket) {
                let _ = socket.send(Outgoing::Close);
            }
        }
        let channel = HubChannel { topics: BTreeSet::new(), socket: None, last_used: Instant::now() };
        state.channels.insert(id.clone(), channel);
        state.channels_created += 1;
    }
    Json(json!({ "id": id, "connectUri": format!("ws://{host}/channels/{id}"), "expires": expires })).into_response()
}

#[derive(Deserialize)]
struct TopicRef {
    id: String,
}

#[derive(Deserialize)]
pub(super) struct SubscribeQuery {
    #[serde(default, rename = "ignoreErrors")]
    ignore_errors: Option<String>,
}

fn topics_of(body: &[u8]) -> Result<Vec<String>, String> {
    serde_json::from_slice::<Vec<TopicRef>>(body)
        .map(|v| v.into_iter().map(|t| t.id).collect())
        .map_err(|e| format!("The request body must be a JSON array of {{\"id\": topic}}: {e}"))
}

async fn change_subscriptions(
    hub: NotificationHub,
    headers: HeaderMap,
    id: String,
    query: SubscribeQuery,
    body: &[u8],
    replace: bool,
) -> Response {
    if !hub.authorized(&headers) {
        return unauthorized();
    }
    let topics = match topics_of(body) {
        Ok(t) => t,
        Err(message) => return error(StatusCode::BAD_REQUEST, "bad.request", &message, json!({})),
    };
    let ignore_errors = query.ignore_errors.as_deref().is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if !ignore_errors && let Some(refused) = topics.iter().find(|t| !hub.is_permitted(t)) {
        let permissions = hub.config.missing_permissions.join(", ");
        let message = format!("You are missing the following permission(s) to subscribe to {refused}: {permissions}");
        return error(StatusCode::FORBIDDEN, "missing.permissions", &message, json!({ "permissions": permissions }));
    }
    let answer: Vec<Value> = topics.iter().map(|t| hub.topic_json(t)).collect();
    let mut state = hub.lock();
    let Some(channel) = state.channels.get_mut(&id) else {
        return channel_not_found(&id);
    };
    if replace {
        channel.topics.clear();
    }
    channel.topics.extend(topics.into_iter().filter(|t| hub.is_permitted(t)));
    channel.last_used = Instant::now();
    Json(json!({ "entities": answer })).into_response()
}

pub(super) async fn add_subscriptions(
    State(hub): State<NotificationHub>,
    Path(id): Path<String>,
    Query(query): Query<SubscribeQuery>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    change_subscriptions(hub, headers, id, query, &body, false).await
}

pub(super) async fn replace_subscriptions(
    State(hub): State<NotificationHub>,
    Path(id): Path<String>,
    Query(query): Query<SubscribeQuery>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    change_subscriptions(hub, headers, id, query, &body, true).await
}

pub(super) async fn list_subscriptions(
    State(hub): State<NotificationHub>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !hub.authorized(&headers) {
        return unauthorized();
    }
    let Some(topics) = hub.lock().channels.get(&id).map(|c| c.topics.iter().cloned().collect::<Vec<_>>()) else {
        return channel_not_found(&id);
    };
    let entities: Vec<Value> = topics.iter().map(|t| hub.topic_json(t)).collect();
    Json(json!({ "entities": entities })).into_response()
}

pub(super) async fn delete_subscriptions(
    State(hub): State<NotificationHub>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if !hub.authorized(&headers) {
        return unauthorized();
    }
    match hub.lock().channels.get_mut(&id) {
        Some(channel) => channel.topics.clear(),
        None => return channel_not_found(&id),
    }
    // Whether Genesys answers 200 or 204 here is not documented; no body either way.
    StatusCode::NO_CONTENT.into_response()
}
