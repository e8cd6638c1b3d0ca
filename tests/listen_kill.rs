//! The kill test: a `genesys-desk listen` child ingesting a burst is killed with
//! SIGKILL mid-burst; every delivery that got a 200 must be in the history.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use genesys_desk::config::Paths;
use genesys_desk::model::traffic::TrafficFilter;
use genesys_desk::storage::Db;
use genesys_desk::webhook::signature::sign;

const SECRET: &str = "kill-test-secret";
const TOTAL: usize = 1500;
const KILL_AFTER: usize = 150;
const CONCURRENCY: usize = 32;

fn body(i: usize) -> String {
    format!(
        r#"{{"id":"kill-{i:05}","channel":{{"id":"integ","platform":"Open","type":"Private","to":{{"id":"cust-{}"}},"from":{{"nickname":"Bot","id":"integ"}},"time":"2025-01-15T10:00:00.000Z"}},"type":"Text","text":"burst message {i}","direction":"Outbound"}}"#,
        i % 7
    )
}

/// One sender of the burst: posts the next delivery number until all are
/// taken, and returns those answered 200. The one that completes `KILL_AFTER`
/// acknowledgements wakes the killer.
async fn post_until_done(
    client: reqwest::Client,
    base: String,
    next: Arc<AtomicUsize>,
    ok_count: Arc<AtomicUsize>,
    killed: Arc<tokio::sync::Notify>,
) -> Vec<usize> {
    let mut mine = Vec::new();
    loop {
        let i = next.fetch_add(1, Ordering::SeqCst);
        if i >= TOTAL {
            break;
        }
        let body = body(i);
        let sent = client
            .post(format!("{base}/hooks/Kill%20Test"))
            .header("X-Hub-Signature-256", sign(SECRET, body.as_bytes()))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await;
        match sent {
            Ok(res) if res.status() == 200 => {
                mine.push(i);
                if ok_count.fetch_add(1, Ordering::SeqCst) + 1 == KILL_AFTER {
                    killed.notify_one();
                }
            }
            Ok(res) => panic!("unexpected status {} for delivery {i}", res.status()),
            // After the kill: connection refused/reset. Not acknowledged, so not promised.
            Err(_) => {}
        }
    }
    mine
}

#[test]
fn every_acknowledged_delivery_survives_sigkill() {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_genesys-desk"))
        .arg("--home")
        .arg(home.path())
        .args(["listen", "--bind", "127.0.0.1:0", "--secret-env", "GD_KILL_TEST_SECRET"])
        .env("GD_KILL_TEST_SECRET", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let base =
        first.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("first line: {first:?}")).to_string();
    // Keep draining stdout so the child never blocks on a full pipe.
    let drain = std::thread::spawn(move || {
        let mut lines = 0usize;
        for line in stdout.lines() {
            if line.is_err() {
                break;
            }
            lines += 1;
        }
        lines
    });

    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let acked: Vec<usize> = rt.block_on(async {
        let client = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(10)).build().unwrap();
        let ok_count = Arc::new(AtomicUsize::new(0));
        let killed = Arc::new(tokio::sync::Notify::new());
        let next = Arc::new(AtomicUsize::new(0));
        let mut workers = Vec::new();
        for _ in 0..CONCURRENCY {
            let (client, ok_count, killed, next, base) =
                (client.clone(), ok_count.clone(), killed.clone(), next.clone(), base.clone());
            workers.push(tokio::spawn(post_until_done(client, base, next, ok_count, killed)));
        }
        killed.notified().await;
        child.kill().unwrap(); // SIGKILL on Unix: no chance to flush anything
        let mut acked = Vec::new();
        for w in workers {
            acked.extend(w.await.unwrap());
        }
        acked
    });
    child.wait().unwrap();
    drain.join().unwrap();

    eprintln!("acknowledged {} of {TOTAL} before SIGKILL", acked.len());
    assert!(acked.len() >= KILL_AFTER, "only {} deliveries acknowledged", acked.len());
    assert!(acked.len() < TOTAL, "the kill should land mid-burst ({} of {TOTAL} acknowledged)", acked.len());

    let db = Db::open(&Paths::under(home.path()).history_db()).unwrap();
    let stored: std::collections::HashSet<String> = db
        .list_threads(None)
        .unwrap()
        .iter()
        .flat_map(|t| db.list_messages(&t.account, &t.customer_id).unwrap())
        .filter_map(|m| m.genesys_id)
        .collect();
    let missing: Vec<usize> = acked.iter().copied().filter(|i| !stored.contains(&format!("kill-{i:05}"))).collect();
    assert!(missing.is_empty(), "acknowledged but lost after SIGKILL: {missing:?}");
    let traffic = db.count_traffic(&TrafficFilter::default()).unwrap() as usize;
    assert!(traffic >= acked.len(), "{traffic} traffic rows for {} acknowledged deliveries", acked.len());
}
