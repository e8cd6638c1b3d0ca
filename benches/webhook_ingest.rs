//! Webhook ingest on loopback: requests/s and p50/p99 latency for signed 1 KB
//! deliveries at concurrency 1, 16 and 64, through the real listener (signature
//! check, parsing, SQLite persistence with group commit on a temp file), next to
//! a bare axum handler that answers 200 without verifying or storing, measured
//! in the same run with the same client.
//!
//! `cargo bench --bench webhook_ingest` (bounded request counts: well under a minute).
#![expect(clippy::unwrap_used, reason = "a test fails loudly at the first surprise")]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use genesys_desk::config::SecretString;
use genesys_desk::storage::{Db, Writer};
use genesys_desk::webhook::signature::sign;
use genesys_desk::webhook::{Listener, ListenerConfig, WebhookAccount};

const SECRET: &str = "bench-webhook-secret";
const LEVELS: [(usize, usize); 3] = [(1, 2_000), (16, 6_000), (64, 8_000)];
const WARMUP: usize = 300;

/// A ~1 KB outbound text delivery with a unique id (so none is a duplicate).
fn delivery(seq: usize) -> Vec<u8> {
    let head = format!(
        r#"{{"id":"bench-{seq:08}","channel":{{"id":"73cb7fb7-c2db-4996-88f3-0a83a4fea1da","messageId":"bench-{seq:08}","platform":"Open","type":"Private","to":{{"id":"customer-{}","idType":"Opaque"}},"from":{{"nickname":"TEST-OPEN-MESSAGING","id":"73cb7fb7-c2db-4996-88f3-0a83a4fea1da","idType":"Opaque"}},"time":"2025-01-15T10:01:00.123Z"}},"conversationId":"d06cb41e-f938-4dcf-b823-c8af1a39d7e5","direction":"Outbound","originatingEntity":"Human","type":"Text","text":""#,
        seq % 50
    );
    let tail = r#"","content":[]}"#;
    let filler = "Agent reply text. ".repeat(64);
    let text_len = 1024usize.saturating_sub(head.len() + tail.len());
    let mut body = head.into_bytes();
    body.extend_from_slice(&filler.as_bytes()[..text_len]);
    body.extend_from_slice(tail.as_bytes());
    body
}

struct Figures {
    requests: usize,
    per_sec: f64,
    p50_ms: f64,
    p99_ms: f64,
}

async fn load(client: &reqwest::Client, url: &str, concurrency: usize, first_seq: usize, count: usize) -> Figures {
    // Bodies and signatures are prepared before the clock starts.
    let prepared: Arc<Vec<(Vec<u8>, String)>> = Arc::new(
        (first_seq..first_seq + count)
            .map(|seq| {
                let body = delivery(seq);
                let sig = sign(SECRET, &body);
                (body, sig)
            })
            .collect(),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (client, url, prepared, next) = (client.clone(), url.to_string(), prepared.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((body, sig)) = prepared.get(i) else { break };
                let t = Instant::now();
                let res = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("X-Hub-Signature-256", sig)
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(res.status(), 200, "every benchmark delivery must be accepted");
                let _ = res.bytes().await;
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut all: Vec<Duration> = Vec::with_capacity(count);
    for w in workers {
        all.extend(w.await.unwrap());
    }
    let elapsed = started.elapsed();
    all.sort_unstable();
    let pct = |p: f64| all[((all.len() as f64 * p).ceil() as usize).saturating_sub(1).min(all.len() - 1)];
    Figures {
        requests: all.len(),
        per_sec: all.len() as f64 / elapsed.as_secs_f64(),
        p50_ms: pct(0.50).as_secs_f64() * 1e3,
        p99_ms: pct(0.99).as_secs_f64() * 1e3,
    }
}

async fn start_bare() -> SocketAddr {
    let app = Router::new().route("/hooks/{account}", post(|| async { StatusCode::OK }));
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = tcp.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(tcp, app).await });
    addr
}

fn main() {
    let rt = genesys_desk::runtime::build().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join("bench.sqlite3");
        let writer = Writer::spawn(Db::open(&db_path).unwrap()).unwrap();
        let (sink, mut deliveries) = tokio::sync::mpsc::unbounded_channel();
        // Drain deliveries like the engine would.
        tokio::spawn(async move { while deliveries.recv().await.is_some() {} });
        let account = WebhookAccount {
            name: "Bench".into(),
            webhook_secret: Some(SecretString::new(SECRET)),
            accept_unsigned: false,
            events_off: false,
            fault: None,
        };
        let config = ListenerConfig::new(vec![account], dir.path().join("media"));
        let listener = Listener::start("127.0.0.1:0".parse().unwrap(), config, writer.clone(), sink).await.unwrap();
        let bare = start_bare().await;

        let client = reqwest::Client::builder().no_proxy().pool_max_idle_per_host(128).build().unwrap();
        let listener_url = format!("http://{}/hooks/Bench", listener.addr());
        let bare_url = format!("http://{bare}/hooks/Bench");

        let mut seq = 0usize;
        load(&client, &bare_url, 8, seq, WARMUP).await;
        load(&client, &listener_url, 8, seq, WARMUP).await;
        seq += WARMUP;

        println!("webhook ingest on loopback, signed {} B deliveries ({} cores)", delivery(0).len(), cores());
        println!("{:<34} {:>5} {:>9} {:>10} {:>9} {:>9}", "server", "conc", "requests", "req/s", "p50 ms", "p99 ms");
        let mut rows = Vec::new();
        for (concurrency, count) in LEVELS {
            let b = load(&client, &bare_url, concurrency, seq, count).await;
            seq += count;
            let l = load(&client, &listener_url, concurrency, seq, count).await;
            seq += count;
            for (name, f) in [("bare axum (200, no verify/store)", &b), ("genesys-desk listener + SQLite", &l)] {
                println!(
                    "{:<34} {:>5} {:>9} {:>10.0} {:>9.2} {:>9.2}",
                    name, concurrency, f.requests, f.per_sec, f.p50_ms, f.p99_ms
                );
                rows.push((name, concurrency, f.per_sec, f.p50_ms, f.p99_ms));
            }
        }
        println!();
        println!("| server | concurrency | req/s | p50 ms | p99 ms |");
        println!("|---|---:|---:|---:|---:|");
        for (name, c, rps, p50, p99) in rows {
            println!("| {name} | {c} | {rps:.0} | {p50:.2} | {p99:.2} |");
        }

        // Every acknowledged delivery is in the file.
        listener.shutdown().await;
        let stored = writer
            .call(|db| db.count_traffic(&genesys_desk::model::traffic::TrafficFilter::default()).unwrap())
            .await
            .unwrap();
        println!();
        println!("stored traffic rows: {stored} (warm-up included)");
    });
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}
