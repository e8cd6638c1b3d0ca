//! The engine task: one loop that owns the long-lived pieces. Each command
//! is one call; work that waits (network, history writes) is spawned on one
//! `TaskTracker`, so the loop never queues commands behind it and shutdown
//! can close the tracker and wait for what is still running.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::task::TaskTracker;

use super::accounts::Accounts;
use super::command::{Command, Event, HeadlessEvent, ToastLevel};
use super::presence::Presence;
use super::services::{self, ListenerParts};
use super::{EngineConfig, EventSender, bind, chat};
use crate::emulator::RunningEmulator;
use crate::genesys::Customer;
use crate::model::ThreadKey;
use crate::model::TrafficEntry;
use crate::storage::WriterHandle;
use crate::webhook::{Delivery, RunningListener};

/// Newest traffic rows sent to the UI at start-up.
const HISTORY_TRAFFIC_ROWS: usize = 5_000;

/// Finished scenario runs the window gets at start-up (for comparing).
const RUNS_LOADED: usize = 20;

/// How long shutdown waits for spawned work (a verify or send in flight).
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// What the spawned tasks share with the loop.
#[derive(Clone)]
pub(super) struct Shared {
    pub events: EventSender,
    pub writer: WriterHandle,
    /// Every spawned task; shutdown closes and awaits it.
    pub tasks: TaskTracker,
    pub auto_delivered: Arc<AtomicBool>,
    /// Customers started from the ticket form, by (account, customer id), so
    /// later messages carry the same name.
    pub customers: Arc<Mutex<HashMap<ThreadKey, Customer>>>,
    pub listener_base: Arc<Mutex<Option<String>>>,
    pub media: Arc<Mutex<Option<Arc<crate::webhook::media::MediaStore>>>>,
    pub media_dir: std::path::PathBuf,
    /// Conversations to watch for presence events, learnt from a send
    /// response (`prefetchConversationId=true`).
    pub watch: mpsc::UnboundedSender<WatchRequest>,
    /// Work a spawned task hands back to the engine loop.
    pub after: mpsc::UnboundedSender<super::provision::AfterTask>,
    /// Commands to this engine (a scenario run sends its customers' requests).
    /// Weak, so the loop still ends when every front end's handle is gone.
    pub commands: mpsc::WeakUnboundedSender<Command>,
}

/// A conversation to watch, and the chat thread its events belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchRequest {
    pub thread: ThreadKey,
    pub conversation_id: String,
}

impl Shared {
    /// Hands `done` back to the engine loop (dropped when the engine stopped).
    pub fn after(&self, done: super::provision::AfterTask) {
        let _ = self.after.send(done);
    }

    pub fn toast(&self, level: ToastLevel, text: impl Into<String>) {
        self.events.send(Event::Toast { level, text: text.into() });
    }
}

pub(super) struct Engine {
    pub config: EngineConfig,
    pub shared: Shared,
    pub accounts: Accounts,
    pub listener: Option<RunningListener>,
    emulator: Option<RunningEmulator>,
    deliveries_tx: mpsc::UnboundedSender<Delivery>,
    pub presence: Presence,
    /// The running tunnel (its child ends when dropped: on stop and shutdown).
    pub tunnel: Option<super::tunnel::Tunnel>,
    /// Scenario runs going, by run id.
    pub runs: HashMap<String, tokio_util::sync::CancellationToken>,
}

/// The receiving ends the loop selects on.
struct Inputs {
    commands: mpsc::UnboundedReceiver<Command>,
    traffic: mpsc::UnboundedReceiver<TrafficEntry>,
    deliveries: mpsc::UnboundedReceiver<Delivery>,
    watch: mpsc::UnboundedReceiver<WatchRequest>,
    presence: mpsc::UnboundedReceiver<(String, crate::genesys::notifications::NotifierEvent)>,
    after: mpsc::UnboundedReceiver<super::provision::AfterTask>,
}

pub(super) async fn run(
    config: EngineConfig,
    commands: mpsc::UnboundedReceiver<Command>,
    commands_tx: mpsc::WeakUnboundedSender<Command>,
    events: EventSender,
) {
    let Some(writer) = services::open_history(&config, &events) else { return };
    let (traffic_tx, traffic) = mpsc::unbounded_channel();
    let (deliveries_tx, deliveries) = mpsc::unbounded_channel();
    let (presence_tx, presence) = mpsc::unbounded_channel();
    let (watch_tx, watch) = mpsc::unbounded_channel();
    let (after_tx, after) = mpsc::unbounded_channel();
    let tasks = TaskTracker::new();
    let shared = Shared {
        events: events.clone(),
        writer,
        tasks: tasks.clone(),
        auto_delivered: Arc::new(AtomicBool::new(true)),
        customers: Arc::default(),
        listener_base: Arc::default(),
        media: Arc::default(),
        media_dir: config.paths.media_dir(),
        watch: watch_tx,
        after: after_tx,
        commands: commands_tx,
    };
    let sink: crate::model::traffic::TrafficSink = Arc::new(move |entry| {
        let _ = traffic_tx.send(entry);
    });
    let mut engine = Engine {
        accounts: Accounts::open(&config, sink, &events),
        presence: Presence::new(presence_tx, &shared),
        config,
        shared,
        listener: None,
        emulator: None,
        deliveries_tx,
        tunnel: None,
        runs: HashMap::new(),
    };
    let mut inputs = Inputs { commands, traffic, deliveries, watch, presence, after };
    engine.start().await;
    engine.serve(&mut inputs).await;
    engine.shutdown(&mut inputs).await;
}

impl Engine {
    async fn start(&mut self) {
        self.accounts.emit(&self.shared.events);
        self.emit_support();
        // Before the listener starts, so no live row is also in the loaded history.
        if self.config.load_history {
            load_history(self.shared.clone()).await;
        }
        if let Some((addr, config)) = self.config.emulator.clone() {
            self.emulator = services::start_emulator(addr, config, &self.shared.events).await;
        }
        if let Some(setup) = &self.config.listener {
            self.start_listener(setup.addr).await;
        }
    }

    async fn serve(&mut self, inputs: &mut Inputs) {
        loop {
            tokio::select! {
                command = inputs.commands.recv() => match command {
                    None | Some(Command::Shutdown) => break,
                    Some(command) => self.handle(command).await,
                },
                Some(entry) = inputs.traffic.recv() => self.spawn(record_traffic(self.shared.clone(), entry)),
                Some(delivery) = inputs.deliveries.recv() => self.on_delivery(delivery),
                Some(w) = inputs.watch.recv() => {
                    self.watch_conversation(&w.thread.account, &w.conversation_id, &w.thread.customer_id)
                }
                Some((account, event)) = inputs.presence.recv() => self.presence.on_event(&self.shared, &account, event),
                Some(done) = inputs.after.recv() => self.after_task(done),
            }
        }
    }

    async fn handle(&mut self, command: Command) {
        match command {
            Command::SaveAccount { env, original_name, draft } => self.save_account(env, original_name, draft),
            Command::DeleteAccount { env, name } => self.delete_account(env, name),
            Command::SetTier(tier) => self.set_tier(tier),
            Command::Verify { request, env, account, include_send } => {
                self.verify(request, env, &account, include_send)
            }
            Command::ListIntegrations { request, env, account } => self.list_integrations(request, env, &account),
            Command::PointWebhook { env, account, url } => self.point_webhook(env, &account, url),
            Command::StartRun(request) => self.start_run(request),
            Command::SetEmulatorAgent { reply_delay, script } => self.set_emulator_agent(reply_delay, script),
            Command::StopRun { run_id } => self.stop_run(&run_id),
            Command::RecordRun(run) => self.record_run(*run),
            Command::SetFault { account, fault } => self.set_fault(account, fault),
            Command::OpenPath(path) => self.open_path(path),
            Command::ImportHar(path) => self.import_har(path),
            Command::ExportAccounts { env, path } => self.export_accounts(env, path),
            Command::ReadAccountsFile(path) => self.read_accounts_file(path),
            Command::ImportAccounts { env, accounts } => self.import_accounts(env, accounts),
            Command::DeliverAsGenesys(request) => self.deliver_as_genesys(request),
            Command::CustomerAct { request, env, account, customer, action } => {
                self.customer_act(request, env, &account, customer, action);
            }
            Command::RotateSecret { request, env, account } => self.rotate_secret(request, env, &account),
            Command::ShowIntegration { request, env, account } => self.show_integration(request, env, &account),
            Command::StartTunnel(kind) => self.start_tunnel(kind),
            Command::StopTunnel => self.stop_tunnel(),
            Command::CreateIntegration { request, env, account, name } => {
                self.create_integration(request, env, &account, name)
            }
            Command::StartChat { request, env, account, ticket } => self.start_chat(request, env, &account, ticket),
            Command::SendText { env, account, customer_id, text } => self.send_text(env, &account, customer_id, text),
            Command::SendTyping { env, account, customer_id } => self.send_typing(env, &account, customer_id),
            Command::SendButtonResponse { env, account, customer_id, originating_message_id, response } => {
                self.send_button_response(env, &account, customer_id, originating_message_id, response);
            }
            Command::SendImage { env, account, customer_id, path } => self.send_image(env, &account, customer_id, path),
            Command::SendReceipt { env, account, customer_id, message_id, row, outcome } => {
                self.send_receipt(env, &account, (customer_id, message_id, row), outcome)
            }
            Command::SendMessage { request, env, account, message, local_image, watch } => {
                self.send_message(request, env, &account, *message, local_image, watch)
            }
            Command::SetAutoDelivered(on) => self.shared.auto_delivered.store(on, Ordering::Relaxed),
            Command::SetListenerAddr(addr) => self.set_listener_addr(&addr).await,
            Command::ReplayTraffic { id } => self.replay(id),
            Command::ExportTraffic { path, format, ids } => self.export(path, format, ids),
            // The loop stops before handing Shutdown here.
            Command::Shutdown => {}
        }
    }

    /// Runs `work` on the engine's tracked task set.
    pub fn spawn(&self, work: impl Future<Output = ()> + Send + 'static) {
        self.shared.tasks.spawn(work);
    }

    fn set_emulator_agent(&mut self, reply_delay: Duration, script: crate::emulator::script::AgentScript) {
        let Some(emulator) = &self.emulator else {
            return self.shared.toast(ToastLevel::Warning, "The emulator is not running: nothing to change");
        };
        emulator.update_config(|c| {
            c.agent_reply_delay = reply_delay;
            c.script = script;
        });
        self.shared.toast(ToastLevel::Success, "Emulator agent updated");
    }

    /// Whether the listener takes its accounts from the engine (and follows edits).
    pub fn listener_follows_accounts(&self) -> bool {
        self.config.listener.as_ref().is_none_or(|setup| setup.accounts.is_none())
    }

    async fn set_listener_addr(&mut self, text: &str) {
        match bind::parse_bind(text, bind::DEFAULT_LISTENER_ADDR) {
            Ok(addr) => self.start_listener(addr).await,
            Err(e) => self.shared.events.send(Event::ListenerFailed { error: format!("Listener address {e}") }),
        }
    }

    async fn start_listener(&mut self, addr: SocketAddr) {
        if let Some(old) = self.listener.take() {
            old.shutdown().await;
        }
        let given = self.config.listener.as_ref().and_then(|setup| setup.accounts.clone());
        let accounts = match given {
            Some(accounts) => accounts,
            None => self.accounts.webhook_accounts(&self.shared.events),
        };
        let public_base = self.accounts.all(&self.shared.events).into_iter().find_map(|a| a.public_webhook_base);
        let parts = ListenerParts {
            accounts,
            writer: self.shared.writer.clone(),
            deliveries: self.deliveries_tx.clone(),
            public_base,
        };
        let Some(listener) = services::start_listener(addr, parts, &self.config, &self.shared.events).await else {
            return;
        };
        *lock(&self.shared.listener_base) = Some(bind::local_url(listener.addr()));
        *lock(&self.shared.media) = Some(listener.media());
        self.listener = Some(listener);
    }

    /// Reports a delivery the listener answered, then starts what follows it
    /// (presence watch, image download and receipt).
    fn on_delivery(&mut self, delivery: Delivery) {
        let wanted = self.config.watch_presence || self.config.agent_follow_up;
        let follow = if delivery.duplicate || !wanted { None } else { delivery.chat_message.clone() };
        let verified =
            delivery.traffic.verdict == Some(crate::model::SignatureVerdict::Valid) && !delivery.accepted_unsigned;
        let account = delivery.account.clone();
        self.report_delivery(delivery);
        let Some(message) = follow else { return };
        if let Some(conversation_id) = message.conversation_id.as_ref().filter(|_| self.config.watch_presence) {
            self.watch_conversation(&account, conversation_id, &message.customer_id);
        }
        if message.kind == crate::model::MessageKind::Typing || !self.config.agent_follow_up {
            return;
        }
        // Only a delivery whose signature was verified may lead the token to a download URL.
        if let Some((_, client)) = self.accounts.client_by_name(&account) {
            self.spawn(chat::after_agent_message(self.shared.clone(), client, message, verified));
        }
    }

    /// The events of a delivery: for a window its traffic row and the chat
    /// line or typing; for everyone the whole delivery.
    fn report_delivery(&self, delivery: Delivery) {
        let events = &self.shared.events;
        if self.config.window_events {
            self.report_to_window(&delivery);
        }
        events.send(Event::Headless(HeadlessEvent::WebhookReceived(std::sync::Arc::new(delivery))));
    }

    fn report_to_window(&self, delivery: &Delivery) {
        let events = &self.shared.events;
        events.send(Event::TrafficRecorded(delivery.traffic.clone()));
        if let Some(message) = delivery.chat_message.clone().filter(|_| !delivery.duplicate) {
            if message.kind == crate::model::MessageKind::Typing {
                events.send(Event::AgentTyping { account: message.account, customer_id: message.customer_id });
            } else {
                events.send(Event::ChatMessageAdded(message));
            }
        }
    }

    fn watch_conversation(&mut self, account: &str, conversation_id: &str, customer_id: &str) {
        // Every message of a conversation names it: only the first needs the account's client.
        if self.presence.is_watching(conversation_id) {
            return;
        }
        if let Some((account, client)) = self.accounts.client_by_name(account) {
            self.presence.watch(&account.name, client, conversation_id, customer_id);
        }
    }

    /// Stops the sockets and the listener (reporting what it answered
    /// meanwhile), then the emulator; waits for spawned work and flushes the history.
    async fn shutdown(&mut self, inputs: &mut Inputs) {
        // The tunnel's child process ends first: nothing should reach a listener that stops.
        self.tunnel = None;
        for (_, run) in self.runs.drain() {
            run.cancel();
        }
        self.presence.shutdown();
        if let Some(listener) = self.listener.take() {
            listener.shutdown().await;
        }
        while let Ok(delivery) = inputs.deliveries.try_recv() {
            self.report_delivery(delivery);
        }
        if let Some(emulator) = self.emulator.take() {
            emulator.shutdown().await;
        }
        self.shared.tasks.close();
        if tokio::time::timeout(SHUTDOWN_GRACE, self.shared.tasks.wait()).await.is_err() {
            tracing::warn!("engine tasks still running after {} s; stopping anyway", SHUTDOWN_GRACE.as_secs());
        }
        while let Ok(entry) = inputs.traffic.try_recv() {
            record_traffic(self.shared.clone(), entry).await;
        }
        if let Err(e) = self.shared.writer.flush().await {
            self.shared.toast(ToastLevel::Error, format!("History not saved: {e}"));
        }
    }
}

/// Stores a client's request and shows it in Traffic.
async fn record_traffic(shared: Shared, mut entry: TrafficEntry) {
    match shared.writer.insert_traffic(entry.clone()).await {
        Ok(id) => entry.id = Some(id),
        Err(e) => tracing::warn!("traffic row not stored: {e}"),
    }
    shared.events.send(Event::TrafficRecorded(entry));
}

/// The newest traffic and every chat thread, for the window at start-up.
async fn load_history(shared: Shared) {
    let loaded = shared
        .writer
        .run(|db| {
            let query = crate::storage::TrafficQuery::first(Default::default(), HISTORY_TRAFFIC_ROWS);
            let traffic = db.list_traffic(&query)?;
            let mut messages = Vec::new();
            for thread in db.list_threads(None)? {
                messages.extend(db.list_messages(&thread.account, &thread.customer_id)?);
            }
            Ok((messages, traffic, db.recent_runs(RUNS_LOADED)?))
        })
        .await;
    match loaded {
        Ok((messages, traffic, runs)) => {
            shared.events.send(Event::HistoryLoaded { messages, traffic });
            shared.events.send(Event::RunsLoaded(runs));
        }
        Err(e) => shared.toast(ToastLevel::Error, format!("History could not be read: {e}")),
    }
}

/// Locks a mutex, recovering the data if a panicking task poisoned it.
pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
