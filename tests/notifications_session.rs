//! The notifications session against the emulator's socket over loopback:
//! events arrive in order, a dropped socket reconnects and re-subscribes, a
//! rejected topic names the missing permission.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use genesys_desk::emulator::notifications::{HubConfig, NotificationHub};
use genesys_desk::genesys::notifications::{
    Channel, ChannelTopic, NotificationsApi, NotifierEvent, PresenceKind, SessionOptions, WatchCommand, parse_topics,
    run_session,
};
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

struct PlainApi {
    http: reqwest::Client,
    base: String,
}

impl NotificationsApi for PlainApi {
    async fn create_channel(&self) -> Result<Channel, String> {
        let r = self
            .http
            .post(format!("{}/api/v2/notifications/channels", self.base))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        r.json().await.map_err(|e| e.to_string())
    }
    async fn add_subscriptions(&self, channel_id: &str, topics: &[String]) -> Result<Vec<ChannelTopic>, String> {
        self.subscribe(reqwest::Method::POST, channel_id, topics).await
    }
    async fn replace_subscriptions(&self, channel_id: &str, topics: &[String]) -> Result<Vec<ChannelTopic>, String> {
        self.subscribe(reqwest::Method::PUT, channel_id, topics).await
    }
}

impl PlainApi {
    async fn subscribe(
        &self,
        method: reqwest::Method,
        id: &str,
        topics: &[String],
    ) -> Result<Vec<ChannelTopic>, String> {
        let body: Vec<_> = topics.iter().map(|t| json!({ "id": t })).collect();
        let url = format!("{}/api/v2/notifications/channels/{id}/subscriptions", self.base);
        let r = self.http.request(method, url).json(&body).send().await.map_err(|e| e.to_string())?;
        parse_topics(&r.text().await.map_err(|e| e.to_string())?)
    }
}

async fn start_hub(config: HubConfig) -> (NotificationHub, String) {
    let hub = NotificationHub::new(config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = hub.routes();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (hub, base)
}

struct Session {
    commands: mpsc::UnboundedSender<WatchCommand>,
    events: mpsc::UnboundedReceiver<NotifierEvent>,
    cancel: CancellationToken,
}

fn start_session(base: String) -> Session {
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (ev_tx, ev_rx) = mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let options = SessionOptions { backoff_initial: Duration::from_millis(50), ..SessionOptions::default() };
    let api = PlainApi { http: reqwest::Client::new(), base };
    tokio::spawn(run_session(api, options, cmd_rx, ev_tx, cancel.clone()));
    Session { commands: cmd_tx, events: ev_rx, cancel }
}

async fn next_event(s: &mut Session, pred: impl Fn(&NotifierEvent) -> bool) -> NotifierEvent {
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let ev = s.events.recv().await.expect("session ended");
            if pred(&ev) {
                return ev;
            }
        }
    })
    .await
    .expect("timed out waiting for a notification event")
}

async fn wait_subscribed(hub: &NotificationHub, topic: &str) {
    tokio::time::timeout(Duration::from_secs(10), async {
        while !hub.live_topics().contains(topic) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("topic never subscribed");
}

#[tokio::test]
async fn join_leave_and_wrap_up_arrive_in_order_and_survive_a_dropped_socket() {
    let (hub, base) = start_hub(HubConfig { heartbeat: Duration::from_millis(100), ..HubConfig::default() }).await;
    let mut s = start_session(base);
    next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await;
    s.commands.send(WatchCommand::Watch("conv-1".into())).unwrap();
    wait_subscribed(&hub, "v2.detail.events.conversation.conv-1.acw").await;

    hub.publish("conv-1", "acd.start", json!({ "queueId": "q1" }));
    hub.publish("conv-1", "user.start", json!({ "userId": "agent-7" }));
    let mut kinds = Vec::new();
    for _ in 0..2 {
        if let NotifierEvent::Presence(p) = next_event(&mut s, |e| matches!(e, NotifierEvent::Presence(_))).await {
            kinds.push(p.kind);
        }
    }
    assert_eq!(
        kinds,
        vec![
            PresenceKind::Queued { queue_id: Some("q1".into()) },
            PresenceKind::AgentJoined { user_id: Some("agent-7".into()) }
        ]
    );
    next_event(&mut s, |e| matches!(e, NotifierEvent::Heartbeat)).await;

    // The server drops the socket: the session makes a new channel and re-subscribes.
    let created = hub.channels_created();
    hub.drop_sockets();
    next_event(&mut s, |e| matches!(e, NotifierEvent::Disconnected { .. })).await;
    let NotifierEvent::Connected { topics, .. } =
        next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await
    else {
        unreachable!()
    };
    assert_eq!(topics, 5);
    assert_eq!(hub.channels_created(), created + 1);
    wait_subscribed(&hub, "v2.detail.events.conversation.conv-1.user.end").await;

    hub.publish("conv-1", "user.end", json!({ "userId": "agent-7" }));
    hub.publish("conv-1", "acw", json!({ "wrapupCode": "Resolved", "wrapupDurationMs": 4000 }));
    let mut after = Vec::new();
    for _ in 0..2 {
        if let NotifierEvent::Presence(p) = next_event(&mut s, |e| matches!(e, NotifierEvent::Presence(_))).await {
            after.push(p.kind.describe(None));
        }
    }
    assert_eq!(after, vec!["Agent agent-7 left".to_string(), "Wrap-up: Resolved (4s)".to_string()]);
    s.cancel.cancel();
}

#[tokio::test]
async fn a_rejected_topic_names_the_missing_permission() {
    let config =
        HubConfig { missing_permissions: vec!["analytics:conversationDetail:view".into()], ..HubConfig::default() };
    let (_hub, base) = start_hub(config).await;
    let mut s = start_session(base);
    next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await;
    s.commands.send(WatchCommand::Watch("conv-2".into())).unwrap();
    let NotifierEvent::Rejected { missing_permissions, message, .. } =
        next_event(&mut s, |e| matches!(e, NotifierEvent::Rejected { .. })).await
    else {
        unreachable!()
    };
    assert_eq!(missing_permissions, vec!["analytics:conversationDetail:view".to_string()]);
    assert!(message.contains("analytics:conversationDetail:view") && message.contains("role"), "{message}");
    s.cancel.cancel();
}
