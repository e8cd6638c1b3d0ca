//! The listener's routes without sockets (`oneshot`): every verdict and status,
//! de-duplication, live account changes, media, and what lands in SQLite.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions unwrap: a failure should panic with its cause"
)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use genesys_desk::config::SecretString;
use genesys_desk::model::traffic::TrafficFilter;
use genesys_desk::model::{MessageKind, SignatureVerdict};
use genesys_desk::storage::{Db, TrafficQuery, Writer, WriterHandle};
use genesys_desk::webhook::signature::sign;
use genesys_desk::webhook::{
    Delivery, ListenerConfig, ListenerState, Mistake, WebhookAccount, public_media_url, router,
};
use http_body_util::BodyExt;
use tokio::sync::mpsc::UnboundedReceiver;
use tower::ServiceExt;

const SECRET: &str = "DEADBEEF";
const TEXT: &[u8] = include_bytes!("webhook_samples/outbound-text.json");
const TYPING: &[u8] = include_bytes!("webhook_samples/outbound-typing.json");
const TEXT_HEADER: &str = "sha256=hRs06zBmaX9i8m0EeBsagod3+ktPBHnHJotB+ea3Ku4=";

fn account(name: &str, secret: Option<&str>, accept_unsigned: bool) -> WebhookAccount {
    WebhookAccount {
        name: name.into(),
        webhook_secret: secret.map(SecretString::from),
        accept_unsigned,
        events_off: false,
        fault: None,
    }
}

struct Harness {
    state: ListenerState,
    writer: WriterHandle,
    deliveries: UnboundedReceiver<Delivery>,
    _dir: tempfile::TempDir,
}

async fn harness(accounts: Vec<WebhookAccount>) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let writer = Writer::spawn(Db::open_in_memory().unwrap()).unwrap();
    let (sink, deliveries) = tokio::sync::mpsc::unbounded_channel();
    let config = ListenerConfig::new(accounts, dir.path().join("media"));
    let state = ListenerState::new(config, writer.clone(), sink).await.unwrap();
    Harness { state, writer, deliveries, _dir: dir }
}

fn default_accounts() -> Vec<WebhookAccount> {
    vec![
        account("Acme Dev", Some(SECRET), false),
        account("Acme Prod", Some("prod-secret"), false),
        account("Open", None, false),
        account("Debug", Some(SECRET), true),
    ]
}

fn post(path: &str, body: &[u8], signature: Option<&str>) -> Request<Body> {
    let mut req = Request::post(path).header("content-type", "application/json");
    if let Some(sig) = signature {
        // Lower-case on purpose: the header name is case-insensitive.
        req = req.header("x-hub-signature-256", sig);
    }
    req.body(Body::from(body.to_vec())).unwrap()
}

async fn send(h: &Harness, req: Request<Body>) -> (StatusCode, String) {
    let res = router(h.state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn next(h: &mut Harness) -> Delivery {
    h.deliveries.recv().await.expect("a delivery for every request")
}

async fn chat_count(h: &Harness, account: &str) -> usize {
    let account = account.to_string();
    h.writer.call(move |db| db.list_messages(&account, "test-customer-0001").unwrap().len()).await.unwrap()
}

#[tokio::test]
async fn valid_signature_is_200_stored_and_reported() {
    let mut h = harness(default_accounts()).await;
    // Percent-encoded, other case: still the "Acme Dev" account.
    let (status, _) = send(&h, post("/hooks/acme%20dev", TEXT, Some(TEXT_HEADER))).await;
    assert_eq!(status, StatusCode::OK);
    let d = next(&mut h).await;
    assert_eq!(d.account, "Acme Dev");
    assert_eq!(d.traffic.verdict, Some(SignatureVerdict::Valid));
    assert_eq!(d.traffic.status, Some(200));
    assert_eq!(d.traffic.explanation, None);
    assert!(d.traffic.id.is_some(), "stored before the answer");
    assert_eq!((d.attempt, d.duplicate, d.accepted_unsigned), (1, false, false));
    let chat = d.chat_message.unwrap();
    assert_eq!(chat.text, "Hi, this is the agent. How can I help?");
    assert!(chat.id.is_some());
    assert_eq!(d.message.unwrap().customer_id.as_deref(), Some("test-customer-0001"));
    assert_eq!(chat_count(&h, "Acme Dev").await, 1);
    // The signature header is kept in traffic (it is not a secret), the body too.
    let stored = h.writer.call(|db| db.list_traffic(&TrafficQuery::default()).unwrap()).await.unwrap();
    assert!(stored[0].request_headers.iter().any(|(k, v)| k == "x-hub-signature-256" && v == TEXT_HEADER));
    assert!(stored[0].request_body.contains("How can I help?"));
}

#[tokio::test]
async fn retries_are_answered_200_and_stored_as_attempts() {
    let mut h = harness(default_accounts()).await;
    for expected_attempt in 1..=3 {
        let (status, _) = send(&h, post("/hooks/Acme%20Dev", TEXT, Some(TEXT_HEADER))).await;
        assert_eq!(status, StatusCode::OK);
        let d = next(&mut h).await;
        assert_eq!(d.attempt, expected_attempt);
        assert_eq!(d.duplicate, expected_attempt > 1);
    }
    assert_eq!(chat_count(&h, "Acme Dev").await, 1, "one chat message for three attempts");
    let traffic = h.writer.call(|db| db.count_traffic(&TrafficFilter::default()).unwrap()).await.unwrap();
    assert_eq!(traffic, 3, "one traffic row per attempt");
}

#[tokio::test]
async fn invalid_signature_is_401_explained_and_never_a_chat_message() {
    let mut h = harness(default_accounts()).await;
    // Signed with the other account's secret: the explainer names it.
    let (status, body) = send(&h, post("/hooks/Acme%20Dev", TEXT, Some(&sign("prod-secret", TEXT)))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("Acme Prod"), "{body}");
    let d = next(&mut h).await;
    assert_eq!(d.traffic.verdict, Some(SignatureVerdict::Invalid));
    assert_eq!(d.mistake, Some(Mistake::OtherAccountSecret("Acme Prod".into())));
    assert!(d.message.is_none() && d.chat_message.is_none());
    assert!(!d.traffic.explanation.unwrap().contains("prod-secret"));
    assert_eq!(chat_count(&h, "Acme Dev").await, 0);
    let filter = TrafficFilter { verdict: Some(SignatureVerdict::Invalid), ..TrafficFilter::default() };
    let rejected = h.writer.call(move |db| db.list_traffic(&TrafficQuery::first(filter, 200)).unwrap()).await.unwrap();
    assert_eq!(rejected.len(), 1, "rejected deliveries are kept as traffic");
    assert_eq!(rejected[0].status, Some(401));

    // Hex form of the right MAC (the vector's wrong form).
    let body = br#"{"id":"abc","type":"Text","text":"hi"}"#;
    let hex = "sha256=34bafb44b0b5c7be057deb97ae4f88353a238663c5a5d8fba62222d8fc3e86ef";
    let (status, text) = send(&h, post("/hooks/Acme%20Dev", body, Some(hex))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text.contains("hex"), "{text}");
    assert_eq!(next(&mut h).await.mistake, Some(Mistake::HexInsteadOfBase64 { with_prefix: true }));
}

#[tokio::test]
async fn missing_signature_is_401() {
    let mut h = harness(default_accounts()).await;
    let (status, body) = send(&h, post("/hooks/Acme%20Dev", TEXT, None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("X-Hub-Signature-256"), "{body}");
    let d = next(&mut h).await;
    assert_eq!(d.traffic.verdict, Some(SignatureVerdict::Missing));
    assert!(d.chat_message.is_none());
}

#[tokio::test]
async fn no_secret_configured_is_200_and_marked() {
    let mut h = harness(default_accounts()).await;
    let (status, _) = send(&h, post("/hooks/Open", TEXT, None)).await;
    assert_eq!(status, StatusCode::OK);
    let d = next(&mut h).await;
    assert_eq!(d.traffic.verdict, Some(SignatureVerdict::NoSecretConfigured));
    assert!(d.traffic.explanation.unwrap().contains("no webhook secret"));
    assert!(d.chat_message.is_some());
}

#[tokio::test]
async fn debug_switch_accepts_unsigned_and_marks_it() {
    let mut h = harness(default_accounts()).await;
    let (status, _) = send(&h, post("/hooks/Debug", TYPING, None)).await;
    assert_eq!(status, StatusCode::OK);
    let d = next(&mut h).await;
    assert!(d.accepted_unsigned);
    assert_eq!(d.traffic.verdict, Some(SignatureVerdict::Missing));
    assert!(d.traffic.explanation.unwrap().starts_with("ACCEPTED UNSIGNED"));
    assert_eq!(d.chat_message.unwrap().kind, MessageKind::Typing);

    let (status, _) = send(&h, post("/hooks/Debug", TEXT, Some("sha256=AAAA"))).await;
    assert_eq!(status, StatusCode::OK);
    let d = next(&mut h).await;
    assert!(d.accepted_unsigned);
    assert_eq!(d.traffic.verdict, Some(SignatureVerdict::Invalid));
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let mut h = harness(default_accounts()).await;
    let big = vec![b' '; 1024 * 1024 + 1];
    let (status, body) = send(&h, post("/hooks/Acme%20Dev", &big, Some(&sign(SECRET, &big)))).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(body.contains("1048576"), "{body}");
    assert_eq!(next(&mut h).await.traffic.status, Some(413));
    // Exactly 1 MiB is allowed through the limit (then judged as JSON).
    let mut edge = vec![b' '; 1024 * 1024 - 2];
    edge.splice(0..0, b"{}".iter().copied());
    let (status, _) = send(&h, post("/hooks/Acme%20Dev", &edge, Some(&sign(SECRET, &edge)))).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn non_json_is_400() {
    let mut h = harness(default_accounts()).await;
    let body = b"hello, not json";
    let (status, text) = send(&h, post("/hooks/Acme%20Dev", body, Some(&sign(SECRET, body)))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("not JSON"), "{text}");
    let d = next(&mut h).await;
    assert_eq!(d.traffic.verdict, Some(SignatureVerdict::Valid));
    assert!(d.chat_message.is_none());
}

/// `req` as if it came from `peer` (what `Listener::start` attaches to each request).
fn from(peer: &str, mut req: Request<Body>) -> Request<Body> {
    req.extensions_mut().insert(axum::extract::ConnectInfo(peer.parse::<std::net::SocketAddr>().unwrap()));
    req
}

#[tokio::test]
async fn unknown_account_is_404_and_names_the_known_ones_to_a_local_caller() {
    let mut h = harness(default_accounts()).await;
    let (status, body) = send(&h, from("127.0.0.1:50000", post("/hooks/Nobody", TEXT, Some(TEXT_HEADER)))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Nobody") && body.contains("Acme Dev"), "{body}");
    assert_eq!(next(&mut h).await.traffic.status, Some(404));
    let (_, body) = send(&h, from("[::1]:50000", post("/hooks/Nobody", TEXT, Some(TEXT_HEADER)))).await;
    assert!(body.contains("Acme Dev"), "{body}");
    next(&mut h).await;
    let (status, _) = send(&h, Request::get("/hooks/Acme%20Dev").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn unknown_account_names_no_accounts_to_remote_or_tunnelled_callers() {
    let mut h = harness(default_accounts()).await;
    let tunnelled = || {
        let mut req = from("127.0.0.1:50000", post("/hooks/Nobody", TEXT, Some(TEXT_HEADER)));
        req.headers_mut().insert("x-forwarded-for", "203.0.113.9".parse().unwrap());
        req
    };
    for req in [
        from("203.0.113.9:40000", post("/hooks/Nobody", TEXT, Some(TEXT_HEADER))),
        tunnelled(),
        post("/hooks/Nobody", TEXT, Some(TEXT_HEADER)), // peer unknown
    ] {
        let (status, body) = send(&h, req).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(body.contains("no account named"), "{body}");
        for name in ["Acme Dev", "Acme Prod", "Open", "Debug", "listening for"] {
            assert!(!body.contains(name), "{name} leaked: {body}");
        }
        let stored = next(&mut h).await;
        assert!(!stored.traffic.response_body.contains("Acme Dev"), "{}", stored.traffic.response_body);
    }
}

#[tokio::test]
async fn an_account_with_events_off_is_404_in_traffic_and_never_a_chat_message() {
    let off = WebhookAccount { events_off: true, ..account("Acme Dev", Some(SECRET), false) };
    let mut h = harness(vec![off]).await;
    let (status, body) = send(&h, from("127.0.0.1:50000", post("/hooks/Acme%20Dev", TEXT, Some(TEXT_HEADER)))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("switched off") && body.contains("set-events"), "the fix, to a local caller: {body}");
    let d = next(&mut h).await;
    assert_eq!(d.traffic.status, Some(404));
    assert!(d.traffic.explanation.as_deref().unwrap_or_default().contains("switched off"), "{:?}", d.traffic);
    assert!(d.traffic.id.is_some(), "visible in traffic");
    assert!(d.message.is_none() && d.chat_message.is_none(), "nothing for the chats (nor a presence watch)");
    assert_eq!(chat_count(&h, "Acme Dev").await, 0);
    // A caller through a tunnel learns only that events are off, not how to switch them on.
    let (_, body) = send(&h, from("203.0.113.9:40000", post("/hooks/Acme%20Dev", TEXT, Some(TEXT_HEADER)))).await;
    assert!(body.contains("switched off") && !body.contains("set-events"), "{body}");
}

#[tokio::test]
async fn the_wildcard_account_accepts_any_name() {
    let mut h = harness(vec![account("*", Some(SECRET), false)]).await;
    let (status, _) = send(&h, post("/hooks/whatever", TEXT, Some(TEXT_HEADER))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(next(&mut h).await.account, "whatever");
}

#[tokio::test]
async fn healthz() {
    let h = harness(vec![]).await;
    let (status, body) = send(&h, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
}

#[tokio::test]
async fn accounts_can_change_while_running() {
    let mut h = harness(default_accounts()).await;
    let handle = h.state.handle();
    handle.set_accounts(vec![account("Acme Dev", Some("rotated"), false)]);
    let (status, _) = send(&h, post("/hooks/Acme%20Dev", TEXT, Some(TEXT_HEADER))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    next(&mut h).await;
    let (status, _) = send(&h, post("/hooks/Acme%20Dev", TEXT, Some(&sign("rotated", TEXT)))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(&h, post("/hooks/Open", TEXT, None)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "removed accounts are gone");
    assert_eq!(handle.accounts().len(), 1);
}

#[tokio::test]
async fn media_is_served_with_its_content_type_and_survives_a_restart() {
    let h = harness(vec![]).await;
    let source = h._dir.path().join("Photo.PNG");
    std::fs::write(&source, b"\x89PNG fake image").unwrap();
    let id = h.state.handle().media().register(&source).await.unwrap();
    assert_eq!(id.0.len(), 32);
    assert_eq!(
        public_media_url("https://abc.trycloudflare.com/", &id),
        format!("https://abc.trycloudflare.com/media/{id}")
    );

    let res = router(h.state.clone())
        .oneshot(Request::get(format!("/media/{id}")).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert_eq!(res.into_body().collect().await.unwrap().to_bytes().as_ref(), b"\x89PNG fake image");

    for path in ["/media/0123456789abcdef0123456789abcdef", "/media/..%2F..%2Fetc%2Fpasswd", "/media/x"] {
        let (status, _) = send(&h, Request::get(path).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    // Editing the original does not change what is served (it was copied).
    std::fs::write(&source, b"changed").unwrap();

    // A new listener state over the same history still knows the id.
    let (sink, _rx) = tokio::sync::mpsc::unbounded_channel();
    let config = ListenerConfig::new(vec![], h._dir.path().join("media"));
    let restarted = ListenerState::new(config, h.writer.clone(), sink).await.unwrap();
    let res =
        router(restarted).oneshot(Request::get(format!("/media/{id}")).body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.into_body().collect().await.unwrap().to_bytes().as_ref(), b"\x89PNG fake image");
}

#[tokio::test]
async fn a_failed_receipt_marks_our_customer_message_failed() {
    let mut h = harness(default_accounts()).await;
    let customer = genesys_desk::model::ChatMessage {
        id: None,
        account: "Acme Dev".into(),
        customer_id: "test-customer-0001".into(),
        conversation_id: None,
        genesys_id: Some("e4d1a9b2c7f84a0a9f3e2b1c0d9e8f7a".into()),
        sender: genesys_desk::model::Sender::Customer,
        sender_name: None,
        kind: MessageKind::Text,
        text: "Hello".into(),
        attachments: vec![],
        at: time::OffsetDateTime::now_utc(),
        status: genesys_desk::model::DeliveryStatus::Sent,
        raw: None,
    };
    h.writer.call(move |db| db.insert_message(&customer).unwrap()).await.unwrap();
    let receipt: &[u8] = include_bytes!("webhook_samples/outbound-receipt.json");
    let (status, _) = send(&h, post("/hooks/Acme%20Dev", receipt, Some(&sign(SECRET, receipt)))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(next(&mut h).await.chat_message.unwrap().kind, MessageKind::Receipt);
    let ours = h
        .writer
        .call(|db| db.find_customer_message("e4d1a9b2c7f84a0a9f3e2b1c0d9e8f7a").unwrap().unwrap())
        .await
        .unwrap();
    assert_eq!(ours.sender, genesys_desk::model::Sender::Customer);
    match ours.status {
        genesys_desk::model::DeliveryStatus::Failed(reason) => {
            assert!(reason.contains("MediaTypeNotAllowed"), "{reason}")
        }
        other => panic!("expected Failed, got {other:?}"),
    }
}
