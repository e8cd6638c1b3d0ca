//! The listener over real loopback sockets: start on port 0, serve, warn on
//! all-interfaces binds, shut down cleanly.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions unwrap: a failure should panic with its cause"
)]

use genesys_desk::config::SecretString;
use genesys_desk::storage::{Db, Writer};
use genesys_desk::webhook::signature::sign;
use genesys_desk::webhook::{Listener, ListenerConfig, WebhookAccount};

const TEXT: &[u8] = include_bytes!("webhook_samples/outbound-text.json");

fn config(dir: &std::path::Path) -> ListenerConfig {
    let account = WebhookAccount {
        name: "Emulator".into(),
        webhook_secret: Some(SecretString::new("s")),
        accept_unsigned: false,
        events_off: false,
        fault: None,
    };
    ListenerConfig::new(vec![account], dir.join("media"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_on_loopback_and_shuts_down() {
    let dir = tempfile::tempdir().unwrap();
    let writer = Writer::spawn(Db::open(&dir.path().join("h.sqlite3")).unwrap()).unwrap();
    let (sink, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let listener =
        Listener::start("127.0.0.1:0".parse().unwrap(), config(dir.path()), writer.clone(), sink).await.unwrap();
    assert_ne!(listener.addr().port(), 0);
    assert_eq!(listener.warning(), None);

    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let base = format!("http://{}", listener.addr());
    assert_eq!(client.get(format!("{base}/healthz")).send().await.unwrap().status(), 200);
    let res = client
        .post(format!("{base}/hooks/emulator"))
        .header("X-HUB-SIGNATURE-256", sign("s", TEXT))
        .body(TEXT.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(rx.recv().await.unwrap().account, "Emulator");

    // Over-limit body announced by Content-Length: 413 without reading it all.
    // Raw TCP, so the answer is read even though the body is never sent.
    assert_eq!(status_for_announced_length(listener.addr(), 2 * 1024 * 1024).await, 413);

    listener.shutdown().await;
    assert!(client.get(format!("{base}/healthz")).send().await.is_err(), "nothing listens after shutdown");
}

#[tokio::test]
async fn all_interfaces_bind_warns() {
    let dir = tempfile::tempdir().unwrap();
    let writer = Writer::spawn(Db::open_in_memory().unwrap()).unwrap();
    let (sink, _rx) = tokio::sync::mpsc::unbounded_channel();
    let listener = Listener::start("0.0.0.0:0".parse().unwrap(), config(dir.path()), writer, sink).await.unwrap();
    assert!(listener.warning().unwrap().contains("every network interface"));
    listener.shutdown().await;
}

#[tokio::test]
async fn a_taken_port_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let writer = Writer::spawn(Db::open_in_memory().unwrap()).unwrap();
    let (sink, _rx) = tokio::sync::mpsc::unbounded_channel();
    let err = Listener::start(taken.local_addr().unwrap(), config(dir.path()), writer, sink).await.unwrap_err();
    assert!(err.to_string().contains("--bind"), "{err}");
}

/// Sends only the head of a POST announcing `length` body bytes and returns
/// the status line's code the listener answers with.
async fn status_for_announced_length(addr: std::net::SocketAddr, length: usize) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /hooks/Emulator HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buf))
            .await
            .expect("the listener answers before the body arrives")
            .unwrap();
        assert!(n > 0, "connection closed without an answer: {:?}", String::from_utf8_lossy(&answer));
        answer.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace().nth(1).and_then(|code| code.parse().ok()).unwrap_or_else(|| panic!("status line: {text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_404_names_accounts_only_to_a_local_caller_without_a_tunnel() {
    let dir = tempfile::tempdir().unwrap();
    let writer = Writer::spawn(Db::open_in_memory().unwrap()).unwrap();
    let (sink, _rx) = tokio::sync::mpsc::unbounded_channel();
    let listener =
        Listener::start("127.0.0.1:0".parse().unwrap(), config(dir.path()), writer.clone(), sink).await.unwrap();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("http://{}/hooks/Nobody", listener.addr());
    let res = client.post(&url).body(TEXT.to_vec()).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let body = res.text().await.unwrap();
    assert!(body.contains("listening for: Emulator"), "the server passes the peer address: {body}");
    // What cloudflared adds when it forwards a public caller to 127.0.0.1.
    let res = client.post(&url).header("CF-Connecting-IP", "203.0.113.9").body(TEXT.to_vec()).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let body = res.text().await.unwrap();
    assert!(!body.contains("Emulator"), "{body}");
    listener.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn valid_deliveries_get_200_while_refused_requests_flood() {
    let dir = tempfile::tempdir().unwrap();
    let writer = Writer::spawn(Db::open(&dir.path().join("h.sqlite3")).unwrap()).unwrap();
    let (sink, _rx) = tokio::sync::mpsc::unbounded_channel();
    let listener =
        Listener::start("127.0.0.1:0".parse().unwrap(), config(dir.path()), writer.clone(), sink).await.unwrap();
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let base = format!("http://{}", listener.addr());
    let stop = tokio_util::sync::CancellationToken::new();
    let started = std::time::Instant::now();
    // 8 senders of 64 KiB badly signed bodies, 200 requests each at most.
    let mut flood = Vec::new();
    for _ in 0..8 {
        let (client, url, stop) = (client.clone(), format!("{base}/hooks/emulator"), stop.clone());
        flood.push(tokio::spawn(async move {
            let mut refused = 0u32;
            for _ in 0..200 {
                if stop.is_cancelled() {
                    break;
                }
                let res = client.post(&url).header("X-Hub-Signature-256", "sha256=bad").body(vec![b'x'; 64 * 1024]);
                if res.send().await.unwrap().status() == 401 {
                    refused += 1;
                }
            }
            refused
        }));
    }
    for i in 0..30 {
        let body = String::from_utf8(TEXT.to_vec()).unwrap().replace("\"id\"", &format!("\"n\": {i}, \"id\""));
        let res = client
            .post(format!("{base}/hooks/emulator"))
            .header("X-Hub-Signature-256", sign("s", body.as_bytes()))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "valid delivery {i} during the flood");
    }
    stop.cancel();
    let mut refused = 0;
    for task in flood {
        refused += task.await.unwrap();
    }
    assert!(refused > 0, "the flood was refused");
    let windows = started.elapsed().as_secs() + 1;
    let filter = genesys_desk::model::traffic::TrafficFilter {
        status: Some(genesys_desk::model::traffic::StatusClass::ClientError),
        ..Default::default()
    };
    let stored = writer.run(move |db| db.count_traffic(&filter)).await.unwrap();
    let per_path = u64::from(genesys_desk::webhook::RejectLimits::default().per_path_per_second);
    assert!(stored <= per_path * windows, "{stored} of {refused} refused requests stored in {windows} s");
    listener.shutdown().await;
}
