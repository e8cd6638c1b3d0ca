use time::OffsetDateTime;

use super::tracking::{Timeline, Watched};
use super::*;

fn event(conversation: &str, kind: PresenceKind) -> PresenceEvent {
    PresenceEvent {
        conversation_id: conversation.into(),
        kind,
        at: OffsetDateTime::UNIX_EPOCH,
        topic: String::new(),
        raw: String::new(),
        from_snapshot: false,
    }
}

fn socket_message(suffix: &str, body: serde_json::Value) -> String {
    serde_json::json!({ "topicName": conversation_topic("c1", suffix), "eventBody": body }).to_string()
}

#[test]
fn parses_the_user_start_sample() {
    let text = include_str!("../../../assets/emulator/samples/notification-user-start.json");
    let event = parse_message(text).unwrap().unwrap();
    assert_eq!(event.conversation_id, "d06cb41e-f938-4dcf-b823-c8af1a39d7e5");
    assert_eq!(event.kind, PresenceKind::AgentJoined { user_id: Some("3e23b1b3-325f-4fbd-8fe0-e88416850c0e".into()) });
    assert_eq!(event.at.unix_timestamp(), 1_736_935_262);
    let heartbeat = include_str!("../../../assets/emulator/samples/notification-heartbeat.json");
    assert_eq!(parse_message(heartbeat).unwrap(), None);
}

#[test]
fn acd_end_answered_by_transfer_counts_as_an_agent_joining() {
    let text = socket_message("acd.end", serde_json::json!({"disconnectType": "TRANSFER", "answeredUserId": "u7"}));
    assert_eq!(parse_message(&text).unwrap().unwrap().kind, PresenceKind::AgentJoined { user_id: Some("u7".into()) });
    let abandoned =
        socket_message("acd.end", serde_json::json!({"disconnectType": "ENDPOINT", "acdOutcome": "ABANDON"}));
    assert_eq!(parse_message(&abandoned).unwrap().unwrap().kind, PresenceKind::Other { suffix: "acd.end".into() });
}

#[test]
fn user_end_keeps_the_disconnect_type_and_wrapup_is_a_wrap_up() {
    let left = socket_message("user.end", serde_json::json!({"userId": "u1", "disconnectType": "TRANSFER"}));
    let kind = parse_message(&left).unwrap().unwrap().kind;
    assert_eq!(kind, PresenceKind::AgentLeft { user_id: Some("u1".into()), disconnect_type: Some("TRANSFER".into()) });
    assert_eq!(kind.describe(None), "Agent u1 left (transfer)");
    let wrapup = socket_message("wrapup", serde_json::json!({"wrapupCode": "Sold", "wrapupDurationMs": 5000}));
    assert_eq!(
        parse_message(&wrapup).unwrap().unwrap().kind,
        PresenceKind::WrapUp { code: Some("Sold".into()), notes: None, duration_ms: Some(5000) }
    );
}

#[test]
fn describes_timeline_lines() {
    let wrap = PresenceKind::WrapUp { code: Some("Resolved".into()), notes: None, duration_ms: Some(75_000) };
    assert_eq!(wrap.describe(None), "Wrap-up: Resolved (1m 15s)");
    assert_eq!(PresenceKind::AgentJoined { user_id: Some("u1".into()) }.describe(Some("Ada")), "Agent Ada joined");
    assert_eq!(PresenceKind::AgentLeft { user_id: None, disconnect_type: None }.describe(None), "Agent left");
    assert_eq!(PresenceKind::Queued { queue_id: None }.describe(None), "Queued");
}

#[test]
fn the_topic_cap_evicts_ended_conversations_first() {
    let mut w = Watched::default();
    let cap = 3 * CONVERSATION_TOPICS.len();
    for c in ["a", "b", "c"] {
        assert!(w.add(c, cap).unwrap().is_empty());
    }
    assert!(w.add("d", cap).unwrap_err().contains("have not ended"));
    w.mark_ended("b");
    assert_eq!(w.add("d", cap).unwrap(), vec!["b".to_string()]);
    assert_eq!(w.topic_count(), cap);
    assert!(w.topics().contains(&conversation_topic("d", "wrapup")));
    assert!(!w.topics().contains(&conversation_topic("b", "acw")));
}

#[test]
fn the_timeline_shows_one_join_and_one_wrap_up_from_two_sources() {
    let mut t = Timeline::default();
    let joined = |u: &str| event("c1", PresenceKind::AgentJoined { user_id: Some(u.into()) });
    let wrap = || event("c1", PresenceKind::WrapUp { code: Some("Done".into()), notes: None, duration_ms: None });
    assert!(t.admit(&joined("u1")), "the first join is shown");
    assert!(!t.admit(&joined("u1")), "user.start after acd.end for the same agent is not");
    assert!(!t.admit(&event("c1", PresenceKind::AgentJoined { user_id: None })));
    assert!(t.admit(&event("c1", PresenceKind::AgentLeft { user_id: Some("u1".into()), disconnect_type: None })));
    assert!(t.admit(&joined("u2")), "a new agent after the first left is shown");
    assert!(t.admit(&wrap()));
    assert!(!t.admit(&wrap()), "acw and wrapup of the same wrap-up are shown once");
    assert!(t.admit(&event("c2", PresenceKind::Queued { queue_id: None })));
}

#[test]
fn rejection_names_the_permission() {
    let t = ChannelTopic {
        id: conversation_topic("c1", "user.start"),
        state: Some("Rejected".into()),
        rejection_reason: Some("Missing permissions".into()),
        missing_permissions: vec!["analytics:conversationDetail:view".into()],
    };
    assert!(t.is_rejected());
    let m = rejection_message(&t);
    assert!(m.contains("analytics:conversationDetail:view") && m.contains("OAuth client"), "{m}");
}

#[test]
fn a_rejection_without_permission_names_never_reads_empty() {
    let t = ChannelTopic {
        id: conversation_topic("c1", "acw"),
        state: Some("Rejected".into()),
        rejection_reason: None,
        missing_permissions: vec![String::new()],
    };
    let m = rejection_message(&t);
    assert!(!m.contains("  ") && !m.contains("lacks ."), "{m}");
    assert!(m.contains("did not name"), "{m}");
}

#[test]
fn subscription_answers_tolerate_missing_fields() {
    let topics = parse_topics(r#"{"entities": [{"id": "t1", "state": "Rejected"}, {}]}"#).unwrap();
    assert_eq!(topics.len(), 2);
    assert!(topics[0].is_rejected() && topics[0].missing_permissions.is_empty());
    assert_eq!(parse_topics("{}").unwrap(), Vec::new());
}

#[test]
fn a_snapshot_reports_who_is_connected() {
    let body = serde_json::json!({"id": "c1", "participants": [
        {"purpose": "customer", "state": "connected"},
        {"purpose": "acd", "state": "disconnected", "queue": {"id": "q1"}},
        {"purpose": "agent", "state": "connected", "user": {"id": "u9"}, "unknownField": 1}
    ]});
    let snapshot: ConversationSnapshot = serde_json::from_value(body).unwrap();
    let events = snapshot_events("c1", &snapshot);
    let kinds: Vec<PresenceKind> = events.iter().map(|e| e.kind.clone()).collect();
    assert_eq!(kinds, vec![PresenceKind::AgentJoined { user_id: Some("u9".into()) }]);
    // The stored line reads back as the same event (the chat header is rebuilt from it).
    assert_eq!(parse_message(&events[0].raw).unwrap().unwrap().kind, kinds[0]);
}

#[test]
fn the_traffic_detail_of_a_refused_subscription_names_the_permission() {
    let url = "http://127.0.0.1:8786/api/v2/notifications/channels/ch1/subscriptions?ignoreErrors=true";
    let body = r#"{"entities": [{"id": "t1", "state": "Rejected", "missingPermissions": ["analytics:conversationDetail:view"]},
        {"id": "t2", "state": "Rejected", "missingPermissions": ["analytics:conversationDetail:view"]},
        {"id": "t3", "state": "Permitted"}]}"#;
    let note = rejection_summary(url, body).unwrap();
    assert!(note.starts_with("2 topic(s) rejected."), "{note}");
    assert_eq!(note.matches("analytics:conversationDetail:view").count(), 2, "named once per sentence: {note}");
    assert_eq!(rejection_summary(url, r#"{"entities": [{"id": "t3", "state": "Permitted"}]}"#), None);
    assert_eq!(rejection_summary("http://x/api/v2/conversations/messages/c1", body), None);
}
