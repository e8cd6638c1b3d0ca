//! The engine task: one loop that owns the long-lived pieces and hands
//! one-off work (verify, sends, downloads) to spawned tasks.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

use super::command::{Command, Event, IntegrationSummary, ToastLevel};
use super::presence::Presence;
use super::{EngineConfig, EventSender, chat, traffic};
use crate::config::{Account, AccountStore, Environment, StoreError};
use crate::emulator::{Emulator, RunningEmulator};
use crate::genesys::{self, Client, Customer};
use crate::model::TrafficEntry;
use crate::storage::{Db, Writer, WriterHandle};
use crate::webhook::{Delivery, Listener, ListenerConfig, RunningListener, WebhookAccount};

/// The environments that store accounts (Live and Production only show them).
const STORING: [Environment; 3] = [Environment::Development, Environment::Staging, Environment::Sandbox];

/// Newest traffic rows and chat messages sent to the UI at start-up.
const HISTORY_TRAFFIC_ROWS: usize = 5_000;

/// What the spawned tasks share with the loop.
#[derive(Clone)]
pub(super) struct Shared {
    pub events: EventSender,
    pub writer: WriterHandle,
    pub auto_delivered: Arc<AtomicBool>,
    /// Customers started from the ticket form, by (account, customer id), so
    /// later messages carry the same name.
    pub customers: Arc<Mutex<HashMap<(String, String), Customer>>>,
    pub listener_base: Arc<Mutex<Option<String>>>,
    pub media: Arc<Mutex<Option<Arc<crate::webhook::media::MediaStore>>>>,
    pub media_dir: std::path::PathBuf,
    /// (account, conversation id, customer id) to watch for presence events,
    /// learnt from a send response (`prefetchConversationId=true`).
    pub watch: mpsc::UnboundedSender<(String, String, String)>,
}

impl Shared {
    pub fn toast(&self, level: ToastLevel, text: impl Into<String>) {
        self.events.send(Event::Toast { level, text: text.into() });
    }
}

struct Engine {
    config: EngineConfig,
    shared: Shared,
    store: Option<AccountStore>,
    listener: Option<RunningListener>,
    emulator: Option<RunningEmulator>,
    clients: HashMap<(Environment, String), Client>,
    traffic_tx: mpsc::UnboundedSender<TrafficEntry>,
    deliveries_tx: mpsc::UnboundedSender<Delivery>,
    presence: Presence,
}

pub(super) async fn run(config: EngineConfig, mut commands: mpsc::UnboundedReceiver<Command>, events: EventSender) {
    let db = if config.in_memory_history { Db::open_in_memory() } else { Db::open(&config.paths.history_db()) };
    let db = match db {
        Ok(db) => db,
        Err(e) => {
            events.send(Event::Toast {
                level: ToastLevel::Error,
                text: format!(
                    "History database {} cannot be opened ({e}); using an in-memory history for this session",
                    config.paths.history_db().display()
                ),
            });
            match Db::open_in_memory() {
                Ok(db) => db,
                Err(e) => {
                    events.send(Event::Toast { level: ToastLevel::Error, text: format!("No history store: {e}") });
                    return;
                }
            }
        }
    };
    let writer = match Writer::spawn(db) {
        Ok(w) => w,
        Err(e) => {
            events
                .send(Event::Toast { level: ToastLevel::Error, text: format!("Cannot start the history writer: {e}") });
            return;
        }
    };
    let (traffic_tx, mut traffic_rx) = mpsc::unbounded_channel();
    let (deliveries_tx, mut deliveries_rx) = mpsc::unbounded_channel();
    let (presence_tx, mut presence_rx) = mpsc::unbounded_channel();
    let (watch_tx, mut watch_rx) = mpsc::unbounded_channel();
    let shared = Shared {
        events: events.clone(),
        writer,
        auto_delivered: Arc::new(AtomicBool::new(true)),
        customers: Arc::default(),
        listener_base: Arc::default(),
        media: Arc::default(),
        media_dir: config.paths.media_dir(),
        watch: watch_tx,
    };
    let mut engine = Engine {
        presence: Presence::new(presence_tx),
        config,
        shared,
        store: None,
        listener: None,
        emulator: None,
        clients: HashMap::new(),
        traffic_tx,
        deliveries_tx,
    };
    engine.start().await;
    loop {
        tokio::select! {
            command = commands.recv() => match command {
                None | Some(Command::Shutdown) => break,
                Some(command) => engine.handle(command).await,
            },
            Some(entry) = traffic_rx.recv() => engine.record_traffic(entry).await,
            Some(delivery) = deliveries_rx.recv() => engine.on_delivery(delivery),
            Some((account, conversation, customer)) = watch_rx.recv() => {
                engine.watch_conversation(&account, &conversation, &customer)
            }
            Some((account, event)) = presence_rx.recv() => engine.presence.on_event(&engine.shared, &account, event).await,
        }
    }
    engine.shutdown().await;
}

impl Engine {
    async fn start(&mut self) {
        match AccountStore::open(&self.config.paths) {
            Ok(store) => self.store = Some(store),
            // The window has no other way out of a broken file: keep it aside
            // (never overwritten) and start from the first-run workspace.
            Err(StoreError::Corrupt { file, backup, message }) => {
                match AccountStore::reset_corrupt(&self.config.paths) {
                    Ok(store) => self.store = Some(store),
                    Err(e) => self.shared.toast(ToastLevel::Error, e.to_string()),
                }
                self.shared.toast(
                    ToastLevel::Error,
                    format!(
                        "The accounts file {} could not be read ({message}). It is kept as {}; genesys-desk \
                         started a fresh workspace with the Emulator account. Re-add your accounts or repair the backup.",
                        file.display(),
                        backup.display()
                    ),
                );
            }
            Err(e) => self.shared.toast(ToastLevel::Error, e.to_string()),
        }
        self.emit_accounts();
        self.load_history().await;
        if let Some((addr, config)) = self.config.emulator.clone() {
            match Emulator::start(addr, config).await {
                Ok(emulator) => {
                    self.shared.events.send(Event::EmulatorStarted { addr: emulator.addr() });
                    self.emulator = Some(emulator);
                }
                Err(e) => self.shared.events.send(Event::EmulatorFailed {
                    error: format!(
                        "The embedded emulator could not start on {addr}: {e}. Another genesys-desk or \
                         `genesys-desk emulator` may already run there (the Emulator account works with it too)."
                    ),
                }),
            }
        }
        self.start_listener(self.config.listener_addr).await;
    }

    fn all_accounts(&self) -> Vec<Account> {
        let Some(store) = &self.store else { return Vec::new() };
        STORING.into_iter().flat_map(|env| store.accounts(env).unwrap_or_default()).collect()
    }

    fn webhook_accounts(&self) -> Vec<WebhookAccount> {
        self.all_accounts().iter().map(WebhookAccount::from).collect()
    }

    async fn start_listener(&mut self, addr: std::net::SocketAddr) {
        if let Some(old) = self.listener.take() {
            old.shutdown().await;
        }
        let config = ListenerConfig::new(self.webhook_accounts(), self.config.paths.media_dir());
        match Listener::start(addr, config, self.shared.writer.clone(), self.deliveries_tx.clone()).await {
            Ok(listener) => {
                let addr = listener.addr();
                if let Some(w) = listener.warning() {
                    self.shared.toast(ToastLevel::Warning, w);
                }
                *lock(&self.shared.listener_base) = Some(format!("http://{addr}"));
                *lock(&self.shared.media) = Some(listener.media());
                self.listener = Some(listener);
                let public_base = self.all_accounts().into_iter().find_map(|a| a.public_webhook_base);
                self.shared.events.send(Event::ListenerStarted { addr, public_base });
            }
            Err(e) => self.shared.events.send(Event::ListenerFailed {
                error: format!("The webhook listener could not start on {addr}: {e}. Change the address in Settings."),
            }),
        }
    }

    fn emit_accounts(&self) {
        let Some(store) = &self.store else { return };
        let mut accounts = BTreeMap::new();
        for env in STORING {
            match store.accounts(env) {
                Ok(list) => {
                    accounts.insert(env, list);
                }
                Err(e) => self.shared.toast(ToastLevel::Error, e.to_string()),
            }
        }
        self.shared.events.send(Event::AccountsLoaded {
            tier: store.tier(),
            accounts,
            secret_warning: store.secret_backend().warning(),
        });
    }

    async fn load_history(&self) {
        let loaded = self
            .shared
            .writer
            .call(|db| {
                let traffic = db.list_traffic(&crate::storage::TrafficFilter {
                    limit: HISTORY_TRAFFIC_ROWS,
                    ..Default::default()
                })?;
                let mut messages = Vec::new();
                for thread in db.list_threads(None)? {
                    messages.extend(db.list_messages(&thread.account, &thread.customer_id)?);
                }
                Ok::<_, crate::storage::Error>((messages, traffic))
            })
            .await;
        match loaded {
            Ok(Ok((messages, traffic))) => self.shared.events.send(Event::HistoryLoaded { messages, traffic }),
            Ok(Err(e)) | Err(e) => self.shared.toast(ToastLevel::Error, format!("History could not be read: {e}")),
        }
    }

    /// The client of an account visible in `env`, built once and reused.
    fn client(&mut self, env: Environment, name: &str) -> Result<(Account, Client), String> {
        let store = self.store.as_ref().ok_or("The accounts file could not be opened; see the earlier error")?;
        let account = store.account(env, name).map_err(|e| e.to_string())?;
        let key = (env.source(), account.name.to_lowercase());
        if let Some(client) = self.clients.get(&key) {
            return Ok((account, client.clone()));
        }
        let client = Client::new(&account, self.config.client_options.clone(), Some(self.traffic_sink()))
            .map_err(|e| e.user_message())?;
        self.clients.insert(key, client.clone());
        Ok((account, client))
    }

    /// Where clients and verify runs report their requests: into the loop,
    /// which stores them and shows them in Traffic.
    fn traffic_sink(&self) -> crate::model::traffic::TrafficSink {
        let tx = self.traffic_tx.clone();
        Arc::new(move |entry| {
            let _ = tx.send(entry);
        })
    }

    /// The client of a webhook's account, whichever environment stores it
    /// (the listener path carries only the name).
    fn client_by_name(&mut self, name: &str) -> Option<(Account, Client)> {
        STORING.into_iter().find_map(|env| self.client(env, name).ok())
    }

    fn accounts_changed(&mut self) {
        self.clients.clear();
        if let Some(listener) = &self.listener {
            listener.handle().set_accounts(self.webhook_accounts());
        }
        self.emit_accounts();
    }

    async fn record_traffic(&self, mut entry: TrafficEntry) {
        match self.shared.writer.insert_traffic(entry.clone()).await {
            Ok(id) => entry.id = Some(id),
            Err(e) => tracing::warn!("traffic row not stored: {e}"),
        }
        self.shared.events.send(Event::TrafficRecorded(entry));
    }

    fn on_delivery(&mut self, delivery: Delivery) {
        self.shared.events.send(Event::TrafficRecorded(delivery.traffic.clone()));
        if delivery.duplicate {
            return;
        }
        let Some(message) = delivery.chat_message else { return };
        if let Some(conversation_id) = &message.conversation_id {
            self.watch_conversation(&delivery.account, conversation_id, &message.customer_id);
        }
        if message.kind == crate::model::MessageKind::Typing {
            self.shared
                .events
                .send(Event::AgentTyping { account: message.account.clone(), customer_id: message.customer_id });
            return;
        }
        self.shared.events.send(Event::ChatMessageAdded(message.clone()));
        // Only a delivery whose signature was verified may lead the token to a download URL.
        let verified =
            delivery.traffic.verdict == Some(crate::model::SignatureVerdict::Valid) && !delivery.accepted_unsigned;
        if let Some((_, client)) = self.client_by_name(&delivery.account) {
            tokio::spawn(chat::after_agent_message(self.shared.clone(), client, message, verified));
        }
    }

    fn watch_conversation(&mut self, account: &str, conversation_id: &str, customer_id: &str) {
        if let Some((account, client)) = self.client_by_name(account) {
            self.presence.watch(&account.name, client, conversation_id, customer_id);
        }
    }

    async fn handle(&mut self, command: Command) {
        match command {
            Command::SaveAccount { env, original_name, draft } => {
                let Some(store) = self.store.as_mut() else {
                    return self.shared.toast(ToastLevel::Error, "The accounts file could not be opened");
                };
                match store.save(env, original_name.as_deref(), &draft) {
                    Ok(account) => {
                        self.shared.events.send(Event::AccountSaved { env, name: account.name.clone() });
                        self.shared.toast(ToastLevel::Success, format!("Saved account {}", account.name));
                        self.accounts_changed();
                    }
                    Err(StoreError::Invalid(errors)) => {
                        let message = errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("\n");
                        self.shared.events.send(Event::AccountSaveFailed { env, errors, message });
                    }
                    Err(e) => self.shared.events.send(Event::AccountSaveFailed {
                        env,
                        errors: Vec::new(),
                        message: e.to_string(),
                    }),
                }
            }
            Command::DeleteAccount { env, name } => {
                let Some(store) = self.store.as_mut() else { return };
                match store.remove(env, &name) {
                    Ok(()) => {
                        self.shared.events.send(Event::AccountDeleted { env, name: name.clone() });
                        self.shared.toast(ToastLevel::Info, format!("Deleted account {name}"));
                        self.accounts_changed();
                    }
                    Err(e) => self.shared.toast(ToastLevel::Error, e.to_string()),
                }
            }
            Command::SetTier(tier) => {
                let Some(store) = self.store.as_mut() else { return };
                if let Err(e) = store.set_tier(tier) {
                    self.shared.toast(ToastLevel::Error, e.to_string());
                }
                self.accounts_changed();
            }
            Command::Verify { request, env, account, include_send } => {
                let store = self.store.as_ref().map(|s| s.account(env, &account));
                let Some(Ok(account)) = store else {
                    let report = crate::model::VerifyReport::default();
                    self.shared.toast(ToastLevel::Error, format!("Account {account} is not in {env}"));
                    return self.shared.events.send(Event::VerifyFinished { request, report });
                };
                let shared = self.shared.clone();
                let options = self.config.client_options.clone();
                let sink = self.traffic_sink();
                shared.events.send(Event::VerifyStarted { request, account: account.name.clone() });
                tokio::spawn(async move {
                    let events = shared.events.clone();
                    let report = genesys::verify::run_with_traffic(&account, options, include_send, Some(sink), |c| {
                        events.send(Event::CheckFinished { request, check: c.clone() })
                    })
                    .await;
                    shared.events.send(Event::VerifyFinished { request, report });
                });
            }
            Command::ListIntegrations { request, env, account } => match self.client(env, &account) {
                Ok((_, client)) => {
                    let events = self.shared.events.clone();
                    tokio::spawn(async move {
                        let result = client
                            .integrations()
                            .await
                            .map(|list| {
                                list.into_iter().map(|i| IntegrationSummary { id: i.id, name: i.name }).collect()
                            })
                            .map_err(|e| e.user_message());
                        events.send(Event::IntegrationsListed { request, result });
                    });
                }
                Err(e) => self.shared.events.send(Event::IntegrationsListed { request, result: Err(e) }),
            },
            Command::PointWebhook { env, account, url } => {
                if env.is_read_only() {
                    return self.shared.toast(
                        ToastLevel::Error,
                        format!("{}: the integration's webhook is not changed from here", env.read_only_message()),
                    );
                }
                match self.client(env, &account) {
                    Ok((_, client)) => {
                        let shared = self.shared.clone();
                        tokio::spawn(async move {
                            match client.set_webhook_url(&url).await {
                                Ok(_) => shared
                                    .toast(ToastLevel::Success, format!("Integration webhook now points at {url}")),
                                Err(e) => shared.toast(ToastLevel::Error, e.user_message()),
                            }
                        });
                    }
                    Err(e) => self.shared.toast(ToastLevel::Error, e),
                }
            }
            Command::StartChat { request, env, account, ticket } => match self.client(env, &account) {
                Ok((account, client)) => {
                    tokio::spawn(chat::start_chat(self.shared.clone(), account, client, request, ticket));
                }
                Err(e) => self.shared.events.send(Event::ChatStartFailed { request, message: e, field: None }),
            },
            Command::SendText { env, account, customer_id, text } => match self.client(env, &account) {
                Ok((account, client)) => {
                    tokio::spawn(chat::send_text(self.shared.clone(), account, client, customer_id, text));
                }
                Err(e) => self.shared.toast(ToastLevel::Error, e),
            },
            Command::SendImage { env, account, customer_id, path } => match self.client(env, &account) {
                Ok((account, client)) => {
                    tokio::spawn(chat::send_image(self.shared.clone(), account, client, customer_id, path));
                }
                Err(e) => self.shared.toast(ToastLevel::Error, e),
            },
            Command::SendReceipt { env, account, customer_id, message_id, outcome } => {
                match self.client(env, &account) {
                    Ok((_, client)) => {
                        tokio::spawn(chat::send_receipt(self.shared.clone(), client, customer_id, message_id, outcome));
                    }
                    Err(e) => self.shared.toast(ToastLevel::Error, e),
                }
            }
            Command::SetAutoDelivered(on) => self.shared.auto_delivered.store(on, Ordering::Relaxed),
            Command::SetListenerAddr(addr) => match addr.trim().parse() {
                Ok(addr) => self.start_listener(addr).await,
                Err(_) => self.shared.events.send(Event::ListenerFailed {
                    error: format!("Listener address \"{addr}\" is not IP:PORT, e.g. 127.0.0.1:8787"),
                }),
            },
            Command::ReplayTraffic { id } => {
                let base = lock(&self.shared.listener_base).clone();
                tokio::spawn(traffic::replay(self.shared.clone(), base, id));
            }
            Command::ExportTraffic { path, format, ids } => {
                tokio::spawn(traffic::export(self.shared.clone(), path, format, ids));
            }
            Command::Shutdown => {}
        }
    }

    async fn shutdown(&mut self) {
        self.presence.shutdown();
        if let Some(listener) = self.listener.take() {
            listener.shutdown().await;
        }
        if let Some(emulator) = self.emulator.take() {
            emulator.shutdown().await;
        }
        let _ = self.shared.writer.flush().await;
    }
}

/// Locks a mutex, recovering the data if a panicking task poisoned it.
pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}
