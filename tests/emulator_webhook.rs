//! The emulator's webhook deliveries: signatures match the published test
//! vectors, payloads have the fields of the outbound samples, and delivery
//! follows Genesys' retry rules (retry on 5xx/429/timeout, stop after 5).
#![expect(clippy::unwrap_used, reason = "test code")]

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use genesys_desk::emulator::agent::{self, wait_for_deliveries};
use genesys_desk::emulator::{DeliveryOutcome, EmulatorConfig};
use genesys_desk::genesys::types::NormalizedMessage;
use genesys_desk::genesys::{Client, Customer, InboundMessage};
use genesys_desk::webhook::signature;
use serde_json::Value;
use support::*;

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/emulator/samples");

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{SAMPLES}/{name}")).unwrap()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

#[tokio::test]
async fn deliveries_are_signed_like_the_test_vectors() {
    let vectors: Value = serde_json::from_slice(&sample("signature-test-vectors.json")).unwrap();
    let secret = vectors["secret"].as_str().unwrap();
    let mut hook = start_hook(200).await;
    let emu = start_emulator(EmulatorConfig {
        webhook_url: Some(hook.url()),
        webhook_secret: secret.into(),
        agent_enabled: false,
        ..fast_config()
    })
    .await;
    for vector in vectors["vectors"].as_array().unwrap() {
        let body = match vector.get("bodyFile").and_then(Value::as_str) {
            Some(file) => sample(file),
            None => vector["bodyUtf8"].as_str().unwrap().as_bytes().to_vec(),
        };
        if let Some(n) = vector.get("bodyBytes").and_then(Value::as_u64) {
            assert_eq!(body.len() as u64, n, "sample file bytes unchanged");
        }
        let expected = vector["expectedHeader"].as_str().unwrap();
        assert_eq!(signature::sign(secret, &body), expected);
        // The emulator signs exactly the bytes it posts.
        let record = agent::deliver_raw(emu.state(), "Text", "test-customer-0001", "x", body.clone()).await;
        assert_eq!(record.outcome, DeliveryOutcome::Delivered { status: 200 });
        let got = hook.next(Duration::from_secs(2)).await;
        assert_eq!(got.body, body);
        assert_eq!(got.signature.as_deref(), Some(expected));
        if let Some(wrong) = vector.get("wrongHexForm_doNotAccept").and_then(Value::as_str) {
            // The hex form of the same MAC must not verify the posted bytes.
            assert!(!signature::is_valid(secret, &got.body, wrong), "hex form accepted: {wrong}");
        }
    }
    emu.shutdown().await;
}

#[tokio::test]
async fn agent_payloads_have_the_fields_of_the_samples() {
    let mut hook = start_hook(200).await;
    let emu = start_emulator(EmulatorConfig { webhook_url: Some(hook.url()), ..fast_config() }).await;
    let client = Client::new(&account_for(&emu.url()), fast_options(), None).unwrap();
    let mut message = InboundMessage::text(Customer::new("test-customer-0001"), "hello");
    message.image = Some(genesys_desk::genesys::ImageRef::from_url("https://x.example/a.jpg").unwrap());
    let sent = client.send_message(&message).await.unwrap();

    let mut by_sample = Vec::new();
    for _ in 0..3 {
        let d = hook.next(Duration::from_secs(5)).await;
        assert!(signature::is_valid(
            genesys_desk::config::defaults::EMULATOR_WEBHOOK_SECRET,
            &d.body,
            &d.signature.unwrap()
        ));
        let v: Value = serde_json::from_slice(&d.body).unwrap();
        // Parses as the samples do.
        let parsed: NormalizedMessage = serde_json::from_slice(&d.body).unwrap();
        assert_eq!(parsed.channel.to.as_ref().unwrap().id, "test-customer-0001");
        assert_eq!(parsed.channel.from.as_ref().unwrap().nickname.as_deref(), Some("Emulator Open Messaging"));
        assert_eq!(parsed.direction.as_deref(), Some("Outbound"));
        let name = match parsed.kind.as_str() {
            "Event" => "outbound-typing.json",
            _ if parsed.content.as_ref().is_some_and(|c| !c.is_empty()) => "outbound-image.json",
            _ => "outbound-text.json",
        };
        if name != "outbound-typing.json" {
            assert_eq!(parsed.conversation_id, sent.conversation_id);
        }
        by_sample.push(name);
        let want: Value = serde_json::from_slice(&sample(name)).unwrap();
        let sample_parsed: NormalizedMessage = serde_json::from_value(want.clone()).unwrap();
        assert_eq!(parsed.kind, sample_parsed.kind);
        assert_eq!(keys(&v), keys(&want), "{name}: top-level fields");
        assert_eq!(keys(&v["channel"]), keys(&want["channel"]), "{name}: channel fields");
        assert_eq!(keys(&v["channel"]["from"]), keys(&want["channel"]["from"]), "{name}: from fields");
        assert_eq!(keys(&v["channel"]["to"]), keys(&want["channel"]["to"]), "{name}: to fields");
        if name == "outbound-image.json" {
            let a = &v["content"][0];
            let w = &want["content"][0];
            assert_eq!(keys(a), keys(w));
            assert_eq!(keys(&a["attachment"]), keys(&w["attachment"]));
        }
        if name == "outbound-typing.json" {
            assert_eq!(v["events"], want["events"]);
        }
    }
    assert_eq!(by_sample, vec!["outbound-typing.json", "outbound-text.json", "outbound-image.json"]);
    emu.shutdown().await;
}

#[tokio::test]
async fn delivery_retries_5xx_and_stops_after_five_retries() {
    let mut hook = start_hook(500).await;
    let emu = start_emulator(EmulatorConfig { webhook_url: Some(hook.url()), ..fast_config() }).await;
    let client = Client::new(&account_for(&emu.url()), fast_options(), None).unwrap();
    client.send_message(&InboundMessage::text(Customer::new("c-500"), "hi")).await.unwrap();

    // Typing then text, each given up after 1 + 5 attempts.
    let done = wait_for_deliveries(emu.state(), 2, Duration::from_secs(10)).await;
    assert_eq!(done.len(), 2, "{done:?}");
    for d in &done {
        assert_eq!(d.attempts, 6, "{d:?}");
        assert_eq!(d.outcome, DeliveryOutcome::GaveUp { last: "HTTP 500".into() });
    }
    let mut received = Vec::new();
    while let Ok(d) = hook.rx.try_recv() {
        received.push(d);
    }
    assert_eq!(received.len(), 12, "6 attempts for typing + 6 for text, no more");
    // Every retry carries the same bytes and signature.
    assert!(received[..6].iter().all(|d| d.body == received[0].body && d.signature == received[0].signature));
    emu.shutdown().await;
}

#[tokio::test]
async fn delivery_succeeds_when_the_webhook_recovers_and_does_not_retry_4xx() {
    let mut hook = start_hook(503).await;
    let emu =
        start_emulator(EmulatorConfig { webhook_url: Some(hook.url()), agent_enabled: false, ..fast_config() }).await;
    let status = hook.status.clone();
    let payload = agent::text_payload(emu.state(), "c1", "conv-1", "hello");
    let deliver = tokio::spawn({
        let state = emu.state().clone();
        async move { agent::deliver(&state, "Text", "c1", payload).await }
    });
    // After the first failed attempt the webhook comes back.
    hook.next(Duration::from_secs(2)).await;
    *status.lock().unwrap() = 200;
    let record = deliver.await.unwrap();
    assert_eq!(record.outcome, DeliveryOutcome::Delivered { status: 200 });
    assert!(record.attempts >= 2);

    *status.lock().unwrap() = 400;
    let payload = agent::text_payload(emu.state(), "c1", "conv-1", "again");
    let record = agent::deliver(emu.state(), "Text", "c1", payload).await;
    assert_eq!(record.attempts, 1, "4xx other than 429 is not retried");
    assert_eq!(record.outcome, DeliveryOutcome::Rejected { status: 400 });
    emu.shutdown().await;
}

#[tokio::test]
async fn delivery_retries_when_the_webhook_refuses_connections() {
    let dead = dead_port().await;
    let port = dead.port;
    let emu = start_emulator(EmulatorConfig {
        webhook_url: Some(format!("http://127.0.0.1:{port}/hooks/Emulator")),
        delivery_retries: 2,
        agent_enabled: false,
        ..fast_config()
    })
    .await;
    let payload = agent::typing_payload(emu.state(), "c1");
    let record = agent::deliver(emu.state(), "Typing", "c1", payload).await;
    assert_eq!(record.attempts, 3);
    assert!(matches!(record.outcome, DeliveryOutcome::GaveUp { .. }), "{record:?}");
}

#[tokio::test]
async fn a_slow_webhook_times_out_and_is_retried() {
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().route(
        "/slow",
        axum::routing::post(move || {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::time::sleep(Duration::from_secs(2)).await;
                "late"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let emu = start_emulator(EmulatorConfig {
        webhook_url: Some(format!("http://{addr}/slow")),
        delivery_timeout: Duration::from_millis(100),
        delivery_retries: 1,
        agent_enabled: false,
        ..fast_config()
    })
    .await;
    let payload = agent::typing_payload(emu.state(), "c1");
    let record = agent::deliver(emu.state(), "Typing", "c1", payload).await;
    assert_eq!(record.attempts, 2);
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 2);
    match &record.outcome {
        DeliveryOutcome::GaveUp { last } => assert!(last.contains("no answer within 0.1 s"), "{last}"),
        other => panic!("{other:?}"),
    }
}
