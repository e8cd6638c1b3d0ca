//! Scenario scale: 500 simulated customers, 100 at a time, against the
//! emulator on this machine, through the app's engine (listener, history
//! writer, notifications session). Prints how many passed, whether every
//! agent reply the emulator delivered is in the history, the run's time and
//! the process's peak resident memory.
//!
//! `cargo bench --bench scenario_scale`; `SCALE_CUSTOMERS` and `SCALE_CONCURRENCY` change it.
#![expect(clippy::unwrap_used, reason = "a bench fails loudly at the first surprise")]

#[path = "../tests/engine_support/mod.rs"]
mod engine_support;

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use genesys_desk::config::{Environment, defaults};
use genesys_desk::emulator::DeliveryOutcome;
use genesys_desk::engine::{self, Event};
use genesys_desk::scenario::parse::parse;
use genesys_desk::scenario::run::{RunOptions, run};

/// The app's allocator (`src/main.rs`), so memory behaves as in the app.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SCENARIO: &str = r#"
name: scale
customer: { name: "Load {n}", email: "load{n}@example.com", priority: HIGH, attributes: { orderId: "18{n}" } }
steps:
  - say: "My order arrived damaged"
  - expect_agent_joined: { within: 60s }
  - expect_reply: { matches: "(?i)arrived damaged", within: 60s }
  - typing
  - say: "thanks, bye"
  - expect_reply: { contains: "Goodbye", within: 60s }
  - expect_conversation_end: { within: 60s }
"#;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Peak resident memory of this process (`VmHWM`), in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok());
    kib.unwrap_or(0.0) / 1024.0
}

fn main() {
    let (customers, concurrency) = (env_number("SCALE_CUSTOMERS", 500), env_number("SCALE_CONCURRENCY", 100));
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let runtime = genesys_desk::runtime::build().unwrap();
    runtime.block_on(async {
        let setup = engine_support::emulator_and_home().await;
        let mut engine = engine::spawn_headless(&tokio::runtime::Handle::current(), setup.engine_config(false));
        loop {
            if let Some(Event::ListenerStarted { addr, .. }) = engine.next().await {
                setup.deliver_to(addr);
                break;
            }
        }
        let file = parse(Path::new("scale.yaml"), SCENARIO).unwrap();
        let opts = RunOptions {
            env: Environment::Development,
            account: defaults::EMULATOR_ACCOUNT.into(),
            customers,
            concurrency,
            rate_per_minute: None,
            timeout: Duration::from_secs(300),
            run_id: "scale".into(),
        };
        let started = Instant::now();
        let report = run(&mut engine, &file, &opts, |_| {}, std::future::pending()).await;
        let took = started.elapsed();
        engine.shutdown().await;

        let delivered: Vec<String> = setup
            .emulator
            .deliveries()
            .into_iter()
            .filter(|d| d.kind == "Text" && matches!(d.outcome, DeliveryOutcome::Delivered { .. }))
            .map(|d| d.message_id)
            .collect();
        let db = rusqlite::Connection::open(setup.paths.history_db()).unwrap();
        let mut stmt = db.prepare("SELECT genesys_id FROM messages WHERE genesys_id IS NOT NULL").unwrap();
        let stored: HashSet<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        let lost = delivered.iter().filter(|id| !stored.contains(*id)).count();

        println!("scenario scale on {cores} cores: {customers} customers, concurrency {concurrency}");
        println!(
            "passed {} failed {} errors {} in {:.1} s; agent replies delivered {}, lost {lost}; peak RSS {:.0} MiB",
            report.count("pass"),
            report.count("fail"),
            report.count("error"),
            took.as_secs_f64(),
            delivered.len(),
            peak_rss_mib()
        );
        for (name, spread) in report.spreads() {
            if let Some(s) = spread {
                let ms = |d: Duration| d.as_secs_f64() * 1000.0;
                println!(
                    "  {name:<15} n={:<5} p50 {:>7.1} ms  p95 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
                    s.count,
                    ms(s.p50),
                    ms(s.p95),
                    ms(s.p99),
                    ms(s.max)
                );
            }
        }
        if let Some(c) = report.customers.iter().find(|c| c.outcome.label() != "pass") {
            println!("  first not passed: customer {}: {}", c.n, c.outcome.reason());
        }
    });
}
