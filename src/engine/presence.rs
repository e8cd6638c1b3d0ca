//! Agent joined / left / wrap-up in the chat timeline: one notifications
//! session per account, watching the conversations its chats belong to.

use std::collections::HashMap;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::chat::store_and_show;
use super::command::{Event, ToastLevel};
use super::worker::Shared;
use crate::genesys::Client;
use crate::genesys::notifications::{
    NotifierEvent, SessionOptions, WatchCommand, missing_permission_message, run_session,
};
use crate::model::{ChatMessage, DeliveryStatus, Direction, MessageKind, Sender, TrafficEntry};

struct Session {
    commands: mpsc::UnboundedSender<WatchCommand>,
    cancel: CancellationToken,
    rejection_reported: bool,
}

pub(super) struct Presence {
    events: mpsc::UnboundedSender<(String, NotifierEvent)>,
    sessions: HashMap<String, Session>,
    /// conversation id → (account, customer id)
    conversations: HashMap<String, (String, String)>,
}

impl Presence {
    pub fn new(events: mpsc::UnboundedSender<(String, NotifierEvent)>) -> Self {
        Self { events, sessions: HashMap::new(), conversations: HashMap::new() }
    }

    /// Starts watching a conversation (and the account's session if needed).
    pub fn watch(&mut self, account: &str, client: Client, conversation_id: &str, customer_id: &str) {
        if self.conversations.contains_key(conversation_id) {
            return;
        }
        self.conversations.insert(conversation_id.to_string(), (account.to_string(), customer_id.to_string()));
        let session = self.sessions.entry(account.to_lowercase()).or_insert_with(|| {
            let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
            let (ev_tx, mut ev_rx) = mpsc::unbounded_channel();
            let cancel = CancellationToken::new();
            tokio::spawn(run_session(client, SessionOptions::default(), cmd_rx, ev_tx, cancel.clone()));
            let forward = self.events.clone();
            let name = account.to_string();
            tokio::spawn(async move {
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

    pub async fn on_event(&mut self, shared: &Shared, account: &str, event: NotifierEvent) {
        match event {
            NotifierEvent::Presence(presence) => {
                let customer_id = self
                    .conversations
                    .get(&presence.conversation_id)
                    .map(|(_, c)| c.clone())
                    .unwrap_or_else(|| presence.conversation_id.clone());
                // A snapshot's GET is already in the traffic as the API call it was.
                if !presence.from_snapshot {
                    let mut entry = TrafficEntry::new(Direction::Socket, account, "WS", &presence.topic);
                    entry.response_body = presence.raw.clone();
                    match shared.writer.insert_traffic(entry.clone()).await {
                        Ok(id) => entry.id = Some(id),
                        Err(e) => tracing::warn!("socket event not stored: {e}"),
                    }
                    shared.events.send(Event::TrafficRecorded(entry));
                }
                let message = ChatMessage {
                    id: None,
                    account: account.to_string(),
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
            NotifierEvent::Rejected { missing_permissions, .. } => {
                if let Some(session) = self.sessions.get_mut(&account.to_lowercase())
                    && !session.rejection_reported
                {
                    session.rejection_reported = true;
                    let message = missing_permission_message(&missing_permissions);
                    shared.events.send(Event::PresenceUnavailable { account: account.to_string(), message });
                }
            }
            NotifierEvent::SubscribeFailed { error, retry_in } => {
                tracing::info!("{account}: notification subscription failed ({error}); retry in {retry_in:?}")
            }
            NotifierEvent::WatchFailed { message, .. } => shared.toast(ToastLevel::Warning, message),
            NotifierEvent::Disconnected { error, retry_in } => {
                tracing::info!("{account}: notifications disconnected ({error}); retry in {retry_in:?}")
            }
            NotifierEvent::Connected { .. } | NotifierEvent::Heartbeat => {}
        }
    }

    pub fn shutdown(&mut self) {
        for session in self.sessions.values() {
            session.cancel.cancel();
        }
        self.sessions.clear();
    }
}
