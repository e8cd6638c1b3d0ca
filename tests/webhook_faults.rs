//! Fault modes against the emulator's deliveries, over loopback: the listener
//! answers badly on purpose and the emulator retries exactly as Genesys does
//! (timeouts, 429 and 5xx retried; other 4xx final); every attempt is a traffic row.
#![expect(clippy::unwrap_used, reason = "a test fails loudly at the first surprise")]

mod support;

use std::time::Duration;

use genesys_desk::config::SecretString;
use genesys_desk::config::defaults::EMULATOR_WEBHOOK_SECRET;
use genesys_desk::emulator::agent::{deliver, text_payload};
use genesys_desk::emulator::{DeliveryOutcome, DeliveryRecord, EmulatorConfig};
use genesys_desk::storage::{Db, TrafficQuery, Writer, WriterHandle};
use genesys_desk::webhook::fault::Fault;
use genesys_desk::webhook::{Listener, ListenerConfig, WebhookAccount};

/// What one delivery did: the emulator's record, the statuses of the
/// listener's traffic rows (oldest first), and the message's status in the
/// emulator's message details.
struct Delivered {
    record: DeliveryRecord,
    statuses: Vec<Option<u16>>,
    details: String,
}

/// One emulator delivery to a listener answering with `fault`.
async fn deliver_with(fault: Fault, emulator: EmulatorConfig) -> Delivered {
    let dir = tempfile::tempdir().unwrap();
    let writer: WriterHandle = Writer::spawn(Db::open(&dir.path().join("h.sqlite3")).unwrap()).unwrap();
    let account = WebhookAccount {
        name: "Emulator".into(),
        webhook_secret: Some(SecretString::new(EMULATOR_WEBHOOK_SECRET)),
        accept_unsigned: false,
        events_off: false,
        fault: Some(fault),
    };
    let (sink, _rx) = tokio::sync::mpsc::unbounded_channel();
    let config = ListenerConfig::new(vec![account], dir.path().join("media"));
    let listener = Listener::start("127.0.0.1:0".parse().unwrap(), config, writer.clone(), sink).await.unwrap();
    let emulator = support::start_emulator(EmulatorConfig {
        webhook_url: Some(format!("http://{}/hooks/Emulator", listener.addr())),
        ..emulator
    })
    .await;
    let state = emulator.state().clone();
    let payload = text_payload(&state, "cust-1", "conv-1", "Hello from the agent");
    let record = deliver(&state, "Text", "cust-1", payload).await;
    listener.shutdown().await;
    let token = support::emulator_token(&emulator).await;
    let details: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/api/v2/conversations/messages/{}/details", emulator.url(), record.message_id))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let details = details["status"].as_str().unwrap_or_default().to_string();
    let rows = writer.run(|db| db.list_traffic(&TrafficQuery::first(Default::default(), 100))).await.unwrap();
    let mut statuses: Vec<(i64, Option<u16>)> = rows.iter().map(|r| (r.id.unwrap_or(0), r.status)).collect();
    statuses.sort_unstable();
    Delivered { record, statuses: statuses.into_iter().map(|(_, s)| s).collect(), details }
}

fn fast() -> EmulatorConfig {
    EmulatorConfig { delivery_retry_delay: Duration::from_millis(20), ..support::fast_config() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_the_first_two_attempts_makes_the_third_succeed() {
    let Delivered { record, statuses, details } =
        deliver_with(Fault::FailFirst { attempts: 2, status: 503 }, fast()).await;
    assert_eq!(record.attempts, 3);
    assert_eq!(record.outcome, DeliveryOutcome::Delivered { status: 200 });
    assert_eq!(statuses, [Some(503), Some(503), Some(200)], "each attempt is a row with its answer");
    assert_eq!(details, "delivery-success");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_past_the_timeout_is_retried_until_genesys_gives_up() {
    let emulator = EmulatorConfig { delivery_timeout: Duration::from_millis(300), delivery_retries: 1, ..fast() };
    let Delivered { record, details, .. } = deliver_with(Fault::Delay(Duration::from_millis(800)), emulator).await;
    assert_eq!(record.attempts, 2, "the first attempt timed out and was retried once");
    let DeliveryOutcome::GaveUp { last } = &record.outcome else { panic!("{:?}", record.outcome) };
    assert!(last.contains("no answer within"), "{last}");
    assert_eq!(details, "delivery-failed", "given up: the agent's message failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_4xx_is_final_and_a_429_is_retried() {
    let Delivered { record, statuses, details } = deliver_with(Fault::Status(400), fast()).await;
    assert_eq!((record.attempts, record.outcome), (1, DeliveryOutcome::Rejected { status: 400 }));
    assert_eq!(statuses, [Some(400)]);
    assert_eq!(details, "delivery-failed", "Genesys marks the agent's message failed");
    let Delivered { record, statuses, .. } = deliver_with(Fault::Status(429), fast()).await;
    assert_eq!(record.attempts, 6, "the first attempt and Genesys' 5 retries");
    assert_eq!(statuses.len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_is_retried_like_a_timeout_until_genesys_gives_up() {
    let Delivered { record, statuses, details } = deliver_with(Fault::Drop, fast()).await;
    assert_eq!(record.attempts, 6, "the first attempt and Genesys' 5 retries");
    let DeliveryOutcome::GaveUp { last } = &record.outcome else { panic!("{:?}", record.outcome) };
    assert!(last.starts_with("connection failed"), "{last}");
    assert_eq!(statuses.len(), 6, "every attempt is a row");
    assert_eq!(details, "delivery-failed");
}
