use super::*;

#[test]
fn id_types_follow_the_id() {
    assert_eq!(IdType::detect("jane@example.com"), IdType::Email);
    assert_eq!(IdType::detect("+447700900123"), IdType::Phone);
    assert_eq!(IdType::detect("+44 7700 900123"), IdType::Opaque, "E.164 has no separators");
    assert_eq!(IdType::detect("447700900123"), IdType::Opaque, "E.164 starts with +");
    assert_eq!(IdType::detect("+1234567"), IdType::Opaque, "fewer than 8 digits");
    assert_eq!(IdType::detect("+1234567890123456"), IdType::Opaque, "more than 15 digits");
    assert_eq!(IdType::detect("test-customer-0001"), IdType::Opaque);
    assert_eq!(IdType::detect("a@b"), IdType::Opaque);
    assert_eq!(IdType::detect("12"), IdType::Opaque);
}

#[test]
fn priorities_normalise() {
    assert_eq!(Priority::parse("low"), Priority::Low);
    assert_eq!(Priority::parse("Medium"), Priority::Medium);
    assert_eq!(Priority::parse(" HIGH "), Priority::High);
    assert_eq!(Priority::parse("urgent!"), Priority::Urgent);
    assert_eq!(Priority::parse("whenever"), Priority::Other("whenever".into()));
}

#[test]
fn a_ticket_becomes_customer_attributes_and_text() {
    let d = TicketDraft {
        email: " jane@example.com ".into(),
        name: "Jane Q Public".into(),
        mobile: "+44 7700 900123".into(),
        query: "Where is my order?".into(),
        priority: "urgent!".into(),
        attrs: vec!["orderId=42".into(), "channel = web ".into()],
        ..Default::default()
    };
    let t = d.parse().unwrap();
    assert_eq!(t.customer.id, "jane@example.com");
    assert_eq!(t.customer.id_type, IdType::Email);
    assert_eq!(t.customer.first_name.as_deref(), Some("Jane"));
    assert_eq!(t.customer.last_name.as_deref(), Some("Q Public"));
    assert_eq!(t.text, "Where is my order?");
    assert_eq!(t.custom_attributes["priority"], "URGENT");
    assert_eq!(t.custom_attributes["orderId"], "42");
    assert_eq!(t.custom_attributes["channel"], "web");
    assert_eq!(t.custom_attributes["mobile"], "+44 7700 900123");
    assert!(t.warnings.is_empty());
}

#[test]
fn bad_fields_are_named_and_odd_priorities_flagged() {
    let d =
        TicketDraft { email: "nope".into(), mobile: "call me".into(), attrs: vec!["x".into()], ..Default::default() };
    let errs = d.parse().unwrap_err();
    let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
    assert_eq!(fields, vec![TicketField::Email, TicketField::Mobile, TicketField::Attr, TicketField::Text]);
    assert!(errs[0].message.starts_with("Email \"nope\""));

    let d =
        TicketDraft { email: "a@b.co".into(), text: "hi".into(), priority: "whenever".into(), ..Default::default() };
    let t = d.parse().unwrap();
    assert_eq!(t.custom_attributes["priority"], "whenever");
    assert_eq!(t.warnings.len(), 1);
    assert!(TicketDraft::default().parse().unwrap_err()[0].message.contains("mandatory"));
}
