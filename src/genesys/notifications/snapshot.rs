//! Who takes part in a conversation now (`GET /api/v2/conversations/messages/{id}`),
//! for a subscriber that joined after the first events were sent.

use serde::Deserialize;
use time::OffsetDateTime;

use super::{PresenceEvent, PresenceKind, conversation_topic};

/// One participant of `MessageConversation` (every field optional in the SDK).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantSnapshot {
    #[serde(default)]
    pub purpose: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub user: Option<EntityId>,
    #[serde(default)]
    pub queue: Option<EntityId>,
}

/// `DomainEntityRef` reduced to its id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct EntityId {
    #[serde(default)]
    pub id: Option<String>,
}

/// `MessageConversation`, reduced to who takes part.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ConversationSnapshot {
    #[serde(default)]
    pub participants: Vec<ParticipantSnapshot>,
}

/// The presence a late subscriber missed: a queue (`acd`) or agent participant
/// that is connected now. Purposes and states are the SDK's `MessageMediaParticipant` values.
pub fn snapshot_events(conversation_id: &str, snapshot: &ConversationSnapshot) -> Vec<PresenceEvent> {
    let connected = |p: &&ParticipantSnapshot| p.state.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("connected"));
    let purpose =
        |p: &ParticipantSnapshot, want: &str| p.purpose.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(want));
    let event = |suffix: &str, kind, body: serde_json::Value| {
        let topic = conversation_topic(conversation_id, suffix);
        let raw = serde_json::json!({
            "topicName": topic,
            "eventBody": body,
            "source": format!("GET /api/v2/conversations/messages/{conversation_id}"),
        });
        PresenceEvent {
            conversation_id: conversation_id.to_string(),
            kind,
            at: OffsetDateTime::now_utc(),
            topic,
            raw: raw.to_string(),
            from_snapshot: true,
        }
    };
    let mut events = Vec::new();
    for p in snapshot.participants.iter().filter(connected) {
        if purpose(p, "acd") {
            let queue_id = p.queue.as_ref().and_then(|q| q.id.clone());
            let body = serde_json::json!({ "conversationId": conversation_id, "queueId": queue_id });
            events.push(event("acd.start", PresenceKind::Queued { queue_id }, body));
        } else if purpose(p, "agent") {
            let user_id = p.user.as_ref().and_then(|u| u.id.clone());
            let body = serde_json::json!({ "conversationId": conversation_id, "userId": user_id });
            events.push(event("user.start", PresenceKind::AgentJoined { user_id }, body));
        }
    }
    events
}
