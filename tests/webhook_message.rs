//! Parsing every outbound sample (assets/emulator/samples), unknown types kept raw, `nickName`.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap: a failure should panic with its cause"
)]

use genesys_desk::model::{DeliveryStatus, MessageKind, Sender};
use genesys_desk::webhook::{OutboundKind, OutboundMessage, ParseError};
use time::macros::datetime;

fn sample(name: &str) -> OutboundMessage {
    let bytes = std::fs::read(format!("{}/tests/webhook_samples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    OutboundMessage::parse(&bytes).unwrap()
}

#[test]
fn text_sample() {
    let m = sample("outbound-text.json");
    assert_eq!(m.kind, OutboundKind::Text);
    assert_eq!(m.id.as_deref(), Some("c327c2078ca056db130c55ce648d9fa2"));
    assert_eq!(m.customer_id.as_deref(), Some("test-customer-0001"));
    assert_eq!(m.integration_id.as_deref(), Some("73cb7fb7-c2db-4996-88f3-0a83a4fea1da"));
    assert_eq!(m.nickname.as_deref(), Some("TEST-OPEN-MESSAGING"));
    assert_eq!(m.conversation_id.as_deref(), Some("d06cb41e-f938-4dcf-b823-c8af1a39d7e5"));
    assert_eq!(m.text.as_deref(), Some("Hi, this is the agent. How can I help?"));
    assert_eq!(m.time.as_deref(), Some("2025-01-15T10:01:00.123Z"));
    assert_eq!(m.originating_entity.as_deref(), Some("Human"));
    assert!(m.attachments.is_empty());
    assert_eq!(m.delivery_key().unwrap().0, "2025-01-15T10:01:00.123Z|c327c2078ca056db130c55ce648d9fa2");

    let chat = m.to_chat_message("Acme", datetime!(2026-01-01 0:00 UTC));
    assert_eq!(chat.sender, Sender::Agent);
    assert_eq!(chat.sender_name.as_deref(), Some("TEST-OPEN-MESSAGING"));
    assert_eq!(chat.kind, MessageKind::Text);
    assert_eq!(chat.text, "Hi, this is the agent. How can I help?");
    assert_eq!(chat.genesys_id.as_deref(), Some("c327c2078ca056db130c55ce648d9fa2"));
    assert_eq!(chat.conversation_id.as_deref(), Some("d06cb41e-f938-4dcf-b823-c8af1a39d7e5"));
    assert_eq!(chat.customer_id, "test-customer-0001");
    assert_eq!(chat.account, "Acme");
    assert_eq!(chat.status, DeliveryStatus::Received);
    assert_eq!(chat.at, datetime!(2025-01-15 10:01:00.123 UTC), "the message time is channel.time");
}

#[test]
fn image_sample_has_its_attachment() {
    let m = sample("outbound-image.json");
    assert_eq!(m.kind, OutboundKind::Text);
    assert_eq!(m.attachments.len(), 1);
    let a = &m.attachments[0];
    assert_eq!(a.media_type, "Image");
    assert_eq!(a.url, "https://api-downloads.usw2.pure.cloud/api/v2/downloads/pce1234456");
    assert_eq!(a.mime, "image/jpeg");
    assert_eq!(a.filename.as_deref(), Some("image.jpg"));
    let chat = m.to_chat_message("Acme", time::OffsetDateTime::now_utc());
    assert_eq!(chat.attachments, m.attachments);
    assert!(chat.text.contains("image.jpg"), "{}", chat.text);
}

#[test]
fn typing_sample() {
    let m = sample("outbound-typing.json");
    match &m.kind {
        OutboundKind::Event(events) => {
            assert_eq!(events.len(), 1);
            assert_eq!(events[0].event_type, "Typing");
            assert_eq!(events[0].typing_type.as_deref(), Some("On"));
            assert_eq!(events[0].duration_ms, Some(5000));
        }
        other => panic!("expected an event, got {other:?}"),
    }
    assert_eq!(m.kind.name(), "typing");
    assert_eq!(m.conversation_id, None, "conversationId is optional");
    assert_eq!(m.customer_id.as_deref(), Some("test-customer-0001"));
    assert_eq!(m.to_chat_message("A", time::OffsetDateTime::now_utc()).kind, MessageKind::Typing);
}

#[test]
fn receipt_sample() {
    let m = sample("outbound-receipt.json");
    match &m.kind {
        OutboundKind::Receipt { status, reasons, is_final } => {
            assert_eq!(status.as_deref(), Some("Failed"));
            assert_eq!(reasons[0].code, "MediaTypeNotAllowed");
            assert_eq!(reasons[0].message.as_deref(), Some("The attachment media type is not allowed"));
            assert_eq!(*is_final, Some(true));
        }
        other => panic!("expected a receipt, got {other:?}"),
    }
    let chat = m.to_chat_message("A", time::OffsetDateTime::now_utc());
    assert_eq!(chat.kind, MessageKind::Receipt);
    assert!(chat.text.contains("Failed") && chat.text.contains("MediaTypeNotAllowed"), "{}", chat.text);
    assert!(chat.raw.is_some());
}

#[test]
fn structured_sample_keeps_its_content_raw() {
    let m = sample("outbound-structured-notification.json");
    assert_eq!(m.kind, OutboundKind::Structured);
    assert_eq!(m.text.as_deref(), Some("Hi Happy, How can I help you?"));
    assert!(m.attachments.is_empty(), "template content is not an attachment");
    let chat = m.to_chat_message("A", time::OffsetDateTime::now_utc());
    assert_eq!(chat.kind, MessageKind::Structured);
    let raw: serde_json::Value = serde_json::from_str(chat.raw.as_deref().unwrap()).unwrap();
    assert_eq!(raw["content"][0]["template"]["footer"]["text"], "Goodbye");
}

#[test]
fn unknown_types_and_fields_are_kept_and_nickname_spellings_both_work() {
    let body = br#"{"id":"x1","type":"Carousel","futureField":{"a":1},
        "channel":{"to":{"id":"cust"},"from":{"nickName":"Bot Name","id":"integ"},"time":"2025-01-15T10:00:00Z"}}"#;
    let m = OutboundMessage::parse(body).unwrap();
    assert_eq!(m.kind, OutboundKind::Unknown("Carousel".into()));
    assert_eq!(m.nickname.as_deref(), Some("Bot Name"));
    let raw: serde_json::Value = serde_json::from_str(&m.raw).unwrap();
    assert_eq!(raw["futureField"]["a"], 1, "the payload is kept as sent");
    let chat = m.to_chat_message("A", time::OffsetDateTime::now_utc());
    assert_eq!(chat.kind, MessageKind::Unknown);
    assert!(chat.raw.unwrap().contains("futureField"));

    // Minimal: no channel, no type, no id.
    let m = OutboundMessage::parse(b"{}").unwrap();
    assert_eq!(m.kind, OutboundKind::Unknown(String::new()));
    assert_eq!(m.delivery_key(), None);
}

#[test]
fn non_json_bodies_are_errors() {
    assert!(matches!(OutboundMessage::parse(b"hello"), Err(ParseError::NotJson(_))));
    assert_eq!(OutboundMessage::parse(b"[1,2]"), Err(ParseError::NotObject));
}
