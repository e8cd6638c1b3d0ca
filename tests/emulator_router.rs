//! The emulator router without sockets (`oneshot`): OAuth errors, auth on
//! the API, correlation ids, error bodies, downloads.
#![expect(clippy::unwrap_used, reason = "test code")]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use base64::Engine as _;
use genesys_desk::config::defaults;
use genesys_desk::emulator::{EmulatorConfig, EmulatorState, router};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

fn state() -> EmulatorState {
    EmulatorState::new(EmulatorConfig { agent_enabled: false, ..EmulatorConfig::default() }, "http://emulator.test")
}

fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")))
}

async fn call(state: &EmulatorState, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let response = router(state.clone()).oneshot(req).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn token_request(auth: Option<String>, body: &str) -> Request<Body> {
    let mut b = Request::post("/oauth/token").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(a) = auth {
        b = b.header(header::AUTHORIZATION, a);
    }
    b.body(Body::from(body.to_string())).unwrap()
}

#[tokio::test]
async fn token_endpoint_checks_basic_auth_and_grant_type() {
    let s = state();
    let (status, headers, body) = call(
        &s,
        token_request(
            Some(basic(defaults::EMULATOR_CLIENT_ID, defaults::EMULATOR_CLIENT_SECRET)),
            "grant_type=client_credentials",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 86399);
    assert!(headers.contains_key("inin-correlation-id"));

    let (status, _, body) = call(&s, token_request(None, "grant_type=client_credentials")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_client");
    assert!(body["error_description"].as_str().unwrap().contains("Basic"));

    let (status, _, body) = call(
        &s,
        token_request(
            Some(basic(defaults::EMULATOR_CLIENT_ID, defaults::EMULATOR_CLIENT_SECRET)),
            "grant_type=password",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn api_needs_a_valid_bearer_token() {
    let s = state();
    let path = format!("/api/v2/conversations/messaging/integrations/open/{}", defaults::EMULATOR_INTEGRATION_ID);
    let (status, _, body) =
        call(&s, Request::get(&path).header(header::AUTHORIZATION, "bearer nope").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "bad.credentials");
    assert_eq!(body["status"], 401);

    let (_, _, token) = call(
        &s,
        token_request(
            Some(basic(defaults::EMULATOR_CLIENT_ID, defaults::EMULATOR_CLIENT_SECRET)),
            "grant_type=client_credentials",
        ),
    )
    .await;
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let (status, _, body) =
        call(&s, Request::get(&path).header(header::AUTHORIZATION, &bearer).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["createStatus"], "Completed");
    assert_eq!(body["outboundNotificationWebhookUrl"], defaults::EMULATOR_WEBHOOK_URL);

    let (status, _, body) = call(
        &s,
        Request::get("/api/v2/conversations/messaging/integrations/open?pageSize=25&pageNumber=1")
            .header(header::AUTHORIZATION, &bearer)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"], 1);

    let (status, _, body) = call(&s, Request::get("/api/v2/nothing").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not.found");
}

#[tokio::test]
async fn downloads_serve_the_agent_png() {
    let s = state();
    let response =
        router(s.clone()).oneshot(Request::get("/api/v2/downloads/abc").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "image/png");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&bytes[..], genesys_desk::emulator::AGENT_IMAGE);
    assert_eq!(s.requests().len(), 1, "requests are logged");
}
