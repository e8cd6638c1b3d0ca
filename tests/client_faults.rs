//! The client's fault handling against injected emulator faults: 429 after
//! Retry-After, one token refresh on 401, backoff on 5xx, request timeout.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap: a failure should panic with its cause"
)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use genesys_desk::genesys::{Client, ClientOptions, Error};
use genesys_desk::model::traffic::{TrafficEntry, TrafficSink};
use support::*;

fn recording() -> (TrafficSink, Arc<Mutex<Vec<TrafficEntry>>>) {
    let log = Arc::new(Mutex::new(Vec::new()));
    let sink_log = log.clone();
    (Arc::new(move |e| sink_log.lock().unwrap().push(e)), log)
}

fn integration_gets(emu: &genesys_desk::emulator::RunningEmulator) -> Vec<u16> {
    emu.requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/integrations/open/"))
        .map(|r| r.status)
        .collect()
}

#[tokio::test]
async fn rate_limit_waits_retry_after_then_succeeds() {
    let emu = start_emulator(fast_config()).await;
    let client = Client::new(&account_for(&emu.url()), fast_options(), None).unwrap();
    client.token().await.unwrap();
    emu.faults().rate_limit(1, 1);
    let started = Instant::now();
    let integration = client.integration().await.expect("succeeds after the retry");
    let waited = started.elapsed();
    assert_eq!(integration.name, "Emulator Open Messaging");
    assert!(waited >= Duration::from_secs(1), "waited only {waited:?}, Retry-After was 1 s");
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");
    assert_eq!(integration_gets(&emu), vec![429, 200]);
}

#[tokio::test]
async fn rate_limit_gives_up_after_max_retries() {
    let emu = start_emulator(fast_config()).await;
    let options = ClientOptions { max_retries: 2, ..fast_options() };
    let client = Client::new(&account_for(&emu.url()), options, None).unwrap();
    client.token().await.unwrap();
    emu.faults().rate_limit(10, 0);
    let err = client.integration().await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.code(), Some("too.many.requests.retry.after"));
    assert!(err.correlation_id().is_some(), "keeps ININ-Correlation-ID");
    assert_eq!(integration_gets(&emu), vec![429, 429, 429], "1 try + 2 retries");
}

#[tokio::test]
async fn expired_token_is_refreshed_once_then_success() {
    let emu = start_emulator(fast_config()).await;
    let (sink, log) = recording();
    let client = Client::new(&account_for(&emu.url()), fast_options(), Some(sink)).unwrap();
    client.integration().await.unwrap();
    emu.faults().expire_token_once();
    client.integration().await.expect("refreshes the token and retries");
    let tokens = emu.requests().iter().filter(|r| r.path == "/oauth/token").count();
    assert_eq!(tokens, 2, "one initial token, one refresh");
    assert_eq!(integration_gets(&emu), vec![200, 401, 200]);
    let statuses: Vec<_> = log.lock().unwrap().iter().map(|e| e.status).collect();
    assert_eq!(statuses, vec![Some(200), Some(200), Some(401), Some(200), Some(200)]);
}

#[tokio::test]
async fn unavailable_503_backs_off_and_retries() {
    let emu = start_emulator(fast_config()).await;
    let client = Client::new(&account_for(&emu.url()), fast_options(), None).unwrap();
    client.token().await.unwrap();
    emu.faults().server_error_with(2, 503);
    let started = Instant::now();
    client.integration().await.expect("succeeds on the third try");
    // backoff_base 20 ms, then x3: at least 20 + 60 ms.
    assert!(started.elapsed() >= Duration::from_millis(80), "{:?}", started.elapsed());
    assert_eq!(integration_gets(&emu), vec![503, 503, 200]);
}

#[tokio::test]
async fn server_errors_500_are_not_retried_but_kept() {
    let emu = start_emulator(fast_config()).await;
    let client = Client::new(&account_for(&emu.url()), fast_options(), None).unwrap();
    client.token().await.unwrap();
    emu.faults().server_error(1);
    let err = client.integration().await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert!(err.user_message().contains("server error"), "{}", err.user_message());
    assert!(err.user_message().contains("correlation id"), "{}", err.user_message());
    assert_eq!(integration_gets(&emu), vec![500]);
}

#[tokio::test]
async fn slow_server_hits_the_request_timeout_with_a_clear_message() {
    let emu = start_emulator(fast_config()).await;
    emu.faults().set_delay(Some(Duration::from_millis(1500)));
    let options = ClientOptions { request_timeout: Duration::from_millis(300), ..fast_options() };
    let client = Client::new(&account_for(&emu.url()), options, None).unwrap();
    let started = Instant::now();
    let err = client.token().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(1400), "gave up at the timeout");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    let msg = err.user_message();
    assert!(msg.contains("did not answer within 0.3 s"), "{msg}");
    assert!(msg.contains("Host URL"), "{msg}");
    assert_eq!(err.field(), Some(genesys_desk::config::Field::Host));
}

#[tokio::test]
async fn connection_refused_names_the_host() {
    let dead = dead_port().await;
    let port = dead.port;
    let client = Client::new(&account_for(&format!("http://127.0.0.1:{port}")), fast_options(), None).unwrap();
    let err = client.token().await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(err.user_message().contains("Host URL"), "{}", err.user_message());
}

#[tokio::test]
async fn the_token_is_cached_until_shortly_before_it_expires() {
    let emu = start_emulator(genesys_desk::emulator::EmulatorConfig {
        token_lifetime: Duration::from_secs(1),
        ..fast_config()
    })
    .await;
    let client = Client::new(&account_for(&emu.url()), fast_options(), None).unwrap();
    let token_calls = || emu.requests().iter().filter(|r| r.path == "/oauth/token").count();
    assert_eq!(client.token().await.unwrap().expires_in_secs, Some(1));
    client.integration().await.unwrap();
    client.integration().await.unwrap();
    assert_eq!(token_calls(), 1, "cached");
    // Refreshed 10% before expiry: after 0.95 s the cached token is stale.
    tokio::time::sleep(Duration::from_millis(950)).await;
    client.integration().await.unwrap();
    assert_eq!(token_calls(), 2, "refreshed before it expired");
    assert_eq!(integration_gets(&emu), vec![200, 200, 200], "never sent an expired token");
}
