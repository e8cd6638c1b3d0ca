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
fn a_ticket_customer_is_named_and_keyed_by_email() {
    let draft = crate::model::TicketDraft {
        email: " jane@example.com ".into(),
        name: "Jane Q Public".into(),
        query: "hi".into(),
        ..crate::model::TicketDraft::default()
    };
    let c = Customer::from_ticket(&draft.parse().unwrap());
    assert_eq!(c.id, "jane@example.com");
    assert_eq!(c.id_type, IdType::Email);
    assert_eq!(c.first_name.as_deref(), Some("Jane"));
    assert_eq!(c.last_name.as_deref(), Some("Q Public"));
}
