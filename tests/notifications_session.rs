//! The notifications session against the emulator's socket over loopback,
//! through the real Genesys client: join/leave/wrap-up arrive in order, a
//! dropped socket reconnects and re-subscribes (without repeating events), a
//! rejected topic names the missing permission.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use genesys_desk::config::{Account, defaults};
use genesys_desk::emulator::{Emulator, EmulatorConfig, RunningEmulator};
use genesys_desk::genesys::notifications::{NotifierEvent, PresenceKind, SessionOptions, WatchCommand, run_session};
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

#[tokio::test]
async fn join_leave_and_wrap_up_arrive_in_order_and_survive_a_dropped_socket() {
    let (emulator, client) = start_emulator(EmulatorConfig::default()).await;
    let mut s = start_session(client.clone());
    next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. })).await;

    let conversation = send(&client, "Hello, my order is late").await;
    s.commands.send(WatchCommand::Watch(conversation.clone())).unwrap();
    let agent = Some("emulator-agent-0001".to_string());
    assert_eq!(
        presence(&mut s, 2).await,
        vec![
            PresenceKind::Queued { queue_id: Some("emulator-queue-0001".into()) },
            PresenceKind::AgentJoined { user_id: agent.clone() }
        ]
    );
    next_event(&mut s, |e| matches!(e, NotifierEvent::Heartbeat)).await;

    // The server drops the socket: the session makes a new channel and re-subscribes.
    let hub = emulator.state().notifications().clone();
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
    assert!(hub.live_topics().contains(&format!("v2.detail.events.conversation.{conversation}.acw")));

    // The customer says goodbye: the agent leaves and wraps up. Events from
    // before the drop are not reported a second time.
    assert_eq!(send(&client, "Thanks, bye").await, conversation);
    let kinds = presence(&mut s, 3).await;
    assert_eq!(kinds[0], PresenceKind::AgentLeft { user_id: agent });
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
    let NotifierEvent::Connected { topics, channel_id } =
        next_event(&mut s, |e| matches!(e, NotifierEvent::Connected { .. } | NotifierEvent::Disconnected { .. })).await
    else {
        panic!("a renewal is not a disconnection")
    };
    assert_eq!(topics, 5, "the watched conversation is subscribed on the new channel {channel_id}");
    assert_eq!(hub.channels_created(), created + 1);
    s.cancel.cancel();
    emulator.shutdown().await;
}
