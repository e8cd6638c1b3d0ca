use super::*;

/// Sample payloads kept in the repository.
const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/emulator/samples");

fn sample(name: &str) -> String {
    std::fs::read_to_string(format!("{SAMPLES}/{name}")).unwrap()
}

#[test]
fn samples_parse() {
    let i: Integration = serde_json::from_str(&sample("integration.json")).unwrap();
    assert_eq!(i.create_status.as_deref(), Some("Completed"));
    assert_eq!(i.supported_content.as_ref().map(|r| r.id.as_str()), Some("webMessagingDefault"));
    assert!(i.recipient.as_ref().is_some_and(|r| !r.id.is_empty()), "the doctor reads the recipient's flow");
    assert!(!format!("{i:?}").contains("DEADBEEF"));
    let m: NormalizedMessage = serde_json::from_str(&sample("inbound-message-response.json")).unwrap();
    assert_eq!(m.conversation_id.as_deref(), Some("d06cb41e-f938-4dcf-b823-c8af1a39d7e5"));
    let m: InboundMessageBody = serde_json::from_str(&sample("inbound-image-request.json")).unwrap();
    assert_eq!(m.content[0].attachment.media_type, "Image");
    for name in ["outbound-text.json", "outbound-image.json", "outbound-typing.json"] {
        let m: NormalizedMessage = serde_json::from_str(&sample(name)).unwrap();
        assert_eq!(m.direction.as_deref(), Some("Outbound"), "{name}");
    }
}

#[test]
fn answers_without_optional_attachment_and_reason_fields_decode() {
    // `ConversationContentAttachment.url`/`mime` and `ConversationReason.code`
    // are optional in the official models: an answer without them is still an answer.
    let body = r#"{"id": "m1", "channel": {"to": {"id": "c"}, "from": {"id": "i"}, "time": "2025-01-15T10:00:00Z"},
        "type": "Text", "content": [{"contentType": "Attachment", "attachment": {"mediaType": "Sticker"}}],
        "reasons": [{"message": "blocked"}], "status": "SomethingNew"}"#;
    let m: NormalizedMessage = serde_json::from_str(body).unwrap();
    let attachment = m.content.as_ref().unwrap()[0].attachment.as_ref().unwrap();
    assert_eq!(attachment.media_type.as_deref(), Some("Sticker"));
    assert_eq!(attachment.url, None);
    assert_eq!(m.reasons.unwrap()[0].describe(), "blocked");
    assert_eq!(m.status.as_deref(), Some("SomethingNew"));
}

#[test]
fn timestamps_are_iso_utc_with_millis() {
    let t = now_iso();
    assert_eq!(t.len(), 24, "{t}");
    assert!(t.ends_with('Z'));
    assert!(time::OffsetDateTime::parse(&t, &time::format_description::well_known::Rfc3339).is_ok());
}
