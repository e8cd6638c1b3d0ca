//! What a session remembers between socket messages: the watched
//! conversations (under the topic cap), the messages already seen, and what
//! each conversation's timeline already shows.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use super::{CONVERSATION_TOPICS, PresenceEvent, PresenceKind, conversation_topic};

/// Conversations being watched, in the order they were added; `ended` ones
/// are the first to go when the topic cap is reached.
#[derive(Debug, Default)]
pub(super) struct Watched {
    conversations: BTreeMap<String, bool>,
    order: Vec<String>,
}

impl Watched {
    pub(super) fn topics(&self) -> Vec<String> {
        self.order.iter().flat_map(|c| CONVERSATION_TOPICS.iter().map(move |s| conversation_topic(c, s))).collect()
    }

    pub(super) fn topic_count(&self) -> usize {
        self.order.len() * CONVERSATION_TOPICS.len()
    }

    pub(super) fn remove(&mut self, conversation_id: &str) -> bool {
        self.order.retain(|c| c != conversation_id);
        self.conversations.remove(conversation_id).is_some()
    }

    /// Adds a conversation, evicting ended ones if needed. Returns the evicted
    /// ids, or an error when the cap is full of live conversations.
    pub(super) fn add(&mut self, conversation_id: &str, cap: usize) -> Result<Vec<String>, String> {
        if self.conversations.contains_key(conversation_id) {
            return Ok(Vec::new());
        }
        let mut evicted = Vec::new();
        while self.topic_count() + CONVERSATION_TOPICS.len() > cap {
            let Some(ended) = self.order.iter().find(|c| self.conversations.get(*c) == Some(&true)).cloned() else {
                return Err(format!(
                    "cannot watch conversation {conversation_id}: the notification channel already holds {} topics \
                     (Genesys allows {cap}) for conversations that have not ended",
                    self.topic_count()
                ));
            };
            self.remove(&ended);
            evicted.push(ended);
        }
        self.conversations.insert(conversation_id.to_string(), false);
        self.order.push(conversation_id.to_string());
        Ok(evicted)
    }

    pub(super) fn mark_ended(&mut self, conversation_id: &str) {
        if let Some(ended) = self.conversations.get_mut(conversation_id) {
            *ended = true;
        }
    }

    pub(super) fn live(&self) -> Vec<String> {
        self.order.iter().filter(|c| self.conversations.get(*c) == Some(&false)).cloned().collect()
    }
}

/// Socket messages already reported: a resubscription can deliver the same event again.
#[derive(Default)]
pub(super) struct Seen {
    hashes: HashSet<u64>,
    order: VecDeque<u64>,
}

impl Seen {
    const CAP: usize = 4096;

    pub(super) fn first_time(&mut self, text: &str) -> bool {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        text.hash(&mut hasher);
        let hash = hasher.finish();
        if !self.hashes.insert(hash) {
            return false;
        }
        self.order.push_back(hash);
        if self.order.len() > Self::CAP
            && let Some(old) = self.order.pop_front()
        {
            self.hashes.remove(&old);
        }
        true
    }
}

/// What each conversation's timeline already shows, so the same fact from
/// two sources (`user.start` and `acd.end`, `acw` and `wrapup`, a snapshot and
/// a late socket event) is shown once.
#[derive(Debug, Default)]
pub(super) struct Timeline {
    conversations: HashMap<String, Shown>,
}

#[derive(Debug, Default)]
struct Shown {
    queued: bool,
    /// `Some(user)` while an agent is connected (`Some(None)`: an unnamed one).
    agent: Option<Option<String>>,
    wrapped_up: bool,
    customer_left: bool,
}

impl Timeline {
    pub(super) fn admit(&mut self, event: &PresenceEvent) -> bool {
        let shown = self.conversations.entry(event.conversation_id.clone()).or_default();
        match &event.kind {
            PresenceKind::Queued { .. } => !std::mem::replace(&mut shown.queued, true),
            PresenceKind::AgentJoined { user_id } => match &shown.agent {
                Some(prev) if prev.is_none() || user_id.is_none() || prev == user_id => false,
                _ => {
                    shown.agent = Some(user_id.clone());
                    shown.wrapped_up = false;
                    shown.customer_left = false;
                    true
                }
            },
            PresenceKind::AgentLeft { .. } => {
                shown.agent = None;
                shown.queued = false;
                true
            }
            PresenceKind::WrapUp { .. } => !std::mem::replace(&mut shown.wrapped_up, true),
            PresenceKind::CustomerLeft => !std::mem::replace(&mut shown.customer_left, true),
            PresenceKind::Other { .. } => true,
        }
    }
}
