//! The listener's socket limits over loopback: idle, header and body timeouts,
//! the connection cap, and the shutdown deadline. Each test sets short limits.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap: a failure should panic with its cause"
)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use genesys_desk::config::SecretString;
use genesys_desk::storage::{Db, Writer};
use genesys_desk::webhook::signature::sign;
use genesys_desk::webhook::{Listener, ListenerConfig, ListenerLimits, RunningListener, WebhookAccount};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TEXT: &[u8] = include_bytes!("webhook_samples/outbound-text.json");
const LONG: Duration = Duration::from_secs(60);
const SHORT: Duration = Duration::from_millis(300);
/// How long a test waits for something that should happen after a SHORT limit.
const PATIENCE: Duration = Duration::from_secs(5);

fn long_limits() -> ListenerLimits {
    ListenerLimits {
        header_read_timeout: LONG,
        body_read_timeout: LONG,
        idle_timeout: LONG,
        max_connections: None,
        shutdown_grace: LONG,
    }
}

async fn start(limits: ListenerLimits) -> (RunningListener, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let account = WebhookAccount {
        name: "Emulator".into(),
        webhook_secret: Some(SecretString::new("s")),
        accept_unsigned: false,
        events_off: false,
        fault: None,
    };
    let mut config = ListenerConfig::new(vec![account], dir.path().join("media"));
    config.limits = limits;
    let writer = Writer::spawn(Db::open_in_memory().unwrap()).unwrap();
    let (sink, mut rx) = tokio::sync::mpsc::unbounded_channel();
    // Keep the sink's receiver alive and drained.
    tokio::spawn(async move { while rx.recv().await.is_some() {} });
    let listener = Listener::start("127.0.0.1:0".parse().unwrap(), config, writer, sink).await.unwrap();
    (listener, dir)
}

/// Reads until the peer closes (or the connection fails); `None` if it is still open after `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
    let mut seen = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    };
    tokio::time::timeout(within, read).await.ok().map(|()| seen)
}

/// Reads one `Content-Length` response and returns its status code, leaving the connection open.
async fn one_response(stream: &mut TcpStream) -> u16 {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).await.unwrap();
        assert_ne!(n, 0, "closed before a whole response: {:?}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&seen).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_string()))
                .map_or(0, |v| v.parse::<usize>().unwrap());
            if seen.len() >= end + 4 + length {
                return text[9..12].parse().unwrap();
            }
        }
    }
}

const HEALTHZ: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n";

async fn healthy_connection(addr: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(HEALTHZ).await.unwrap();
    assert_eq!(one_response(&mut stream).await, 200);
    stream
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_the_idle_timeout() {
    let (listener, _dir) = start(ListenerLimits { idle_timeout: SHORT, ..long_limits() }).await;
    // A kept-alive connection that answered once, then says nothing.
    let mut stream = healthy_connection(listener.addr()).await;
    let started = Instant::now();
    assert!(closed_within(&mut stream, PATIENCE).await.is_some(), "an idle connection stays open");
    assert!(started.elapsed() >= SHORT / 2, "closed before the idle timeout: {:?}", started.elapsed());
    listener.shutdown().await;
}

#[tokio::test]
async fn a_half_sent_request_is_dropped_after_the_header_timeout() {
    let (listener, _dir) = start(ListenerLimits { header_read_timeout: SHORT, ..long_limits() }).await;
    let mut stream = TcpStream::connect(listener.addr()).await.unwrap();
    stream.write_all(b"POST /hooks/emulator HTTP/1.1\r\nHost: test\r\n").await.unwrap();
    let answer = closed_within(&mut stream, PATIENCE).await;
    let answer = answer.expect("a request whose headers never end is held open");
    assert!(!String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 200"), "{answer:?}");
    listener.shutdown().await;
}

#[tokio::test]
async fn a_stalled_body_is_dropped_after_the_body_timeout() {
    let (listener, _dir) = start(ListenerLimits { body_read_timeout: SHORT, ..long_limits() }).await;
    let mut stream = TcpStream::connect(listener.addr()).await.unwrap();
    stream.write_all(&stalled_post()).await.unwrap();
    let answer = closed_within(&mut stream, PATIENCE).await.expect("a stalled body is held open");
    let answer = String::from_utf8_lossy(&answer);
    assert!(!answer.starts_with("HTTP/1.1 200"), "a partial body was accepted: {answer}");
    listener.shutdown().await;
}

#[tokio::test]
async fn past_the_connection_cap_new_connections_wait_until_others_close() {
    let (listener, _dir) = start(ListenerLimits { max_connections: Some(2), ..long_limits() }).await;
    let addr = listener.addr();
    let first = healthy_connection(addr).await;
    let second = healthy_connection(addr).await;

    // The kernel completes the handshake, but the listener does not serve it yet.
    let mut third = TcpStream::connect(addr).await.unwrap();
    third.write_all(HEALTHZ).await.unwrap();
    let early = tokio::time::timeout(Duration::from_millis(500), one_response(&mut third)).await;
    assert!(early.is_err(), "a connection past the cap was served: {early:?}");

    drop(first);
    drop(second);
    let status = tokio::time::timeout(PATIENCE, one_response(&mut third)).await;
    assert_eq!(status.expect("the waiting connection is served once others close"), 200);

    // A real delivery still works.
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let res = client
        .post(format!("http://{addr}/hooks/emulator"))
        .header("X-HUB-SIGNATURE-256", sign("s", TEXT))
        .body(TEXT.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    listener.shutdown().await;
}

#[tokio::test]
async fn shutdown_with_a_half_sent_request_returns_within_the_deadline() {
    let (listener, _dir) = start(ListenerLimits { shutdown_grace: SHORT, ..long_limits() }).await;
    // A request whose headers arrived and whose body stops half way: the
    // listener cannot finish it, so graceful shutdown alone would wait forever.
    let mut stream = TcpStream::connect(listener.addr()).await.unwrap();
    stream.write_all(&stalled_post()).await.unwrap();
    // No event tells when the listener has read those bytes: give it a moment.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    let stopped = tokio::time::timeout(PATIENCE, listener.shutdown()).await;
    assert!(stopped.is_ok(), "shutdown waits for a request that never ends");
    assert!(started.elapsed() >= SHORT / 2, "the grace period was skipped: {:?}", started.elapsed());
    assert!(closed_within(&mut stream, PATIENCE).await.is_some(), "the connection outlives the listener");
}

/// The head of a signed delivery and its first 10 body bytes.
fn stalled_post() -> Vec<u8> {
    let head = format!(
        "POST /hooks/emulator HTTP/1.1\r\nHost: test\r\nX-Hub-Signature-256: {}\r\nContent-Length: {}\r\n\r\n",
        sign("s", TEXT),
        TEXT.len()
    );
    [head.as_bytes(), &TEXT[..10]].concat()
}

#[tokio::test]
async fn huge_limits_mean_no_limit() {
    let huge = ListenerLimits {
        header_read_timeout: Duration::MAX,
        body_read_timeout: Duration::MAX,
        idle_timeout: Duration::MAX,
        max_connections: Some(usize::MAX),
        shutdown_grace: Duration::MAX,
    };
    let (listener, _dir) = start(huge).await;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let res = client
        .post(format!("http://{}/hooks/emulator", listener.addr()))
        .header("X-HUB-SIGNATURE-256", sign("s", TEXT))
        .body(TEXT.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    listener.shutdown().await;
}
