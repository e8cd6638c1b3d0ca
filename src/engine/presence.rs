//! Agent joined / left / wrap-up in the chat timeline: one notifications
//! session per account, watching the conversations its chats belong to.

use std::collections::HashMap;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::chat::store_and_show;
use super::command::{Event, HeadlessEvent, ToastLevel};
use super::worker::Shared;
use crate::genesys::Client;
use crate::genesys::notifications::{
    NotifierEvent, PresenceEvent, SessionOptions, WatchCommand, missing_permission_message, run_session,
};
use crate::model::{ChatMessage, DeliveryStatus, Direction, MessageKind, Sender, TrafficEntry};

struct Session {
    commands: mpsc::UnboundedSender<WatchCommand>,
    cancel: CancellationToken,
    rejection_reported: bool,
}

pub(super) struct Presence {
    events: mpsc::UnboundedSender<(String, NotifierEvent)>,
    tasks: TaskTracker,
    /// To the recorder task, which stores presence changes in arrival order
    /// (dropped at shutdown, which ends it).
    records: Option<mpsc::UnboundedSender<Record>>,
    sessions: HashMap<String, Session>,
    /// conversation id → (account, customer id)
    conversations: HashMap<String, (String, String)>,
}

impl Presence {
    pub fn new(events: mpsc::UnboundedSender<(String, NotifierEvent)>, shared: &Shared) -> Self {
        let (records, mut queue) = mpsc::unbounded_channel::<Record>();
        let recorder = shared.clone();
        shared.tasks.spawn(async move {
            while let Some(record) = queue.recv().await {
                record.store(&recorder).await;
            }
        });
        Self {
            events,
            tasks: shared.tasks.clone(),
            records: Some(records),
            sessions: HashMap::new(),
            conversations: HashMap::new(),
        }
    }

    /// Starts watching a conversation (and the account's session if needed).
    /// Whether `conversation_id` is already watched.
    pub fn is_watching(&self, conversation_id: &str) -> bool {
        self.conversations.contains_key(conversation_id)
    }

    pub fn watch(&mut self, account: &str, client: Client, conversation_id: &str, customer_id: &str) {
        if self.conversations.contains_key(conversation_id) {
            return;
        }
        self.conversations.insert(conversation_id.to_string(), (account.to_string(), customer_id.to_string()));
        let session = self.sessions.entry(account.to_lowercase()).or_insert_with(|| {
            let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
            let (ev_tx, mut ev_rx) = mpsc::unbounded_channel();
            let cancel = CancellationToken::new();
            self.tasks.spawn(run_session(client, SessionOptions::default(), cmd_rx, ev_tx, cancel.clone()));
            let forward = self.events.clone();
            let name = account.to_string();
            self.tasks.spawn(async move {
                while let Some(event) = ev_rx.recv().await {
                    if forward.send((name.clone(), event)).is_err() {
                        break;
                    }
                }
            });
            Session { commands: cmd_tx, cancel, rejection_reported: false }
        });
        let _ = session.commands.send(WatchCommand::Watch(conversation_id.to_string()));
    }

    /// Reports a notifications event; storing it happens off the loop.
    pub fn on_event(&mut self, shared: &Shared, account: &str, event: NotifierEvent) {
        match event {
            NotifierEvent::Presence(presence) => {
                let customer_id = self
                    .conversations
                    .get(&presence.conversation_id)
                    .map(|(_, c)| c.clone())
                    .unwrap_or_else(|| presence.conversation_id.clone());
                shared.events.send(Event::Headless(HeadlessEvent::PresenceChanged {
                    account: account.to_string(),
                    conversation_id: presence.conversation_id.clone(),
                    kind: presence.kind.clone(),
                    at: presence.at,
                    text: presence.kind.describe(None),
                }));
                if let Some(records) = &self.records {
                    let _ = records.send(Record { account: account.to_string(), customer_id, presence });
                }
            }
            NotifierEvent::Rejected { missing_permissions, .. } => {
                if let Some(session) = self.sessions.get_mut(&account.to_lowercase())
                    && !session.rejection_reported
                {
                    session.rejection_reported = true;
                    let message = missing_permission_message(&missing_permissions);
                    shared.events.send(Event::PresenceUnavailable { account: account.to_string(), message });
                }
            }
            NotifierEvent::SubscribeFailed { error, retry_in } | NotifierEvent::Disconnected { error, retry_in } => {
                tracing::info!("{account}: notifications interrupted ({error}); retry in {retry_in:?}");
                let account = account.to_string();
                shared.events.send(Event::Headless(HeadlessEvent::NotificationsRetrying { account, error }));
            }
            NotifierEvent::WatchFailed { message, .. } => shared.toast(ToastLevel::Warning, message),
            NotifierEvent::Connected { .. } | NotifierEvent::Heartbeat => {}
        }
    }

    pub fn shutdown(&mut self) {
        self.records = None;
        for session in self.sessions.values() {
            session.cancel.cancel();
        }
        self.sessions.clear();
    }
}

/// A presence change to store.
struct Record {
    account: String,
    customer_id: String,
    presence: PresenceEvent,
}

impl Record {
    /// Stores the socket event as traffic (a snapshot's GET is already there
    /// as the API call it was) and the chat line.
    async fn store(self, shared: &Shared) {
        let Record { account, customer_id, presence } = self;
        if !presence.from_snapshot {
            let mut entry = TrafficEntry::new(Direction::Socket, &account, "WS", &presence.topic);
            entry.response_body = presence.raw.clone();
            match shared.writer.insert_traffic(entry.clone()).await {
                Ok(id) => entry.id = Some(id),
                Err(e) => tracing::warn!("socket event not stored: {e}"),
            }
            shared.events.send(Event::TrafficRecorded(entry));
        }
        let message = ChatMessage {
            id: None,
            account,
            customer_id,
            conversation_id: Some(presence.conversation_id.clone()),
            genesys_id: None,
            sender: Sender::System,
            sender_name: None,
            kind: MessageKind::Presence,
            text: presence.kind.describe(None),
            attachments: Vec::new(),
            at: presence.at,
            status: DeliveryStatus::Received,
            raw: Some(presence.raw),
        };
        store_and_show(shared, message).await;
    }
}
