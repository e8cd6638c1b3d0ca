//! `GET /api/v2/notifications/availabletopics`: the topic catalogue (models
//! `AvailableTopic`, `AvailableTopicEntityListing`; "requires no permissions";
//! https://github.com/MyPureCloud/platform-client-sdk-python/blob/master/build/docs/NotificationsApi.md).
//! The emulator lists the conversation detail topics presence uses. An entity
//! carries only `id` unless `expand` asks for more, as the expand values suggest.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{DETAIL_EVENTS_PERMISSION, NotificationHub, error, unauthorized};
use crate::genesys::notifications::CONVERSATION_TOPICS;

/// The SDK's `expand` values for this operation.
const EXPAND: [&str; 9] = [
    "description",
    "enforced",
    "schema",
    "visibility",
    "transports",
    "publicApiTemplateUriPaths",
    "requiresPermissions",
    "permissionDetails",
    "topicParameters",
];

#[derive(Deserialize)]
pub(super) struct TopicsQuery {
    #[serde(default)]
    expand: Option<String>,
    #[serde(default, rename = "includePreview")]
    include_preview: Option<String>,
}

pub(super) async fn available_topics(
    State(hub): State<NotificationHub>,
    Query(query): Query<TopicsQuery>,
    headers: HeaderMap,
) -> Response {
    if !hub.authorized(&headers) {
        return unauthorized();
    }
    // Genesys' answer to an unknown value is not documented: refusing it keeps
    // the client honest about the enum.
    let expand: Vec<&str> = query.expand.as_deref().map(|e| e.split(',').map(str::trim).collect()).unwrap_or_default();
    if let Some(bad) = expand.iter().find(|e| !EXPAND.contains(e)) {
        let message = format!("expand \"{bad}\" is not one of {}", EXPAND.join(", "));
        return error(StatusCode::BAD_REQUEST, "bad.request", &message, json!({}));
    }
    if let Some(bad) = query.include_preview.as_deref().filter(|v| !matches!(*v, "true" | "false")) {
        let message = format!("includePreview \"{bad}\" must be true or false");
        return error(StatusCode::BAD_REQUEST, "bad.request", &message, json!({}));
    }
    let entities: Vec<Value> = CONVERSATION_TOPICS.iter().map(|suffix| topic(suffix, &expand)).collect();
    Json(json!({ "entities": entities })).into_response()
}

fn topic(suffix: &str, expand: &[&str]) -> Value {
    let mut topic = json!({ "id": format!("v2.detail.events.conversation.{{id}}.{suffix}") });
    let mut add = |field: &str, value: Value| {
        if expand.contains(&field) {
            topic[field] = value;
        }
    };
    add("description", json!(format!("Conversation detail event {suffix}")));
    add("enforced", json!(true));
    add("visibility", json!("Public"));
    add("transports", json!(["All"]));
    add("requiresPermissions", json!([DETAIL_EVENTS_PERMISSION]));
    add(
        "permissionDetails",
        json!([{ "type": "requiresPermissions", "permissions": [DETAIL_EVENTS_PERMISSION], "enforced": true }]),
    );
    add("topicParameters", json!(["id"]));
    topic
}
