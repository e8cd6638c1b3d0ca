//! The scripted agent and the emulator's Genesys rules over loopback: a 4xx
//! from the webhook is final, typing follows the messaging setting, the
//! threading timeline keeps a disconnected conversation, the rate limit
//! makes the client wait once.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

mod support;

use std::time::{Duration, Instant};

use genesys_desk::emulator::agent::{self, wait_for_deliveries};
use genesys_desk::emulator::{DeliveryOutcome, EmulatorConfig, EmulatorEvent, RunningEmulator};
use genesys_desk::genesys::{Client, Customer, InboundMessage};
use support::*;

async fn send(client: &Client, customer: &str, text: &str) -> String {
    let sent = client.send_message(&InboundMessage::text(Customer::new(customer), text)).await.unwrap();
    sent.conversation_id.expect("prefetchConversationId gives the conversation id")
}

/// Waits for the agent to leave `customer`'s conversation (an event, no sleep).
async fn conversation_ended(events: &mut tokio::sync::broadcast::Receiver<EmulatorEvent>, customer: &str) -> String {
    let wait = async {
        loop {
            if let EmulatorEvent::ConversationEnded { customer_id, conversation_id } = events.recv().await.unwrap()
                && customer_id == customer
            {
                return conversation_id;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait).await.expect("the agent leaves after bye")
}

fn client_for(emu: &RunningEmulator) -> Client {
    Client::new(&account_for(&emu.url()), fast_options(), None).unwrap()
}

#[tokio::test]
async fn a_4xx_from_the_webhook_is_final_and_marks_the_agent_message_failed() {
    let mut hook = start_hook(400).await;
    let emu = start_emulator(EmulatorConfig { webhook_url: Some(hook.url()), ..fast_config() }).await;
    send(&client_for(&emu), "c-400", "hello").await;
    let done = wait_for_deliveries(emu.state(), 2, Duration::from_secs(10)).await;
    let kinds: Vec<_> = done.iter().map(|d| d.kind.as_str()).collect();
    assert_eq!(kinds, vec!["Typing", "Text"]);
    for d in &done {
        assert_eq!(d.outcome, DeliveryOutcome::Rejected { status: 400 }, "{d:?}");
        assert_eq!(d.attempts, 1, "{d:?}");
    }
    hook.next(Duration::from_secs(1)).await;
    hook.next(Duration::from_secs(1)).await;
    assert!(hook.rx.try_recv().is_err(), "one attempt per message, no retry");

    *hook.status.lock().unwrap() = 404;
    let payload = agent::text_payload(emu.state(), "c-400", "conv-1", "again");
    let record = agent::deliver(emu.state(), "Text", "c-400", payload).await;
    assert_eq!((record.attempts, record.outcome), (1, DeliveryOutcome::Rejected { status: 404 }));
    emu.shutdown().await;
}

#[tokio::test]
async fn a_429_from_the_webhook_is_retried() {
    let hook = start_hook(429).await;
    let emu = start_emulator(EmulatorConfig {
        webhook_url: Some(hook.url()),
        delivery_retries: 2,
        agent_enabled: false,
        ..fast_config()
    })
    .await;
    let payload = agent::text_payload(emu.state(), "c-429", "conv-1", "hello");
    let record = agent::deliver(emu.state(), "Text", "c-429", payload).await;
    assert_eq!(record.attempts, 3);
    assert_eq!(record.outcome, DeliveryOutcome::GaveUp { last: "HTTP 429".into() });
    emu.shutdown().await;
}

#[tokio::test]
async fn the_agent_types_only_when_the_messaging_setting_enables_outbound_typing() {
    for (typing, first) in [(true, "Typing"), (false, "Text")] {
        let hook = start_hook(200).await;
        let emu =
            start_emulator(EmulatorConfig { webhook_url: Some(hook.url()), outbound_typing: typing, ..fast_config() })
                .await;
        send(&client_for(&emu), "c-typing", "hello").await;
        let done = wait_for_deliveries(emu.state(), 1, Duration::from_secs(10)).await;
        assert_eq!(done[0].kind, first, "outbound typing {typing}");
        let text = wait_for_deliveries(emu.state(), if typing { 2 } else { 1 }, Duration::from_secs(10)).await;
        assert_eq!(text.iter().filter(|d| d.kind == "Typing").count(), usize::from(typing));
        emu.shutdown().await;
    }
}

#[tokio::test]
async fn after_bye_a_message_within_the_threading_timeline_continues_the_conversation() {
    let hook = start_hook(200).await;
    let emu = start_emulator(EmulatorConfig {
        webhook_url: Some(hook.url()),
        agent_leave_delay: Duration::from_millis(5),
        ..fast_config()
    })
    .await;
    let client = client_for(&emu);
    let mut events = emu.subscribe();
    let first = send(&client, "c-thread", "Thanks, bye").await;
    assert_eq!(conversation_ended(&mut events, "c-thread").await, first);
    assert_eq!(send(&client, "c-thread", "One more thing").await, first, "same conversation within 72 h");
    assert_ne!(send(&client, "c-other", "Hello").await, first, "a new customer id gets a new conversation");
    emu.shutdown().await;
}

#[tokio::test]
async fn after_the_threading_timeline_a_message_starts_a_new_conversation() {
    let hook = start_hook(200).await;
    let emu = start_emulator(EmulatorConfig {
        webhook_url: Some(hook.url()),
        agent_leave_delay: Duration::from_millis(5),
        threading_timeline: Duration::ZERO,
        ..fast_config()
    })
    .await;
    let client = client_for(&emu);
    let mut events = emu.subscribe();
    let first = send(&client, "c-thread", "bye").await;
    assert_eq!(conversation_ended(&mut events, "c-thread").await, first);
    assert_ne!(send(&client, "c-thread", "Hello again").await, first);
    emu.shutdown().await;
}

#[tokio::test]
async fn the_client_waits_once_for_the_rate_limit_then_succeeds() {
    let emu = start_emulator(EmulatorConfig {
        rate_limit_per_minute: Some(2),
        rate_limit_window: Duration::from_secs(1),
        ..fast_config()
    })
    .await;
    let client = client_for(&emu);
    client.token().await.unwrap();
    client.integration().await.unwrap();
    let started = Instant::now();
    client.integration().await.unwrap();
    client.integration().await.expect("succeeds after waiting Retry-After");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    let gets: Vec<u16> =
        emu.requests().iter().filter(|r| r.path.contains("/integrations/open/")).map(|r| r.status).collect();
    assert_eq!(gets, vec![200, 200, 429, 200], "one 429, one wait, then success");
    emu.shutdown().await;
}
