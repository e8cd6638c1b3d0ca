//! The notifications session against the emulator's socket over loopback,
//! through the real Genesys client: join/leave/wrap-up arrive in order, a
//! dropped socket reconnects and re-subscribes (without repeating events), a
//! rejected topic names the missing permission.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers outside #[test] functions unwrap: a failure should panic with its cause"
)]

use std::time::Duration;

use genesys_desk::config::{Account, defaults};
use genesys_desk::emulator::{Emulator, EmulatorConfig, RunningEmulator};
use genesys_desk::genesys::notifications::{
    CONVERSATION_TOPICS, NotifierEvent, PresenceKind, SessionOptions, WatchCommand, run_session,
};
use genesys_desk::genesys::{Client, ClientOptions, Customer, InboundMessage};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

async fn start_emulator(config: EmulatorConfig) -> (RunningEmulator, Client) {
    let config = EmulatorConfig {
        webhook_url: None,
        agent_typing_delay: Duration::from_millis(20),
        agent_reply_delay: Duration::from_millis(20),
        agent_leave_delay: Duration::from_millis(20),
        notifications_heartbeat: Duration::from_millis(100),
        ..config
    };
    let emulator = Emulator::start("127.0.0.1:0".parse().unwrap(), config).await.unwrap();
    let mut draft = defaults::emulator_account_draft();
    draft.host = emulator.url();
    let account: Account = draft.parse().unwrap();
    let client = Client::new(&account, ClientOptions::default(), None).unwrap();
    (emulator, client)
}

struct Session {
    commands: mpsc::UnboundedSender<WatchCommand>,
    events: mpsc::UnboundedReceiver<NotifierEvent>,
    cancel: CancellationToken,
}

fn start_session(client: Client) -> Session {
    start_session_with(
        client,
        SessionOptions { backoff_initial: Duration::from_millis(50), ..SessionOptions::default() },
    )
}

fn start_session_with(client: Client, options: SessionOptions) -> Session {
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (ev_tx, ev_rx) = mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    tokio::spawn(run_session(client, options, cmd_rx, ev_tx, cancel.clone()));
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

async fn presence(s: &mut Session, count: usize) -> Vec<PresenceKind> {
    let mut kinds = Vec::new();
    while kinds.len() < count {
        if let NotifierEvent::Presence(p) = next_event(s, |e| matches!(e, NotifierEvent::Presence(_))).await {
            kinds.push(p.kind);
        }
    }
    kinds
}

async fn send(client: &Client, text: &str) -> String {
    let customer = Customer::new("jane@example.com").with_name("Jane Doe");
    let sent = client.send_message(&InboundMessage::text(customer, text)).await.unwrap();
    sent.conversation_id.expect("prefetchConversationId gives the conversation id")
}

/// Presence events until (and including) the agent joining. `acd.start` is
/// sent before the client can subscribe (Genesys replays nothing), so
/// "Queued" shows only when the snapshot fetch still finds the queue.
async fn until_agent_joined(s: &mut Session) -> Vec<PresenceKind> {
    let mut kinds = Vec::new();
    loop {
        let kind = presence(s, 1).await.remove(0);
        let joined = matches!(kind, PresenceKind::AgentJoined { .. });
        kinds.push(kind);
        if joined {
            return kinds;
        }
    }
}

#[tokio::test]
async fn join_leave_and_wrap_up_arrive_in_order_and_survive_a_dropped_socket() {
    let (emulator, client) = start_emulator(EmulatorConfig::default()).await;
    let mut s = start_session(client.clone());
    next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await;

    let conversation = send(&client, "Hello, my order is late").await;
    s.commands.send(WatchCommand::Watch(conversation.clone())).unwrap();
    let agent = Some("emulator-agent-0001".to_string());
    let kinds = until_agent_joined(&mut s).await;
    assert_eq!(kinds.last(), Some(&PresenceKind::AgentJoined { user_id: agent.clone() }));
    assert!(kinds.len() <= 2, "at most Queued then joined, each once: {kinds:?}");
    next_event(&mut s, |e| matches!(e, NotifierEvent::Heartbeat)).await;

    // The server drops the socket: the session opens a new socket on the same channel.
    let hub = emulator.state().notifications().clone();
    let created = hub.channels_created();
    hub.drop_sockets();
    next_event(&mut s, |e| matches!(e, NotifierEvent::Disconnected { .. })).await;
    let NotifierEvent::Connected { topics, new_channel, .. } =
        next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await
    else {
        unreachable!()
    };
    assert_eq!(topics, CONVERSATION_TOPICS.len());
    assert!(!new_channel, "a dropped socket reopens on the same channel");
    assert_eq!(hub.channels_created(), created, "no new channel for a dropped socket");
    assert!(hub.live_topics().contains(&format!("v2.detail.events.conversation.{conversation}.acw")));

    // The customer says goodbye: the agent leaves and wraps up (acw and wrapup:
    // one line). Events from before the drop are not reported a second time.
    assert_eq!(send(&client, "Thanks, bye").await, conversation);
    let kinds = presence(&mut s, 3).await;
    assert!(matches!(&kinds[0], PresenceKind::AgentLeft { user_id, .. } if *user_id == agent), "{kinds:?}");
    assert_eq!(kinds[1], PresenceKind::CustomerLeft);
    assert!(matches!(&kinds[2], PresenceKind::WrapUp { code: Some(c), duration_ms: Some(_), .. } if c == "Resolved"));
    assert!(kinds[2].describe(None).starts_with("Wrap-up: Resolved ("));
    s.cancel.cancel();
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_rejected_topic_names_the_missing_permission() {
    let config = EmulatorConfig {
        notifications_missing_permissions: vec!["analytics:conversationDetail:view".into()],
        ..EmulatorConfig::default()
    };
    let (emulator, client) = start_emulator(config).await;
    let mut s = start_session(client.clone());
    next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await;
    let conversation = send(&client, "Hi").await;
    s.commands.send(WatchCommand::Watch(conversation)).unwrap();
    let NotifierEvent::Rejected { missing_permissions, message, .. } =
        next_event(&mut s, |e| matches!(e, NotifierEvent::Rejected { .. })).await
    else {
        unreachable!()
    };
    assert_eq!(missing_permissions, vec!["analytics:conversationDetail:view".to_string()]);
    assert!(message.contains("analytics:conversationDetail:view") && message.contains("role"), "{message}");
    s.cancel.cancel();
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_notification_endpoints_need_a_token() {
    let (emulator, _client) = start_emulator(EmulatorConfig::default()).await;
    let r =
        reqwest::Client::new().post(format!("{}/api/v2/notifications/channels", emulator.url())).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_channel_is_recreated_before_it_expires_and_topics_come_along() {
    let (emulator, client) = start_emulator(EmulatorConfig::default()).await;
    // Renew a whole day early: the 24 h channel is due for renewal at once (after the 1 s floor).
    let options = SessionOptions {
        renew_before_expiry: Duration::from_secs(24 * 60 * 60),
        backoff_initial: Duration::from_millis(50),
        ..SessionOptions::default()
    };
    let mut s = start_session_with(client.clone(), options);
    next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await;
    let conversation = send(&client, "Hello").await;
    s.commands.send(WatchCommand::Watch(conversation.clone())).unwrap();
    let hub = emulator.state().notifications().clone();
    let created = hub.channels_created();
    let NotifierEvent::Connected { topics, channel_id, new_channel } =
        next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. } | NotifierEvent::Disconnected { .. })).await
    else {
        panic!("a renewal is not a disconnection")
    };
    assert!(new_channel);
    assert_eq!(
        topics,
        CONVERSATION_TOPICS.len(),
        "the watched conversation is subscribed on the new channel {channel_id}"
    );
    assert_eq!(hub.channels_created(), created + 1);
    s.cancel.cancel();
    emulator.shutdown().await;
}

/// Events until `pred` matches, the matching one last.
async fn events_until(s: &mut Session, pred: impl Fn(&NotifierEvent) -> bool) -> Vec<NotifierEvent> {
    let mut seen = Vec::new();
    loop {
        let ev = next_event(s, |_| true).await;
        let done = pred(&ev);
        seen.push(ev);
        if done {
            return seen;
        }
    }
}

#[tokio::test]
async fn a_refused_topic_creates_no_more_channels() {
    let config = EmulatorConfig {
        notifications_missing_permissions: vec!["analytics:conversationDetail:view".into()],
        ..EmulatorConfig::default()
    };
    let (emulator, client) = start_emulator(config).await;
    let hub = emulator.state().notifications().clone();
    let mut s = start_session(client.clone());
    next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await;
    s.commands.send(WatchCommand::Watch(send(&client, "Hi").await)).unwrap();
    next_event(&mut s, |e| matches!(e, NotifierEvent::Rejected { .. })).await;
    // Three heartbeats later the session is still on its first channel, with no drop in between.
    for _ in 0..3 {
        let seen = events_until(&mut s, |e| matches!(e, NotifierEvent::Heartbeat)).await;
        assert!(
            seen.iter()
                .all(|e| !matches!(e, NotifierEvent::Disconnected { .. } | NotifierEvent::SubscribeFailed { .. })),
            "{seen:?}"
        );
    }
    assert_eq!(hub.channels_created(), 1);
    s.cancel.cancel();
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_silent_socket_reopens_on_the_same_channel() {
    let (emulator, client) = start_emulator(EmulatorConfig::default()).await;
    let hub = emulator.state().notifications().clone();
    let options = SessionOptions {
        silence_timeout: Duration::from_millis(400),
        backoff_initial: Duration::from_millis(50),
        ..SessionOptions::default()
    };
    let mut s = start_session_with(client, options);
    next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await;
    hub.set_muted(true);
    let reopened = next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await;
    hub.set_muted(false);
    assert!(matches!(reopened, NotifierEvent::Connected { new_channel: false, .. }), "{reopened:?}");
    assert_eq!(hub.channels_created(), 1);
    s.cancel.cancel();
    emulator.shutdown().await;
}

#[tokio::test]
async fn socket_closing_reopens_on_the_same_channel() {
    let (emulator, client) = start_emulator(EmulatorConfig::default()).await;
    let hub = emulator.state().notifications().clone();
    let mut s = start_session(client);
    next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await;
    hub.announce_socket_closing();
    let reopened = next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await;
    assert!(matches!(reopened, NotifierEvent::Connected { new_channel: false, .. }), "{reopened:?}");
    assert_eq!(hub.channels_created(), 1);
    s.cancel.cancel();
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_channel_that_is_gone_is_recreated_with_its_topics() {
    let (emulator, client) = start_emulator(EmulatorConfig::default()).await;
    let hub = emulator.state().notifications().clone();
    let mut s = start_session(client.clone());
    let NotifierEvent::Connected { channel_id, .. } =
        next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await
    else {
        unreachable!()
    };
    let conversation = send(&client, "Hello").await;
    s.commands.send(WatchCommand::Watch(conversation.clone())).unwrap();
    next_event(&mut s, |e| matches!(e, NotifierEvent::Presence(_))).await;
    hub.remove_channel(&channel_id);
    let NotifierEvent::Connected { topics, new_channel, .. } =
        next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await
    else {
        unreachable!()
    };
    assert!(new_channel);
    assert_eq!(topics, CONVERSATION_TOPICS.len());
    assert_eq!(hub.channels_created(), 2);
    assert!(hub.live_topics().contains(&format!("v2.detail.events.conversation.{conversation}.user.end")));
    s.cancel.cancel();
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_late_subscriber_learns_who_is_connected_from_the_conversation() {
    let (emulator, client) = start_emulator(EmulatorConfig::default()).await;
    let mut emulator_events = emulator.subscribe();
    let conversation = send(&client, "Hello").await;
    // The typing delivery follows `user.start`: the agent is connected before anyone subscribed.
    tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            if let Ok(genesys_desk::emulator::EmulatorEvent::Delivery(d)) = emulator_events.recv().await
                && d.kind == "Typing"
            {
                return;
            }
        }
    })
    .await
    .expect("the agent typed");
    let mut s = start_session(client);
    next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await;
    s.commands.send(WatchCommand::Watch(conversation.clone())).unwrap();
    let NotifierEvent::Presence(p) = next_event(&mut s, |e| matches!(e, NotifierEvent::Presence(_))).await else {
        unreachable!()
    };
    assert_eq!(p.kind, PresenceKind::AgentJoined { user_id: Some("emulator-agent-0001".into()) });
    assert!(p.from_snapshot, "read from the conversation, not replayed on the socket");
    s.cancel.cancel();
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_conversation_still_in_the_queue_shows_queued_from_the_snapshot() {
    // The agent takes the conversation only after a minute: the queue is all there is.
    let (emulator, client) = start_emulator(EmulatorConfig::default()).await;
    emulator.update_config(|c| c.agent_typing_delay = Duration::from_secs(60));
    let mut s = start_session(client.clone());
    next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await;
    s.commands.send(WatchCommand::Watch(send(&client, "Hello").await)).unwrap();
    let NotifierEvent::Presence(p) = next_event(&mut s, |e| matches!(e, NotifierEvent::Presence(_))).await else {
        unreachable!()
    };
    assert_eq!(p.kind, PresenceKind::Queued { queue_id: Some("emulator-queue-0001".into()) });
    assert!(p.from_snapshot, "acd.start was sent before the subscription and is not replayed");
    s.cancel.cancel();
    emulator.shutdown().await;
}
