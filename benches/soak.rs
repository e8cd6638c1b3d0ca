//! Soak: the GUI's engine (listener, history writer, follow-up receipts to the
//! emulator, and the window's state applying every event as frames would) fed
//! a steady mix of webhook requests for a long time, to show memory and the
//! history stay bounded. Per minute it prints deliveries/s, p99 latency, the
//! process's resident memory (RSS) and the history's size on disk; at the end
//! RSS at start (after the first minute), middle and end.
//!
//! `cargo bench --bench soak` runs 30 minutes; `SOAK_SECS=120` a short run,
//! `SOAK_RATE` requests per second (default 300), `SOAK_CONCURRENCY` (default 16).
//! The mix, per 20 requests: 12 new signed deliveries, 3 retries of an earlier
//! one, 3 with a bad signature, 1 oversized (2 MiB, refused 413), 1 for an unknown account.
#![expect(clippy::unwrap_used, reason = "a bench fails loudly at the first surprise")]

#[path = "../tests/engine_support/mod.rs"]
mod engine_support;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use genesys_desk::app::state::AppState;
use genesys_desk::config::defaults::EMULATOR_WEBHOOK_SECRET;
use genesys_desk::engine::{self, Event};
use genesys_desk::webhook::signature::sign;

/// The app's allocator (`src/main.rs`), so memory behaves as in the app.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TEXT: &str = include_str!("../tests/webhook_samples/outbound-text.json");

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The `seq`-th request of the mix: (path account, body, signature).
fn request(seq: u64) -> (&'static str, Vec<u8>, String) {
    let fresh = |n: u64| {
        let mut value: serde_json::Value = serde_json::from_str(TEXT).unwrap();
        value["id"] = format!("soak-{n:010}").into();
        value["channel"]["messageId"] = value["id"].clone();
        value["channel"]["time"] = format!("2026-11-28T10:00:00.{:03}Z", n % 1000).into();
        value["channel"]["to"]["id"] = format!("soak-customer-{}", n % 20).into();
        value["text"] = format!("soak message {n}").into();
        serde_json::to_vec(&value).unwrap()
    };
    match seq % 20 {
        0..=11 => {
            let body = fresh(seq);
            let sig = sign(EMULATOR_WEBHOOK_SECRET, &body);
            ("Emulator", body, sig)
        }
        // a retry of the delivery sent 20 requests earlier: same body, same signature
        12..=14 => {
            let body = fresh(seq.saturating_sub(20) / 20 * 20 + seq % 12);
            let sig = sign(EMULATOR_WEBHOOK_SECRET, &body);
            ("Emulator", body, sig)
        }
        15..=17 => ("Emulator", fresh(seq), sign("not-the-secret", TEXT.as_bytes())),
        18 => ("Emulator", vec![b' '; 2 * 1024 * 1024], String::new()),
        _ => ("no-such-account", fresh(seq), sign(EMULATOR_WEBHOOK_SECRET, TEXT.as_bytes())),
    }
}

/// Resident memory of this process, in MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok());
    kib.unwrap_or(0.0) / 1024.0
}

/// Bytes of the history database and its log.
fn history_mib(dir: &std::path::Path) -> f64 {
    let bytes: u64 = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("history"))
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    bytes as f64 / 1024.0 / 1024.0
}

/// Counts of one minute.
#[derive(Default)]
struct Minute {
    answered: u64,
    ok: u64,
    latencies_us: Vec<u64>,
}

fn main() {
    let secs = env_number("SOAK_SECS", 1800);
    let rate = env_number("SOAK_RATE", 300).max(1);
    let concurrency = env_number("SOAK_CONCURRENCY", 16).max(1);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let setup = runtime.block_on(engine_support::emulator_and_home());
    let frames = Arc::new(Mutex::new(AppState::default()));
    let (handle, events, task) = engine::spawn(runtime.handle(), setup.engine_config(false), Arc::new(|| {}));
    // The window's side: apply every event, 60 times a second.
    let state = frames.clone();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(16));
            let mut state = state.lock().unwrap();
            for event in events.try_iter() {
                if let Event::ListenerStarted { addr, .. } = &event {
                    let _ = addr_tx.send(*addr);
                }
                state.apply(event);
            }
        }
    });
    let addr = addr_rx.recv_timeout(Duration::from_secs(30)).unwrap();
    setup.deliver_to(addr);
    let history_dir = setup.paths.data_dir.clone();
    println!(
        "soak: {secs} s at {rate} requests/s, {concurrency} connections, {} cores; RSS before load {:.0} MiB",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        rss_mib()
    );
    let rss = runtime.block_on(run(addr, secs, rate, concurrency, &history_dir));
    let n = rss.len();
    if n > 0 {
        println!(
            "RSS start (minute 1) {:.0} MiB, middle (minute {}) {:.0} MiB, end (minute {n}) {:.0} MiB",
            rss[0],
            n / 2 + 1,
            rss[n / 2],
            rss[n - 1]
        );
    }
    drop(handle);
    runtime.block_on(async {
        let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
    });
}

/// Sends the mix until `secs` pass; prints a line per minute; returns RSS per minute.
async fn run(addr: std::net::SocketAddr, secs: u64, rate: u64, concurrency: u64, dir: &std::path::Path) -> Vec<f64> {
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let minute = Arc::new(Mutex::new(Minute::default()));
    let gate = Arc::new(tokio::sync::Semaphore::new(usize::try_from(concurrency).unwrap()));
    let started = Instant::now();
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut next_report = Duration::from_secs(60);
    let mut rss = Vec::new();
    let mut seq = 0u64;
    while started.elapsed() < Duration::from_secs(secs) {
        ticker.tick().await;
        if started.elapsed() >= next_report {
            rss.push(report(&minute, rss.len() + 1, dir));
            next_report += Duration::from_secs(60);
        }
        let permit = gate.clone().acquire_owned().await.unwrap();
        let (account, body, sig) = request(seq);
        seq += 1;
        let (client, minute) = (client.clone(), minute.clone());
        tokio::spawn(async move {
            let sent = Instant::now();
            let answer = client
                .post(format!("http://{addr}/hooks/{account}"))
                .header("Content-Type", "application/json")
                .header("X-Hub-Signature-256", sig)
                .body(body)
                .send()
                .await;
            let mut m = minute.lock().unwrap();
            m.answered += 1;
            m.ok += u64::from(answer.is_ok_and(|a| a.status().is_success()));
            m.latencies_us.push(u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX));
            drop(permit);
        });
    }
    if rss.is_empty() || started.elapsed() > next_report - Duration::from_secs(60) + Duration::from_secs(5) {
        rss.push(report(&minute, rss.len() + 1, dir));
    }
    rss
}

/// Prints the minute's line and starts the next; returns the RSS.
fn report(minute: &Mutex<Minute>, n: usize, dir: &std::path::Path) -> f64 {
    let m = std::mem::take(&mut *minute.lock().unwrap());
    let mut lat = m.latencies_us;
    lat.sort_unstable();
    let p99 = lat.get(lat.len().saturating_sub(1) * 99 / 100).copied().unwrap_or(0) as f64 / 1000.0;
    let rss = rss_mib();
    println!(
        "minute {n:>3}: {:>6.0} requests/s ({:.0} answered 2xx/s), p99 {p99:.1} ms, RSS {rss:.0} MiB, history {:.0} MiB",
        m.answered as f64 / 60.0,
        m.ok as f64 / 60.0,
        history_mib(dir)
    );
    rss
}
