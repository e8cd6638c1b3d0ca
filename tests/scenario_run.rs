//! Scenarios end to end over loopback HTTP: the app's engine (listener,
//! notifications session) runs simulated customers against the emulator.
#![expect(clippy::unwrap_used, reason = "a test fails loudly at the first surprise")]

mod engine_support;

use std::path::Path;
use std::time::Duration;

use genesys_desk::config::{Environment, defaults};
use genesys_desk::engine::{self, Event, HeadlessEngine};
use genesys_desk::scenario::parse::parse;
use genesys_desk::scenario::report::RunReport;
use genesys_desk::scenario::run::{RunOptions, run};

const THREE_STEPS: &str = r#"
name: three steps
customer: { name: "Load {n}", email: "load{n}@example.com", priority: HIGH }
steps:
  - say: "My order {n} arrived damaged"
  - expect_agent_joined: { within: 5s }
  - expect_reply: { matches: "(?i)order \\d+ arrived", within: 5s }
"#;

async fn engine_on(setup: &engine_support::Setup) -> HeadlessEngine {
    let mut engine = engine::spawn_headless(&tokio::runtime::Handle::current(), setup.engine_config(true));
    loop {
        if let Some(Event::ListenerStarted { addr, .. }) = engine.next().await {
            setup.deliver_to(addr);
            return engine;
        }
    }
}

async fn run_scenario(setup: &engine_support::Setup, text: &str, customers: usize) -> RunReport {
    let file = parse(Path::new("test.yaml"), text).unwrap();
    let mut engine = engine_on(setup).await;
    let opts = RunOptions {
        env: Environment::Development,
        account: defaults::EMULATOR_ACCOUNT.into(),
        customers,
        concurrency: customers,
        rate_per_minute: None,
        timeout: Duration::from_secs(20),
        run_id: "t1".into(),
    };
    let report = run(&mut engine, &file, &opts, |_| {}, std::future::pending()).await;
    engine.shutdown().await;
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_customers_pass_three_steps() {
    let setup = engine_support::emulator_and_home().await;
    let report = run_scenario(&setup, THREE_STEPS, 5).await;
    let reasons: Vec<String> = report.customers.iter().map(|c| c.outcome.reason()).collect();
    assert!(report.all_passed(), "{reasons:?}");
    assert_eq!(report.customers.len(), 5);
    let ids: std::collections::BTreeSet<&str> = report.customers.iter().map(|c| c.customer_id.as_str()).collect();
    assert_eq!(ids.len(), 5, "each customer has its own id");
    let spreads = report.spreads();
    assert_eq!(spreads[0].1.map(|s| s.count), Some(5), "time to agent joined for each customer");
    assert_eq!(spreads[1].1.map(|s| s.count), Some(5), "time to first reply for each customer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_that_never_answers_fails_at_expect_reply() {
    let setup = engine_support::emulator_and_home().await;
    setup.emulator.update_config(|c| c.script.answers = false);
    let text = THREE_STEPS.replace("  - expect_agent_joined: { within: 5s }\n", "").replace("within: 5s", "within: 1s");
    let report = run_scenario(&setup, &text, 2).await;
    assert_eq!(report.count("fail"), 2);
    let reason = report.customers[0].outcome.reason();
    assert!(
        reason.starts_with("step 2 (expect_reply): expected an agent reply matching /(?i)order \\d+ arrived/ within 1s; got no agent reply"),
        "{reason}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_junit_report_is_valid_xml_and_counts_right() {
    let setup = engine_support::emulator_and_home().await;
    setup.emulator.update_config(|c| c.script.answers = false);
    let text = THREE_STEPS.replace("within: 5s", "within: 1s");
    let report = run_scenario(&setup, &text, 3).await;
    let xml = report.to_junit();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut testcases, mut failures, mut suites) = (0, 0, Vec::new());
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => match e.name().as_ref() {
                b"testcase" => testcases += 1,
                b"failure" => failures += 1,
                b"testsuite" => {
                    let attr = |name: &[u8]| {
                        e.attributes()
                            .flatten()
                            .find(|a| a.key.as_ref() == name)
                            .map(|a| String::from_utf8_lossy(&a.value).to_string())
                    };
                    suites.push((attr(b"tests"), attr(b"failures"), attr(b"errors")));
                }
                _ => {}
            },
            _ => {}
        }
    }
    assert_eq!((testcases, failures), (3, 3), "{xml}");
    assert_eq!(suites, [(Some("3".into()), Some("3".into()), Some("0".into()))]);
}

/// The app's engine runs a scenario itself (the Runs view): rows while it
/// goes, the report at the end, every customer passed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_engine_runs_a_scenario_from_a_command() {
    let setup = engine_support::emulator_and_home().await;
    let path = setup.home.path().join("three.yaml");
    std::fs::write(&path, THREE_STEPS).unwrap();
    let mut engine = engine::spawn_headless(&tokio::runtime::Handle::current(), setup.engine_config(false));
    loop {
        if let Some(Event::ListenerStarted { addr, .. }) = engine.next().await {
            setup.deliver_to(addr);
            break;
        }
    }
    let request = genesys_desk::engine::runs::RunRequest {
        run_id: "w1".into(),
        path,
        env: Environment::Development,
        account: defaults::EMULATOR_ACCOUNT.into(),
        customers: 4,
        concurrency: 2,
        rate_per_minute: None,
    };
    engine.send(genesys_desk::engine::Command::StartRun(request));
    let (mut updates, mut started) = (0, false);
    let report = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match engine.next().await {
                Some(Event::RunStarted { run_id, .. }) => started = run_id == "w1",
                Some(Event::RunUpdate { rows, .. }) => {
                    assert_eq!(rows.len(), 4);
                    updates += 1;
                }
                Some(Event::RunFinished { report, .. }) => return report,
                Some(_) => {}
                None => panic!("the engine stopped"),
            }
        }
    })
    .await
    .unwrap();
    engine.shutdown().await;
    assert!(started && updates >= 1);
    let reasons: Vec<String> = report.customers.iter().map(|c| c.outcome.reason()).collect();
    assert!(report.all_passed(), "{reasons:?}");

    // The next start of the app lists it from the history.
    let mut again = engine::spawn_headless(&tokio::runtime::Handle::current(), setup.engine_config(false));
    let loaded = loop {
        match again.next().await {
            Some(Event::RunsLoaded(runs)) => break runs,
            Some(_) => {}
            None => panic!("the engine stopped"),
        }
    };
    again.shutdown().await;
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].report, *report);
}

/// Genesys answering 429 is waited out and counted, never a failure by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_429_are_counted_and_waited_out() {
    let setup = engine_support::emulator_and_home().await;
    setup.emulator.update_config(|c| {
        c.rate_limit_per_minute = Some(3);
        c.rate_limit_window = Duration::from_secs(1);
    });
    let report = run_scenario(&setup, THREE_STEPS, 4).await;
    let reasons: Vec<String> = report.customers.iter().map(|c| c.outcome.reason()).collect();
    assert!(report.all_passed(), "{reasons:?}");
    assert!(report.throttled > 0, "4 customers in a 3-a-second org meet a 429");
}
