//! Chat threads in memory: one per (account, customer id), messages ordered by
//! time, plus the agent's typing indicator.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::engine::command::Event;
use crate::model::{ChatMessage, MessageKind, Sender};

/// Most messages a thread keeps in memory; older ones stay in the history
/// database only. Bounds the window's memory however long a chat runs.
pub const MAX_THREAD_MESSAGES: usize = 2_000;

/// How long "agent is typing…" stays after the last typing event.
pub const TYPING_SHOWN_FOR: Duration = Duration::from_secs(5);

pub use crate::model::ThreadKey;

#[derive(Debug, Clone, Default)]
pub struct ChatThread {
    /// Ordered by `at`; equal times keep arrival order.
    pub messages: Vec<ChatMessage>,
    /// When the agent last sent a typing event.
    pub typing_at: Option<Instant>,
    /// Where the conversation stands, from the latest presence event.
    pub live: Option<LiveState>,
    /// Older messages no longer held here (see [`MAX_THREAD_MESSAGES`]).
    pub dropped: usize,
    /// Changes with every message added, replaced or dropped (views cache by it).
    pub revision: u64,
}

/// The live state of a conversation, from the Notifications API events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveState {
    WaitingInQueue,
    WithAgent(Option<String>),
    Ended,
}

impl LiveState {
    /// The chat header's words.
    pub fn label(&self) -> String {
        match self {
            LiveState::WaitingInQueue => "Waiting in queue".into(),
            LiveState::WithAgent(Some(agent)) => format!("With agent {agent}"),
            LiveState::WithAgent(None) => "With agent".into(),
            LiveState::Ended => "Ended".into(),
        }
    }
}

/// The state after the presence events of `messages`, in timeline order.
fn live_state(messages: &[ChatMessage]) -> Option<LiveState> {
    use crate::genesys::notifications::{PresenceKind, parse_message};
    let mut state = None;
    for m in messages.iter().filter(|m| m.kind == MessageKind::Presence) {
        let Some(Ok(Some(event))) = m.raw.as_deref().map(parse_message) else { continue };
        state = match event.kind {
            PresenceKind::Queued { .. } => Some(LiveState::WaitingInQueue),
            PresenceKind::AgentJoined { user_id } => Some(LiveState::WithAgent(user_id)),
            PresenceKind::AgentLeft { .. } | PresenceKind::CustomerLeft | PresenceKind::WrapUp { .. } => {
                Some(LiveState::Ended)
            }
            PresenceKind::Other { .. } => state,
        };
    }
    state
}

impl ChatThread {
    /// True while the typing indicator should be shown at `now`.
    pub fn agent_typing(&self, now: Instant) -> bool {
        self.typing_at.is_some_and(|t| now.saturating_duration_since(t) < TYPING_SHOWN_FOR)
    }

    /// The customer's display name (from the first customer message that names it).
    pub fn title(&self) -> Option<&str> {
        self.messages.iter().find(|m| m.sender == Sender::Customer).and_then(|m| m.sender_name.as_deref())
    }

    fn position(&self, msg: &ChatMessage) -> Option<usize> {
        if let Some(id) = msg.id
            && let Some(i) = self.messages.iter().position(|m| m.id == Some(id))
        {
            return Some(i);
        }
        let gid = msg.genesys_id.as_deref()?;
        self.messages.iter().position(|m| m.genesys_id.as_deref() == Some(gid) && m.sender == msg.sender)
    }

    fn insert(&mut self, msg: ChatMessage) {
        let at = msg.at;
        let presence = msg.kind == MessageKind::Presence;
        let index = self.messages.partition_point(|m| m.at <= at);
        self.messages.insert(index, msg);
        self.revision += 1;
        if presence {
            self.live = live_state(&self.messages);
        }
        let excess = self.messages.len().saturating_sub(MAX_THREAD_MESSAGES);
        if excess > 0 {
            self.messages.drain(..excess);
            self.dropped += excess;
        }
    }
}

/// All threads.
#[derive(Debug, Clone, Default)]
pub struct Chats {
    pub threads: BTreeMap<ThreadKey, ChatThread>,
    /// Why agent presence cannot be shown for an account (lower-cased name):
    /// the notification topics were refused (a missing permission).
    presence_problems: BTreeMap<String, String>,
}

impl Chats {
    /// Records why presence is unavailable for `account` (the latest reason wins).
    pub fn set_presence_problem(&mut self, account: &str, message: String) {
        self.presence_problems.insert(account.to_lowercase(), message);
    }

    /// A customer id for a new conversation of the customer `customer_id`:
    /// Genesys continues a conversation for the same id within the threading
    /// timeline, so a new conversation needs a new id. Emails get a plus tag
    /// (`jane+2@example.com`, still the same mailbox), other ids a `-2` suffix;
    /// the first number no thread of `account` uses.
    pub fn fresh_customer_id(&self, account: &str, customer_id: &str) -> String {
        let (stem, domain) = match customer_id.split_once('@') {
            Some((local, domain)) => (local.split_once('+').map_or(local, |(base, _)| base), Some(domain)),
            None => (customer_id, None),
        };
        (2u32..)
            .map(|n| match domain {
                Some(domain) => format!("{stem}+{n}@{domain}"),
                None => format!("{stem}-{n}"),
            })
            .find(|id| !self.threads.contains_key(&ThreadKey::new(account, id.clone())))
            .unwrap_or_else(|| customer_id.to_string())
    }

    /// Why presence is unavailable for `account`, if it is.
    pub fn presence_problem(&self, account: &str) -> Option<&str> {
        self.presence_problems.get(&account.to_lowercase()).map(String::as_str)
    }

    /// A new message (or one we already have: then it replaces it).
    pub fn add(&mut self, msg: ChatMessage, now: Instant) {
        let thread = self.threads.entry(msg.thread_key()).or_default();
        if msg.kind == MessageKind::Typing {
            if msg.sender == Sender::Agent {
                thread.typing_at = Some(now);
            }
            return;
        }
        if msg.sender == Sender::Agent {
            // The agent's message ends their typing.
            thread.typing_at = None;
        }
        match thread.position(&msg) {
            Some(i) => {
                thread.messages[i] = msg;
                thread.revision += 1;
            }
            None => thread.insert(msg),
        }
    }

    /// A changed message (status, downloaded image); unknown ones are added.
    pub fn update(&mut self, msg: ChatMessage, now: Instant) {
        let key = msg.thread_key();
        if let Some(thread) = self.threads.get_mut(&key)
            && let Some(i) = thread.position(&msg)
        {
            if thread.messages[i].at == msg.at {
                thread.messages[i] = msg;
                thread.revision += 1;
            } else {
                thread.messages.remove(i);
                thread.insert(msg);
            }
            return;
        }
        self.add(msg, now);
    }

    pub fn typing(&mut self, key: ThreadKey, now: Instant) {
        self.threads.entry(key).or_default().typing_at = Some(now);
    }

    pub fn thread(&self, key: &ThreadKey) -> Option<&ChatThread> {
        self.threads.get(key)
    }

    pub fn ensure(&mut self, key: ThreadKey) {
        self.threads.entry(key).or_default();
    }

    /// Applies a chat event (the start form's outcome is the Chats view's).
    pub fn apply(&mut self, event: Event, now: Instant) {
        match event {
            Event::ChatStarted { account, customer_id, .. } => self.ensure(ThreadKey::new(account, customer_id)),
            Event::ChatMessageAdded(msg) => self.add(msg, now),
            Event::ChatMessageUpdated(msg) => self.update(msg, now),
            Event::AgentTyping { account, customer_id } => self.typing(ThreadKey::new(account, customer_id), now),
            Event::PresenceUnavailable { account, message } => self.set_presence_problem(&account, message),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;
    use time::macros::datetime;

    use super::*;
    use crate::model::DeliveryStatus;

    pub(crate) fn msg(sender: Sender, text: &str, at: OffsetDateTime) -> ChatMessage {
        ChatMessage {
            id: None,
            account: "Emulator".into(),
            customer_id: "c1".into(),
            conversation_id: None,
            genesys_id: Some(format!("g-{text}")),
            sender,
            sender_name: None,
            kind: MessageKind::Text,
            text: text.into(),
            attachments: vec![],
            at,
            status: DeliveryStatus::Received,
            raw: None,
        }
    }

    #[test]
    fn messages_are_ordered_by_time_and_updates_replace() {
        let now = Instant::now();
        let mut chats = Chats::default();
        chats.add(msg(Sender::Customer, "b", datetime!(2026-01-01 10:00:02 UTC)), now);
        chats.add(msg(Sender::Customer, "a", datetime!(2026-01-01 10:00:01 UTC)), now);
        chats.add(msg(Sender::Agent, "c", datetime!(2026-01-01 10:00:03 UTC)), now);
        let mut updated = msg(Sender::Agent, "c", datetime!(2026-01-01 10:00:03 UTC));
        updated.status = DeliveryStatus::Delivered;
        chats.update(updated, now);
        let t = chats.thread(&ThreadKey::new("Emulator", "c1")).unwrap();
        let texts: Vec<_> = t.messages.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(texts, ["a", "b", "c"]);
        assert_eq!(t.messages[2].status, DeliveryStatus::Delivered);
    }

    #[test]
    fn typing_expires_and_ends_with_the_agent_message() {
        let t0 = Instant::now();
        let mut chats = Chats::default();
        let key = ThreadKey::new("Emulator", "c1");
        chats.typing(key.clone(), t0);
        assert!(chats.thread(&key).unwrap().agent_typing(t0 + Duration::from_secs(1)));
        assert!(!chats.thread(&key).unwrap().agent_typing(t0 + TYPING_SHOWN_FOR));
        chats.typing(key.clone(), t0);
        chats.add(msg(Sender::Agent, "hi", datetime!(2026-01-01 10:00:03 UTC)), t0);
        assert!(!chats.thread(&key).unwrap().agent_typing(t0));
    }

    #[test]
    fn a_new_conversation_gets_the_first_unused_customer_id() {
        let mut chats = Chats::default();
        chats.ensure(ThreadKey::new("Emulator", "jane@example.com"));
        assert_eq!(chats.fresh_customer_id("Emulator", "jane@example.com"), "jane+2@example.com");
        chats.ensure(ThreadKey::new("Emulator", "jane+2@example.com"));
        assert_eq!(chats.fresh_customer_id("Emulator", "jane+2@example.com"), "jane+3@example.com");
        assert_eq!(chats.fresh_customer_id("Other", "jane@example.com"), "jane+2@example.com");
        assert_eq!(chats.fresh_customer_id("Emulator", "customer-7"), "customer-7-2");
    }

    #[test]
    fn a_long_thread_keeps_the_newest_messages_and_counts_the_rest() {
        let mut chats = Chats::default();
        let start = datetime!(2026-01-01 10:00 UTC);
        for i in 0..MAX_THREAD_MESSAGES + 10 {
            let at = start + time::Duration::seconds(i64::try_from(i).unwrap_or(0));
            chats.add(msg(Sender::Agent, &format!("m{i}"), at), Instant::now());
        }
        let t = chats.thread(&ThreadKey::new("Emulator", "c1")).unwrap();
        assert_eq!(t.messages.len(), MAX_THREAD_MESSAGES);
        assert_eq!(t.dropped, 10);
        assert_eq!(t.messages[0].text, "m10", "the oldest ten went");
        assert_eq!(t.messages.last().map(|m| m.text.as_str()), Some(format!("m{}", MAX_THREAD_MESSAGES + 9).as_str()));
    }
}
