//! The emulator's Notifications API is as strict as Genesys: a refused topic
//! without `ignoreErrors=true` fails the whole request with 403 and subscribes
//! nothing; with it, the topic comes back `Rejected` with its missing
//! permission; 20 channels per client; nothing is replayed to a late subscriber.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap: a failure should panic with its cause"
)]

mod support;

use std::time::Duration;

use futures_util::StreamExt;
use genesys_desk::emulator::notifications::{CHANNEL_CAP, DETAIL_EVENTS_PERMISSION};
use genesys_desk::emulator::{EmulatorConfig, RunningEmulator};
use serde_json::{Value, json};

async fn token(emulator: &RunningEmulator) -> String {
    support::emulator_token(emulator).await
}

async fn create_channel(emulator: &RunningEmulator, token: &str) -> Value {
    reqwest::Client::new()
        .post(format!("{}/api/v2/notifications/channels", emulator.url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn subscribe(emulator: &RunningEmulator, token: &str, channel: &str, query: &str, topic: &str) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/api/v2/notifications/channels/{channel}/subscriptions{query}", emulator.url()))
        .bearer_auth(token)
        .json(&json!([{ "id": topic }]))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

fn withheld() -> EmulatorConfig {
    EmulatorConfig {
        notifications_missing_permissions: vec![DETAIL_EVENTS_PERMISSION.into()],
        ..support::fast_config()
    }
}

const TOPIC: &str = "v2.detail.events.conversation.c1.user.start";

#[tokio::test]
async fn a_refused_topic_without_ignore_errors_fails_the_whole_request() {
    let emulator = support::start_emulator(withheld()).await;
    let token = token(&emulator).await;
    let channel = create_channel(&emulator, &token).await["id"].as_str().unwrap().to_string();
    let (status, body) = subscribe(&emulator, &token, &channel, "", TOPIC).await;
    assert_eq!(status, 403);
    assert_eq!(body["code"], "missing.permissions");
    assert!(body["message"].as_str().unwrap().contains(DETAIL_EVENTS_PERMISSION), "{body}");
    assert!(body["contextId"].as_str().is_some_and(|c| !c.is_empty()), "{body}");
    assert!(emulator.state().notifications().live_topics().is_empty());
    let r = reqwest::Client::new()
        .get(format!("{}/api/v2/notifications/channels/{channel}/subscriptions", emulator.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let listed: Value = r.json().await.unwrap();
    assert_eq!(listed["entities"], json!([]), "nothing was subscribed");
    emulator.shutdown().await;
}

#[tokio::test]
async fn with_ignore_errors_each_refused_topic_names_its_permission() {
    let emulator = support::start_emulator(withheld()).await;
    let token = token(&emulator).await;
    let channel = create_channel(&emulator, &token).await["id"].as_str().unwrap().to_string();
    let (status, body) = subscribe(&emulator, &token, &channel, "?ignoreErrors=true", TOPIC).await;
    assert_eq!(status, 200);
    assert_eq!(body["entities"][0]["state"], "Rejected");
    assert_eq!(body["entities"][0]["missingPermissions"], json!([DETAIL_EVENTS_PERMISSION]));
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_permitted_topic_is_subscribed_without_ignore_errors() {
    let emulator = support::start_emulator(support::fast_config()).await;
    let token = token(&emulator).await;
    let channel = create_channel(&emulator, &token).await["id"].as_str().unwrap().to_string();
    let (status, body) = subscribe(&emulator, &token, &channel, "", TOPIC).await;
    assert_eq!(status, 200);
    assert_eq!(body["entities"][0]["state"], "Permitted");
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_21st_channel_evicts_the_oldest() {
    let emulator = support::start_emulator(support::fast_config()).await;
    let token = token(&emulator).await;
    let first = create_channel(&emulator, &token).await["id"].as_str().unwrap().to_string();
    for _ in 0..CHANNEL_CAP {
        create_channel(&emulator, &token).await;
    }
    let ids = emulator.state().notifications().channel_ids();
    assert_eq!(ids.len(), CHANNEL_CAP);
    assert!(!ids.contains(&first), "the oldest channel is gone");
    let (status, body) = subscribe(&emulator, &token, &first, "?ignoreErrors=true", TOPIC).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not.found")));
    emulator.shutdown().await;
}

#[tokio::test]
async fn events_from_before_the_subscription_are_not_replayed() {
    let config = EmulatorConfig { notifications_heartbeat: Duration::from_millis(100), ..support::fast_config() };
    let emulator = support::start_emulator(config).await;
    let token = token(&emulator).await;
    let hub = emulator.state().notifications().clone();
    assert_eq!(hub.publish("c1", "user.start", json!({ "userId": "u1" })), 0);
    let channel = create_channel(&emulator, &token).await;
    let (mut socket, _) =
        tokio_tungstenite::connect_async(channel["connectUri"].as_str().unwrap()).await.expect("socket opens");
    let id = channel["id"].as_str().unwrap();
    assert_eq!(subscribe(&emulator, &token, id, "?ignoreErrors=true", TOPIC).await.0, 200);
    let first = tokio::time::timeout(Duration::from_secs(5), socket.next()).await.unwrap().unwrap().unwrap();
    let text = first.into_text().unwrap();
    assert!(text.contains("channel.metadata"), "the first frame is a heartbeat, not a replayed event: {text}");
    // An event published now reaches the subscribed socket.
    assert_eq!(hub.publish("c1", "user.start", json!({ "userId": "u2" })), 1);
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_conversation_lists_who_is_connected() {
    let emulator = support::start_emulator(support::fast_config()).await;
    let token = token(&emulator).await;
    let hub = emulator.state().notifications().clone();
    hub.publish("c9", "acd.start", json!({ "queueId": "q1" }));
    hub.publish("c9", "user.start", json!({ "userId": "u1" }));
    let body: Value = reqwest::Client::new()
        .get(format!("{}/api/v2/conversations/messages/c9", emulator.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let participants = body["participants"].as_array().unwrap();
    let state_of = |purpose: &str| {
        participants.iter().find(|p| p["purpose"] == purpose).map(|p| p["state"].as_str().unwrap().to_string())
    };
    assert_eq!(state_of("acd").as_deref(), Some("disconnected"));
    assert_eq!(state_of("agent").as_deref(), Some("connected"));
    let r = reqwest::Client::new()
        .get(format!("{}/api/v2/conversations/messages/unknown", emulator.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    emulator.shutdown().await;
}
