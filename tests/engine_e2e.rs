//! End to end over loopback: engine + emulator + listener + client. Verify the
//! Emulator account, start a test chat, receive the signed typing event and
//! agent reply (re-delivered by the emulator as if the 200 was lost, and shown
//! once), watch the agent join, leave and wrap up, and find it all in SQLite.

mod engine_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::Receiver;
use std::time::Duration;

use genesys_desk::config::{Environment, defaults};
use genesys_desk::engine::command::{RequestId, TicketDraft};
use genesys_desk::engine::{self, Command, Event};
use genesys_desk::model::traffic::TrafficFilter;
use genesys_desk::model::{DeliveryStatus, Direction, MessageKind, Sender, SignatureVerdict};
use genesys_desk::storage::{Db, TrafficQuery};

struct Events {
    rx: Receiver<Event>,
    seen: Vec<Event>,
}

impl Events {
    /// An event matching `pred` seen before, or the next one to arrive.
    async fn seen_or_wait(&mut self, what: &str, pred: impl Fn(&Event) -> bool) -> Event {
        match self.seen.iter().find(|e| pred(e)) {
            Some(event) => event.clone(),
            None => self.wait(what, pred).await,
        }
    }

    /// Waits for an event matching `pred` (keeps everything seen for later checks).
    async fn wait(&mut self, what: &str, pred: impl Fn(&Event) -> bool) -> Event {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            while let Ok(event) = self.rx.try_recv() {
                self.seen.push(event.clone());
                if pred(&event) {
                    return event;
                }
            }
            assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}; seen: {:#?}", self.seen);
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

fn is_agent_text(e: &Event) -> bool {
    matches!(e, Event::ChatMessageAdded(m) if m.sender == Sender::Agent && m.kind == MessageKind::Text)
}

fn presence_text(e: &Event) -> Option<String> {
    match e {
        Event::ChatMessageAdded(m) if m.kind == MessageKind::Presence => Some(m.text.clone()),
        _ => None,
    }
}

/// An engine on a fresh home, its listener started and the emulator posting to it.
struct Running {
    setup: engine_support::Setup,
    handle: engine::EngineHandle,
    events: Events,
    task: tokio::task::JoinHandle<()>,
    repaints: Arc<AtomicUsize>,
}

async fn start() -> Running {
    let setup = engine_support::emulator_and_home().await;
    let repaints = Arc::new(AtomicUsize::new(0));
    let counter = repaints.clone();
    let (handle, rx, task) = engine::spawn(
        &tokio::runtime::Handle::current(),
        setup.engine_config(false),
        Arc::new(move || {
            counter.fetch_add(1, Ordering::Relaxed);
        }),
    );
    let mut events = Events { rx, seen: Vec::new() };
    events.wait("accounts", |e| matches!(e, Event::AccountsLoaded { .. })).await;
    let Event::ListenerStarted { addr, .. } =
        events.wait("the listener", |e| matches!(e, Event::ListenerStarted { .. })).await
    else {
        unreachable!()
    };
    setup.deliver_to(addr);
    Running { setup, handle, events, task, repaints }
}

impl Running {
    /// A test chat from the ticket form to the wrap-up after "bye"; the typing
    /// event and the first reply are each delivered twice (the first 200 "lost").
    async fn chat_until_wrap_up(&mut self) {
        self.setup.emulator.faults().lose_acks(2);
        self.handle.send(Command::StartChat {
            request: RequestId(2),
            env: Environment::Development,
            account: "Emulator".into(),
            ticket: TicketDraft {
                name: "Jane Doe".into(),
                mobile: "+353 87 123 4567".into(),
                email: "jane@example.com".into(),
                query: "My order is late".into(),
                priority: "urgent".into(),
                after_assignment_message: "Ticket raised, an agent will join".into(),
                attributes: vec![("orderId".into(), "A-1001".into())],
                ..TicketDraft::default()
            },
        });
        let started =
            |e: &Event| matches!(e, Event::ChatStarted { customer_id, .. } if customer_id == "jane@example.com");
        self.events.wait("chat started", started).await;
        self.events.wait("the agent reply", is_agent_text).await;
        // Presence comes from another source (the notifications socket) than the
        // webhook: it may arrive before or after the reply.
        self.events.seen_or_wait("agent joined", |e| presence_text(e).is_some_and(|t| t.contains("joined"))).await;
        self.handle.send(Command::SendText {
            env: Environment::Development,
            account: "Emulator".into(),
            customer_id: "jane@example.com".into(),
            text: "Thanks, bye".into(),
        });
        self.events.wait("wrap-up", |e| presence_text(e).is_some_and(|t| t.starts_with("Wrap-up: Resolved"))).await;
    }

    async fn shut_down(self) -> engine_support::Setup {
        self.handle.send(Command::Shutdown);
        let stopped = tokio::time::timeout(Duration::from_secs(10), self.task).await;
        assert!(matches!(stopped, Ok(Ok(()))), "the engine stops within 10 s: {stopped:?}");
        assert!(self.repaints.load(Ordering::Relaxed) > 10, "every event asks for a repaint");
        self.setup
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_passes_through_the_engine() {
    let mut run = start().await;
    run.handle.send(Command::Verify {
        request: RequestId(1),
        env: Environment::Development,
        account: "Emulator".into(),
        include_send: true,
    });
    let Event::VerifyFinished { report, .. } =
        run.events.wait("verify", |e| matches!(e, Event::VerifyFinished { .. })).await
    else {
        unreachable!()
    };
    assert!(report.ok(), "{}", report.to_text("Emulator"));
    assert_eq!(report.checks.len(), genesys_desk::model::verify::CheckId::ALL.len());
    run.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_chat_shows_the_reply_once_with_its_receipt_and_the_agents_presence() {
    let mut run = start().await;
    run.chat_until_wrap_up().await;
    let seen = &run.events.seen;
    let sent = |e: &&Event| matches!(e, Event::ChatMessageUpdated(m) if m.sender == Sender::Customer && m.status == DeliveryStatus::Sent);
    assert!(seen.iter().any(|e| sent(&e)), "the customer message is marked sent");
    assert!(seen.iter().any(|e| matches!(e, Event::ChatMessageAdded(m) if m.kind == MessageKind::Note)));
    assert!(seen.iter().any(|e| matches!(e, Event::AgentTyping { .. })));
    let reply = seen.iter().find_map(|e| match e {
        Event::ChatMessageAdded(m) if is_agent_text(e) => Some(m.clone()),
        _ => None,
    });
    let reply = reply.expect("an agent reply");
    assert!(reply.text.contains("My order is late"), "{}", reply.text);
    assert_eq!(reply.sender_name.as_deref(), Some(defaults::EMULATOR_INTEGRATION_NAME));
    let delivered = |e: &&Event| matches!(e, Event::ChatMessageUpdated(m) if m.sender == Sender::Agent && m.status == DeliveryStatus::Delivered);
    assert!(seen.iter().any(|e| delivered(&e)), "the Delivered receipt was sent");
    // The re-delivered reply was shown once.
    assert_eq!(seen.iter().filter(|e| is_agent_text(e)).count(), 2, "first reply + goodbye reply");
    // Order in the timeline: (queued,) joined, ..., left, wrap-up. "Queued" shows only
    // when the conversation was read before the agent took it: Genesys replays nothing.
    let lines: Vec<String> = seen.iter().filter_map(presence_text).collect();
    let position =
        |needle: &str| lines.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle} in {lines:?}"));
    if let Some(queued) = lines.iter().position(|l| l.contains("Queued")) {
        assert!(queued < position("joined"), "{lines:?}");
    }
    assert!(position("joined") < position("left"));
    assert!(position("left") < position("Wrap-up"));
    assert_eq!(lines.iter().filter(|l| l.starts_with("Wrap-up")).count(), 1, "acw and wrapup: one line");
    let incoming: Vec<_> = seen
        .iter()
        .filter_map(|e| match e {
            Event::TrafficRecorded(t) if t.direction == Direction::Incoming => Some(t.clone()),
            _ => None,
        })
        .collect();
    assert!(incoming.iter().all(|t| t.verdict == Some(SignatureVerdict::Valid) && t.status == Some(200)));
    assert!(seen.iter().any(|e| matches!(e, Event::TrafficRecorded(t) if t.direction == Direction::Socket)));
    run.shut_down().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_finished_chat_is_in_the_history_after_the_engine_stopped() {
    let mut run = start().await;
    run.chat_until_wrap_up().await;
    let setup = run.shut_down().await;
    let db = Db::open(&setup.paths.history_db()).unwrap();
    let messages = db.list_messages("Emulator", "jane@example.com").unwrap();
    let agent_texts: Vec<_> =
        messages.iter().filter(|m| m.sender == Sender::Agent && m.kind == MessageKind::Text).collect();
    assert_eq!(agent_texts.len(), 2, "{messages:#?}");
    assert_eq!(agent_texts[0].status, DeliveryStatus::Delivered);
    let customer: Vec<_> = messages.iter().filter(|m| m.sender == Sender::Customer).collect();
    assert_eq!(customer.len(), 2);
    assert!(customer.iter().all(|m| m.status == DeliveryStatus::Sent && m.genesys_id.is_some()));
    let presence: Vec<_> =
        messages.iter().filter(|m| m.kind == MessageKind::Presence).map(|m| m.text.as_str()).collect();
    assert!(presence.iter().any(|t| t.contains("joined")) && presence.iter().any(|t| t.starts_with("Wrap-up")));
    let deliveries = db
        .list_traffic(&TrafficQuery::first(
            TrafficFilter { direction: Some(Direction::Incoming), ..TrafficFilter::default() },
            100,
        ))
        .unwrap();
    let reply_id = agent_texts[0].genesys_id.clone().expect("the webhook payload id");
    let reply_rows = deliveries.iter().filter(|t| t.request_body.contains(&reply_id)).count();
    assert_eq!(reply_rows, 2, "both attempts of the first reply are in the traffic history");
    let outgoing = db
        .list_traffic(&TrafficQuery::first(
            TrafficFilter { direction: Some(Direction::Outgoing), ..TrafficFilter::default() },
            100,
        ))
        .unwrap();
    assert!(outgoing.iter().any(|t| t.url.ends_with("/oauth/token")));
    let everything = serde_json::to_string(&outgoing).unwrap();
    assert!(!everything.contains(defaults::EMULATOR_CLIENT_SECRET), "the client secret never reaches the history");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_image_is_served_by_the_listener_and_the_agent_image_is_downloaded() {
    let setup = engine_support::emulator_and_home().await;
    let picture = setup.home.path().join("broken-box.png");
    std::fs::write(&picture, include_bytes!("../assets/emulator/agent.png")).unwrap();

    let (handle, rx, task) =
        engine::spawn(&tokio::runtime::Handle::current(), setup.engine_config(true), Arc::new(|| {}));
    let mut events = Events { rx, seen: Vec::new() };
    let Event::ListenerStarted { addr, .. } =
        events.wait("the listener", |e| matches!(e, Event::ListenerStarted { .. })).await
    else {
        unreachable!()
    };
    setup.deliver_to(addr);

    handle.send(Command::SendImage {
        env: Environment::Development,
        account: "Emulator".into(),
        customer_id: "jane@example.com".into(),
        path: picture,
    });
    let Event::ChatMessageUpdated(sent) = events
        .wait("the image sent", |e| {
            matches!(e, Event::ChatMessageUpdated(m) if m.sender == Sender::Customer && m.status == DeliveryStatus::Sent)
        })
        .await
    else {
        unreachable!()
    };
    // Genesys fetches inbound images by URL: the listener serves the file.
    let url = sent.attachments[0].url.clone();
    assert!(url.starts_with(&format!("http://{addr}/media/")), "{url}");
    let served = reqwest::get(&url).await.unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.bytes().await.unwrap().as_ref(), include_bytes!("../assets/emulator/agent.png"));

    // The agent answers with a picture of its own, downloaded for inline display.
    let Event::ChatMessageUpdated(agent) = events
        .wait("the agent image downloaded", |e| {
            matches!(e, Event::ChatMessageUpdated(m) if m.sender == Sender::Agent
                && m.attachments.iter().any(|a| a.local_path.is_some()))
        })
        .await
    else {
        unreachable!()
    };
    let local = agent.attachments[0].local_path.clone().unwrap();
    assert!(std::fs::read(&local).unwrap().starts_with(b"\x89PNG"), "{local}");

    handle.send(Command::Shutdown);
    tokio::time::timeout(Duration::from_secs(10), task).await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_accounts_file_is_kept_aside_and_the_app_starts_fresh() {
    let home = tempfile::tempdir().unwrap();
    let paths = genesys_desk::config::Paths::under(home.path());
    std::fs::create_dir_all(&paths.config_dir).unwrap();
    std::fs::write(paths.accounts_file(), b"{ \"version\": 1, \"accounts\": [ truncated").unwrap();
    let config = engine::EngineConfig {
        listener: Some(engine::ListenerSetup { addr: "127.0.0.1:0".parse().unwrap(), accounts: None }),
        emulator: None,
        in_memory_history: true,
        ..engine::EngineConfig::new(paths.clone())
    };
    let (handle, rx, task) = engine::spawn(&tokio::runtime::Handle::current(), config, Arc::new(|| {}));
    let mut events = Events { rx, seen: Vec::new() };
    let Event::Toast { text, .. } = events.wait("the toast", |e| matches!(e, Event::Toast { .. })).await else {
        unreachable!()
    };
    assert!(text.contains("accounts.json") && text.contains("kept as"), "{text}");
    let Event::AccountsLoaded { accounts, .. } =
        events.wait("accounts", |e| matches!(e, Event::AccountsLoaded { .. })).await
    else {
        unreachable!()
    };
    assert_eq!(accounts[&Environment::Development][0].name, defaults::EMULATOR_ACCOUNT);
    let kept: Vec<_> = std::fs::read_dir(&paths.config_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("corrupt"))
        .map(|e| std::fs::read(e.path()).unwrap())
        .collect();
    assert!(!kept.is_empty() && kept.iter().all(|b| b.ends_with(b"truncated")), "the broken bytes are kept");
    handle.send(Command::Shutdown);
    tokio::time::timeout(Duration::from_secs(10), task).await.unwrap().unwrap();
}
