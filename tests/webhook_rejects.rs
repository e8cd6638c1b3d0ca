//! Refused requests cannot fill the disk: each is stored cut short, only a few
//! per second are stored at all, and the 404 echoes a cut name.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap: a failure should panic with its cause"
)]

use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use genesys_desk::config::SecretString;
use genesys_desk::model::TrafficEntry;
use genesys_desk::model::traffic::TrafficFilter;
use genesys_desk::storage::{Db, TrafficQuery, Writer, WriterHandle};
use genesys_desk::webhook::signature::sign;
use genesys_desk::webhook::{ListenerConfig, ListenerState, RejectLimits, WebhookAccount, router};
use http_body_util::BodyExt;
use tower::ServiceExt;

const SECRET: &str = "reject-secret";
const TEXT: &[u8] = include_bytes!("webhook_samples/outbound-text.json");

struct Harness {
    state: ListenerState,
    writer: WriterHandle,
    _dir: tempfile::TempDir,
}

async fn harness() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let writer = Writer::spawn(Db::open_in_memory().unwrap()).unwrap();
    let (sink, _) = tokio::sync::mpsc::unbounded_channel();
    let account = WebhookAccount {
        name: "Acme".into(),
        webhook_secret: Some(SecretString::new(SECRET)),
        accept_unsigned: false,
        events_off: false,
        fault: None,
    };
    let config = ListenerConfig::new(vec![account], dir.path().join("media"));
    let state = ListenerState::new(config, writer.clone(), sink).await.unwrap();
    Harness { state, writer, _dir: dir }
}

async fn send(h: &Harness, path: &str, body: Vec<u8>, signature: &str) -> (StatusCode, String) {
    let req = Request::post(path).header("x-hub-signature-256", signature).body(Body::from(body)).unwrap();
    let res = router(h.state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

async fn stored(h: &Harness) -> Vec<TrafficEntry> {
    h.writer.call(|db| db.list_traffic(&TrafficQuery::first(TrafficFilter::default(), 100_000)).unwrap()).await.unwrap()
}

#[tokio::test]
async fn a_1_mib_badly_signed_body_is_stored_cut_to_the_limit() {
    let h = harness().await;
    let body = vec![b'x'; 1024 * 1024];
    let (status, _) = send(&h, "/hooks/Acme", body, "sha256=AAAA").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let rows = stored(&h).await;
    assert_eq!(rows.len(), 1);
    let limit = RejectLimits::default().body_bytes;
    let kept = &rows[0].request_body;
    assert!(kept.starts_with(&"x".repeat(limit)), "the first {limit} bytes are kept");
    assert!(kept.len() < limit + 100, "stored {} bytes", kept.len());
    assert!(kept.contains("truncated") && kept.contains(&(1024 * 1024).to_string()), "marker: {}", &kept[limit..]);
}

#[tokio::test]
async fn a_long_unknown_path_is_cut_in_storage_and_in_the_404() {
    let h = harness().await;
    let name = "n".repeat(64_000); // near the longest URI `http` accepts (65,534 bytes)
    let (status, answer) = send(&h, &format!("/hooks/{name}"), TEXT.to_vec(), &sign(SECRET, TEXT)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(answer.len() < 1024, "404 body is {} bytes", answer.len());
    assert!(answer.contains("bytes]"), "cut with a marker: {answer}");
    let rows = stored(&h).await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert!(row.account.len() < 256 && row.account.contains("bytes]"), "account {} bytes", row.account.len());
    assert!(row.url.len() < 1024, "url {} bytes", row.url.len());
    assert!(row.response_body.len() < 1024, "stored answer {} bytes", row.response_body.len());
}

#[tokio::test]
async fn rejects_beyond_the_rate_keep_the_row_count_bounded() {
    let h = harness().await;
    let limits = RejectLimits::default();
    let started = Instant::now();
    for i in 0..300 {
        let (status, _) = send(&h, "/hooks/Acme", TEXT.to_vec(), "sha256=wrong").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "request {i} is still answered");
    }
    for i in 0..300 {
        let (status, _) = send(&h, &format!("/hooks/nobody-{i}"), TEXT.to_vec(), "sha256=wrong").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let windows = u32::try_from(started.elapsed().as_secs()).unwrap() + 1;
    let rows = stored(&h).await.len();
    let bound = (limits.per_path_per_second + limits.total_per_second) * windows;
    assert!(rows <= bound as usize, "{rows} rows stored for 600 rejects in {windows} s (bound {bound})");
    assert!(rows >= 1, "some are stored");
    // A valid delivery is never sampled away.
    let (status, _) = send(&h, "/hooks/Acme", TEXT.to_vec(), &sign(SECRET, TEXT)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stored(&h).await.len(), rows + 1);
}
