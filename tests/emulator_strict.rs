//! The emulator is as strict as the SDK's request models: each wrong body
//! gets a 400 `ErrorBody` naming the field, each right one is accepted, and
//! every error of the API routes is an `ErrorBody` (router `oneshot`).
#![expect(clippy::unwrap_used, reason = "test code")]

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use base64::Engine as _;
use genesys_desk::config::defaults;
use genesys_desk::emulator::{EmulatorConfig, EmulatorState, Permission, router};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

const MESSAGE: &str = "/api/v2/conversations/messages/e3a1d0c2-5b7f-4c1e-9a0d-00000000e002/inbound/open/message";
const EVENT: &str = "/api/v2/conversations/messages/e3a1d0c2-5b7f-4c1e-9a0d-00000000e002/inbound/open/event";
const RECEIPT: &str = "/api/v2/conversations/messages/e3a1d0c2-5b7f-4c1e-9a0d-00000000e002/inbound/open/receipt";
const STRUCTURED: &str =
    "/api/v2/conversations/messages/e3a1d0c2-5b7f-4c1e-9a0d-00000000e002/inbound/open/structured/response";
const INTEGRATION: &str = "/api/v2/conversations/messaging/integrations/open/e3a1d0c2-5b7f-4c1e-9a0d-00000000e002";
const SETTING: &str = "/api/v2/conversations/messaging/settings/e3a1d0c2-5b7f-4c1e-9a0d-00000000e003";
const TIMELINE: &str = "/api/v2/conversations/messaging/threadingtimeline";

struct Emu {
    state: EmulatorState,
    bearer: String,
}

async fn raw(state: &EmulatorState, req: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let response = router(state.clone()).oneshot(req).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn emu(config: EmulatorConfig) -> Emu {
    let state = EmulatorState::new(EmulatorConfig { agent_enabled: false, ..config }, "http://emulator.test");
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        defaults::EMULATOR_CLIENT_ID,
        defaults::EMULATOR_CLIENT_SECRET
    ));
    let req = Request::post("/oauth/token")
        .header(header::AUTHORIZATION, format!("Basic {basic}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("grant_type=client_credentials"))
        .unwrap();
    let (status, _, token) = raw(&state, req).await;
    assert_eq!(status, StatusCode::OK);
    Emu { bearer: format!("Bearer {}", token["access_token"].as_str().unwrap()), state }
}

impl Emu {
    async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> (StatusCode, HeaderMap, Value) {
        let req = Request::builder().method(method).uri(path).header(header::AUTHORIZATION, &self.bearer);
        let req = match body {
            Some(b) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        };
        raw(&self.state, req.unwrap()).await
    }

    async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let (status, _, body) = self.call(Method::POST, path, Some(body)).await;
        (status, body)
    }
}

/// The fields every `ErrorBody` of the emulator carries.
fn assert_error_body(body: &Value, status: u16, code: &str) {
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert!(body["messageParams"].is_object(), "{body}");
    uuid::Uuid::parse_str(body["contextId"].as_str().unwrap()).unwrap();
}

/// A 400 that names `field` in the message and in `details`.
fn assert_names(status: StatusCode, body: &Value, field: &str) {
    assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {body}");
    assert_error_body(body, 400, "bad.request");
    assert!(body["message"].as_str().unwrap().contains(field), "{field}: {body}");
    assert_eq!(body["details"][0]["fieldName"], field, "{body}");
    assert_eq!(body["messageParams"]["field"], field, "{body}");
}

fn message() -> Value {
    json!({
        "channel": {
            "messageId": "provider-1",
            "from": {"id": "customer-1", "idType": "Opaque", "nickname": "Ann"},
            "time": "2025-01-15T10:00:00.000Z",
            "metadata": {"subType": "GoogleBusinessProfile", "customAttributes": {"priority": "high"}}
        },
        "text": "hello",
        "content": [{"attachment": {"mediaType": "Image", "url": "https://x.example/a.png", "mime": "image/png", "filename": "a.png"}}],
        "metadata": {"orderId": "42"}
    })
}

#[tokio::test]
async fn a_model_message_is_accepted_and_answered_as_a_text_without_direction() {
    let e = emu(EmulatorConfig::default()).await;
    let (status, body) = e.post(&format!("{MESSAGE}?prefetchConversationId=true"), &message()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["type"], "Text");
    assert!(body.get("direction").is_none(), "OpenMessageNormalizedMessage has no direction: {body}");
    assert_eq!(body["channel"]["from"]["id"], "customer-1");
    assert_eq!(body["channel"]["to"]["id"], defaults::EMULATOR_INTEGRATION_ID);
    assert_eq!(body["channel"]["messageId"], "provider-1");
    assert_eq!(body["metadata"]["orderId"], "42");
    assert!(body["conversationId"].is_string());
    // Unknown fields are accepted whatever their type (unconfirmed whether Genesys rejects them).
    let mut m = message();
    m["channel"]["metadata"]["customAttributes"] = json!({"priority": 1});
    m["somethingNew"] = json!([1]);
    assert_eq!(e.post(MESSAGE, &m).await.0, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn wrong_messages_name_the_field() {
    let e = emu(EmulatorConfig::default()).await;
    type Mutation = fn(&mut Value);
    let cases: [(Mutation, &str); 11] = [
        (|m| m["channel"]["from"].as_object_mut().unwrap().remove("idType").map(drop).unwrap(), "channel.from.idType"),
        (|m| m["channel"]["from"]["idType"] = json!("Twitter"), "channel.from.idType"),
        (|m| m["channel"]["from"]["id"] = json!(""), "channel.from.id"),
        (|m| m["channel"]["time"] = json!("yesterday"), "channel.time"),
        (|m| m["channel"]["metadata"]["subType"] = json!("Sms"), "channel.metadata.subType"),
        (|m| m["channel"]["messageId"] = json!(7), "channel.messageId"),
        (|m| m["content"][0]["attachment"]["mediaType"] = json!("Picture"), "content[0].attachment.mediaType"),
        (
            |m| m["content"][0]["attachment"].as_object_mut().unwrap().remove("mime").map(drop).unwrap(),
            "content[0].attachment.mime",
        ),
        (|m| m["metadata"] = json!({"orderId": 42}), "metadata.orderId"),
        (|m| m["text"] = json!(5), "text"),
        (|m| m.as_object_mut().unwrap().remove("channel").map(drop).unwrap(), "channel"),
    ];
    for (mutate, field) in cases {
        let mut m = message();
        mutate(&mut m);
        let (status, body) = e.post(MESSAGE, &m).await;
        assert_names(status, &body, field);
    }
    let (status, _, body) = e.call(Method::POST, MESSAGE, None).await;
    assert_names(status, &body, "body");
}

fn event() -> Value {
    json!({"channel": {"from": {"id": "customer-1", "idType": "Email"}, "time": "2025-01-15T10:00:00Z"},
           "events": [{"eventType": "Typing"}]})
}

#[tokio::test]
async fn typing_events_follow_the_open_inbound_normalized_event_model() {
    let e = emu(EmulatorConfig::default()).await;
    let (status, body) = e.post(EVENT, &event()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["type"], "Event");
    assert_eq!(body["events"], json!([{"eventType": "Typing"}]));
    assert_eq!(body["channel"]["from"]["id"], "customer-1");

    type Mutation = fn(&mut Value);
    let cases: [(Mutation, &str); 4] = [
        (|v| v["events"][0]["eventType"] = json!("TypingOn"), "events[0].eventType"),
        (|v| v.as_object_mut().unwrap().remove("events").map(drop).unwrap(), "events"),
        (|v| v["channel"]["from"].as_object_mut().unwrap().remove("idType").map(drop).unwrap(), "channel.from.idType"),
        (|v| v["channel"].as_object_mut().unwrap().remove("time").map(drop).unwrap(), "channel.time"),
    ];
    for (mutate, field) in cases {
        let mut v = event();
        mutate(&mut v);
        let (status, body) = e.post(EVENT, &v).await;
        assert_names(status, &body, field);
    }
}

fn receipt() -> Value {
    json!({"id": "agent-message-1", "channel": {"to": {"id": "customer-1"}, "time": "2025-01-15T10:00:00Z"},
           "status": "Failed", "reasons": [{"message": "the phone was off"}], "isFinalReceipt": true})
}

#[tokio::test]
async fn receipts_follow_the_open_inbound_normalized_receipt_model() {
    let e = emu(EmulatorConfig::default()).await;
    // `to.idType` and `reasons[].code` are optional.
    let (status, body) = e.post(RECEIPT, &receipt()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["type"], "Receipt");
    assert_eq!(body["direction"], "Outbound", "direction is required in OpenReceiptNormalizedMessage");
    assert_eq!(body["status"], "Failed");
    assert_eq!(body["id"], "agent-message-1");
    assert_eq!(body["reasons"][0]["message"], "the phone was off");
    for status_value in ["Sent", "Delivered", "Published", "Removed"] {
        let mut r = receipt();
        r["status"] = json!(status_value);
        r.as_object_mut().unwrap().remove("reasons");
        assert_eq!(e.post(RECEIPT, &r).await.0, StatusCode::ACCEPTED, "{status_value}");
    }

    type Mutation = fn(&mut Value);
    let cases: [(Mutation, &str); 7] = [
        (|r| r["status"] = json!("Read"), "status"),
        (|r| r.as_object_mut().unwrap().remove("id").map(drop).unwrap(), "id"),
        (|r| r["channel"].as_object_mut().unwrap().remove("to").map(drop).unwrap(), "channel.to"),
        (|r| r["channel"]["to"]["idType"] = json!("Handle"), "channel.to.idType"),
        (|r| r["reasons"] = json!([{"code": "GeneralError"}]), "reasons[0].message"),
        (|r| r["reasons"] = json!([{"code": "Oops", "message": "m"}]), "reasons[0].code"),
        (|r| r["isFinalReceipt"] = json!("yes"), "isFinalReceipt"),
    ];
    for (mutate, field) in cases {
        let mut r = receipt();
        mutate(&mut r);
        let (status, body) = e.post(RECEIPT, &r).await;
        assert_names(status, &body, field);
    }
}

fn structured() -> Value {
    json!({"channel": {"from": {"id": "customer-1", "idType": "Opaque"}, "time": "2025-01-15T10:00:00Z"},
           "buttonResponse": {"type": "QuickReply", "text": "Yes please", "payload": "yes"},
           "originatingMessageId": "agent-message-1"})
}

#[tokio::test]
async fn structured_responses_follow_the_open_inbound_structured_response_model() {
    let e = emu(EmulatorConfig::default()).await;
    let (status, body) = e.post(STRUCTURED, &structured()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    assert_eq!(body["type"], "Structured");
    assert_eq!(body["direction"], "Inbound");
    assert_eq!(body["content"][0]["contentType"], "ButtonResponse");
    assert_eq!(body["content"][0]["buttonResponse"]["payload"], "yes");

    type Mutation = fn(&mut Value);
    let cases: [(Mutation, &str); 6] = [
        (|s| s["buttonResponse"] = json!([{"type": "Button", "text": "a", "payload": "a"}]), "buttonResponse"),
        (|s| s["buttonResponse"]["type"] = json!("ListPicker"), "buttonResponse.type"),
        (
            |s| s["buttonResponse"].as_object_mut().unwrap().remove("payload").map(drop).unwrap(),
            "buttonResponse.payload",
        ),
        (|s| s["buttonResponse"].as_object_mut().unwrap().remove("text").map(drop).unwrap(), "buttonResponse.text"),
        (|s| s.as_object_mut().unwrap().remove("originatingMessageId").map(drop).unwrap(), "originatingMessageId"),
        (|s| s["channel"]["from"]["idType"] = json!("opaque"), "channel.from.idType"),
    ];
    for (mutate, field) in cases {
        let mut s = structured();
        mutate(&mut s);
        let (status, body) = e.post(STRUCTURED, &s).await;
        assert_names(status, &body, field);
    }
}

#[tokio::test]
async fn patch_needs_a_name_an_https_443_webhook_and_a_long_secret() {
    let e = emu(EmulatorConfig::default()).await;
    let cases = [
        (json!({"outboundNotificationWebhookUrl": "https://abc.example.com/hooks/x"}), "name"),
        (json!({"name": ""}), "name"),
        (
            json!({"name": "N", "outboundNotificationWebhookUrl": "http://abc.example.com/hooks/x"}),
            "outboundNotificationWebhookUrl",
        ),
        (
            json!({"name": "N", "outboundNotificationWebhookUrl": "https://abc.example.com:8443/x"}),
            "outboundNotificationWebhookUrl",
        ),
        (json!({"name": "N", "outboundNotificationWebhookUrl": ""}), "outboundNotificationWebhookUrl"),
        (
            json!({"name": "N", "outboundNotificationWebhookSignatureSecretToken": "fifteen-chars!!"}),
            "outboundNotificationWebhookSignatureSecretToken",
        ),
        (json!({"name": "N", "messagingSetting": {"name": "no id"}}), "messagingSetting.id"),
        (json!({"name": "N", "webhookHeaders": {"X-Token": 1}}), "webhookHeaders.X-Token"),
    ];
    for (body, field) in cases {
        let (status, _, answer) = e.call(Method::PATCH, INTEGRATION, Some(&body)).await;
        assert_names(status, &answer, field);
    }
    assert_eq!(e.state.config().integration_name, defaults::EMULATOR_INTEGRATION_NAME, "nothing changed");

    let body = json!({"name": "Renamed", "outboundNotificationWebhookUrl": "https://abc.example.com:443/hooks/x"});
    let (status, _, answer) = e.call(Method::PATCH, INTEGRATION, Some(&body)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["name"], "Renamed");
    assert_eq!(answer["outboundNotificationWebhookUrl"], "https://abc.example.com:443/hooks/x");
    assert_eq!(answer["outboundNotificationWebhookSignatureSecretToken"], defaults::EMULATOR_WEBHOOK_SECRET, "kept");

    // Loopback listeners are accepted on any port and on http.
    for url in
        ["http://127.0.0.1:8787/hooks/Emulator", "http://localhost:9/x", "http://[::1]:8787/x", "http://127.1.2.3/x"]
    {
        let body = json!({"name": "Renamed", "outboundNotificationWebhookUrl": url,
                          "outboundNotificationWebhookSignatureSecretToken": "sixteen-chars!!!"});
        let (status, _, answer) = e.call(Method::PATCH, INTEGRATION, Some(&body)).await;
        assert_eq!(status, StatusCode::OK, "{url}: {answer}");
        assert_eq!(answer["outboundNotificationWebhookUrl"], url);
    }
    assert_eq!(e.state.config().webhook_secret, "sixteen-chars!!!");
}

#[tokio::test]
async fn errors_are_error_bodies_with_the_real_status() {
    let e = emu(EmulatorConfig::default()).await;
    let (status, _, body) = raw(&e.state, Request::get(INTEGRATION).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_error_body(&body, 401, "bad.credentials");

    let (status, _, body) = e.call(Method::GET, "/api/v2/conversations/messaging/integrations/open/nope", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_body(&body, 404, "not.found");
    assert!(body["message"].as_str().unwrap().contains("nope"));
    let (status, body) = e.post(&MESSAGE.replace("e002", "e009"), &message()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_body(&body, 404, "not.found");
    let (status, _, body) = e.call(Method::GET, "/api/v2/nothing/here", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_body(&body, 404, "not.found");

    for (permission, method, path) in [
        (Permission::IntegrationView, Method::GET, INTEGRATION),
        (Permission::MessageReceive, Method::POST, MESSAGE),
        (Permission::MessagingSettingView, Method::GET, SETTING),
        (Permission::ThreadingTimelineView, Method::GET, TIMELINE),
    ] {
        e.state.faults().deny(permission);
        let body = (method == Method::POST).then(message);
        let (status, _, answer) = e.call(method, path, body.as_ref()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
        assert_error_body(&answer, 403, "missing.permissions");
        assert_eq!(answer["messageParams"]["permissions"], permission.as_str());
        assert!(answer["message"].as_str().unwrap().contains(permission.as_str()));
        e.state.faults().allow(permission);
    }
}

#[tokio::test]
async fn the_messaging_setting_says_whether_outbound_typing_is_on() {
    let e = emu(EmulatorConfig::default()).await;
    let (status, _, body) = e.call(Method::GET, SETTING, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], "e3a1d0c2-5b7f-4c1e-9a0d-00000000e003");
    assert_eq!(body["event"]["typing"]["on"]["outbound"], "Enabled");
    assert!(body["version"].is_string(), "MessagingSetting.version is a string");
    let (_, _, integration) = e.call(Method::GET, INTEGRATION, None).await;
    assert_eq!(integration["messagingSetting"]["selfUri"], SETTING, "the integration points at it");

    let off = emu(EmulatorConfig { outbound_typing: false, ..EmulatorConfig::default() }).await;
    let (_, _, body) = off.call(Method::GET, SETTING, None).await;
    assert_eq!(body["event"]["typing"]["on"]["outbound"], "Disabled");

    let (status, _, body) = e.call(Method::GET, "/api/v2/conversations/messaging/settings/other", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error_body(&body, 404, "not.found");
}

#[tokio::test]
async fn the_threading_timeline_is_served_in_minutes() {
    let e = emu(EmulatorConfig::default()).await;
    let (status, _, body) = e.call(Method::GET, TIMELINE, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["settings"], json!([{"messengerType": "open", "timeoutInMinutes": 4320}]));
    let short = emu(EmulatorConfig {
        threading_timeline: std::time::Duration::from_secs(90 * 60),
        ..EmulatorConfig::default()
    })
    .await;
    let (_, _, body) = short.call(Method::GET, TIMELINE, None).await;
    assert_eq!(body["settings"][0]["timeoutInMinutes"], 90);
}

#[tokio::test]
async fn over_the_budget_the_answer_is_429_with_retry_after() {
    let e = emu(EmulatorConfig { rate_limit_per_minute: Some(2), ..EmulatorConfig::default() }).await;
    for _ in 0..2 {
        let (status, headers, _) = e.call(Method::GET, INTEGRATION, None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!headers.contains_key("inin-ratelimit-count"), "removed by Genesys in 2021");
    }
    let (status, headers, body) = e.call(Method::GET, INTEGRATION, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_error_body(&body, 429, "too.many.requests.retry.after");
    assert_eq!(body["limit"]["value"], 2);
    let retry_after: u64 = headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    // The token endpoint is not counted.
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        defaults::EMULATOR_CLIENT_ID,
        defaults::EMULATOR_CLIENT_SECRET
    ));
    let req = Request::post("/oauth/token")
        .header(header::AUTHORIZATION, format!("Basic {basic}"))
        .body(Body::from("grant_type=client_credentials"))
        .unwrap();
    assert_eq!(raw(&e.state, req).await.0, StatusCode::OK);

    let legacy = emu(EmulatorConfig {
        rate_limit_per_minute: Some(1),
        legacy_ratelimit_headers: true,
        ..EmulatorConfig::default()
    })
    .await;
    let (_, headers, _) = legacy.call(Method::GET, INTEGRATION, None).await;
    assert_eq!(headers["inin-ratelimit-count"], "1");
    assert_eq!(headers["inin-ratelimit-allowed"], "1");
    let (status, headers, _) = legacy.call(Method::GET, INTEGRATION, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers["inin-ratelimit-count"], "2");
    assert_eq!(headers["inin-ratelimit-reset"], headers[header::RETRY_AFTER]);
}
