//! What the client does with answers a strict reading of the API allows but
//! the emulator does not send by itself, against small fakes over loopback:
//! a 2xx receipt answer that says `Failed`, and attachment URLs that want a
//! token (which only the account's own host may get).
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap: a failure should panic with its cause"
)]

mod support;

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use genesys_desk::genesys::{Client, Error, ReceiptStatus};
use serde_json::json;

/// Authorization headers a fake server saw, `None` for a request without one.
type Seen = Arc<Mutex<Vec<Option<String>>>>;

async fn serve(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

fn token_route() -> axum::Router {
    axum::Router::new().route(
        "/oauth/token",
        post(|| async { axum::Json(json!({"access_token": "fake-token-1234", "expires_in": 3600})) }),
    )
}

/// Answers 401 without a bearer token and 200 with one; records what it saw.
fn download_route(seen: Seen) -> axum::Router {
    axum::Router::new().route(
        "/dl/agent.png",
        get(move |headers: HeaderMap| {
            let seen = seen.clone();
            async move {
                let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_string);
                let ok = auth.is_some();
                seen.lock().unwrap().push(auth);
                if ok { (StatusCode::OK, "PNG").into_response() } else { StatusCode::UNAUTHORIZED.into_response() }
            }
        }),
    )
}

#[tokio::test]
async fn a_receipt_answered_failed_is_an_error_with_its_reasons() {
    let app = token_route().route(
        "/api/v2/conversations/messages/{id}/inbound/open/receipt",
        post(|| async {
            let body = json!({"id": "m1", "channel": {"to": {"id": "jane@example.com"}, "from": {"id": "i"},
                "time": "2025-01-15T10:00:00Z"}, "type": "Receipt", "status": "Failed", "direction": "Outbound",
                "reasons": [{"code": "MessageExpired", "message": "the message is too old"}]});
            (StatusCode::ACCEPTED, axum::Json(body))
        }),
    );
    let host = serve(app).await;
    let client = Client::new(&support::account_for(&host), support::fast_options(), None).unwrap();
    let err = client.send_receipt("jane@example.com", "m1", &ReceiptStatus::Delivered).await.unwrap_err();
    assert!(matches!(err, Error::Refused { .. }), "{err:?}");
    let message = err.user_message();
    assert!(message.contains("MessageExpired: the message is too old"), "{message}");
}

#[tokio::test]
async fn the_token_never_goes_to_another_host() {
    let account_host = serve(token_route()).await;
    let seen: Seen = Arc::default();
    let recorder = serve(download_route(seen.clone())).await;
    let client = Client::new(&support::account_for(&account_host), support::fast_options(), None).unwrap();
    let err = client.download(&format!("{recorder}/dl/agent.png"), 1024, true).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(*seen.lock().unwrap(), vec![None], "one anonymous try, no retry with the token");
}

#[tokio::test]
async fn the_own_host_gets_the_token_only_for_a_verified_delivery() {
    let seen: Seen = Arc::default();
    let host = serve(token_route().merge(download_route(seen.clone()))).await;
    let client = Client::new(&support::account_for(&host), support::fast_options(), None).unwrap();
    let url = format!("{host}/dl/agent.png");
    let err = client.download(&url, 1024, false).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(*seen.lock().unwrap(), vec![None], "an unverified delivery never gets the token");
    seen.lock().unwrap().clear();
    assert_eq!(client.download(&url, 1024, true).await.unwrap(), b"PNG");
    assert_eq!(*seen.lock().unwrap(), vec![None, Some("bearer fake-token-1234".to_string())]);
}
