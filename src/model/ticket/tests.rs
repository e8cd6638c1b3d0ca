use super::*;

fn ticket() -> TicketDraft {
    TicketDraft {
        name: "Ada".into(),
        mobile: "+353 87 123 4567".into(),
        email: "ada@example.com".into(),
        query: "My order is late".into(),
        ..TicketDraft::default()
    }
}

#[test]
fn priorities_normalise() {
    assert_eq!(Priority::parse("low"), Priority::Low);
    assert_eq!(Priority::parse("Medium"), Priority::Medium);
    assert_eq!(Priority::parse(" HIGH "), Priority::High);
    assert_eq!(Priority::parse("urgent!"), Priority::Urgent);
    assert_eq!(Priority::parse("whenever"), Priority::Other("whenever".into()));
    let names: Vec<&str> = Priority::STANDARD.iter().map(Priority::as_str).collect();
    assert_eq!(names, ["LOW", "MEDIUM", "HIGH", "URGENT"]);
}

#[test]
fn a_complete_ticket_is_valid() {
    assert_eq!(ticket().validate(), vec![]);
}

#[test]
fn a_ticket_becomes_attributes_and_the_first_message() {
    let d = TicketDraft {
        email: " jane@example.com ".into(),
        name: "Jane Q Public".into(),
        mobile: "+44 7700 900123".into(),
        query: "Where is my order?".into(),
        priority: "urgent!".into(),
        attributes: vec![("orderId".into(), "42".into()), ("channel ".into(), " web ".into())],
        ..TicketDraft::default()
    };
    let t = d.parse().unwrap();
    assert_eq!(t.email, "jane@example.com");
    assert_eq!(t.name, "Jane Q Public");
    assert_eq!(t.text, "Where is my order?");
    assert_eq!(t.custom_attributes["priority"], "URGENT");
    assert_eq!(t.custom_attributes["orderId"], "42");
    assert_eq!(t.custom_attributes["channel"], "web");
    assert_eq!(t.custom_attributes["mobile"], "+44 7700 900123");
    assert!(t.warnings.is_empty());
}

#[test]
fn an_attribute_key_may_contain_an_equals_sign() {
    let mut d = ticket();
    d.attributes = vec![("a=b".into(), "c=d".into())];
    let t = d.parse().unwrap();
    assert_eq!(t.custom_attributes.get("a=b").map(String::as_str), Some("c=d"), "{:?}", t.custom_attributes);
}

#[test]
fn email_is_mandatory_and_the_others_are_checked_when_given() {
    let mut t = ticket();
    t.email = " ".into();
    t.mobile = "12ab".into();
    let fields: Vec<_> = t.validate().into_iter().map(|e| e.field).collect();
    assert_eq!(fields, vec![TicketField::Email, TicketField::Mobile]);
    t = ticket();
    t.name = String::new();
    t.mobile = String::new();
    assert_eq!(t.validate(), vec![], "name and mobile are optional");
    t.email = "ada@".into();
    assert!(t.validate()[0].message.starts_with("Email \"ada@\" is not an email address"));
    t = ticket();
    t.query = String::new();
    assert_eq!(t.validate()[0].field, TicketField::Query);
    t = ticket();
    t.attributes = vec![(String::new(), "orphan".into())];
    assert_eq!(t.validate()[0].field, TicketField::Attributes);
    t.attributes = vec![(" ".into(), String::new())];
    assert_eq!(t.validate(), vec![], "an empty row is ignored");
}

#[test]
fn a_text_replaces_the_query_as_first_message_and_odd_priorities_are_flagged() {
    let d = TicketDraft {
        email: "a@b.co".into(),
        text: "hi".into(),
        priority: "whenever".into(),
        ..TicketDraft::default()
    };
    let t = d.parse().unwrap();
    assert_eq!(t.text, "hi");
    assert_eq!(t.custom_attributes["priority"], "whenever");
    assert_eq!(t.warnings.len(), 1);
    assert!(TicketDraft::default().parse().unwrap_err()[0].message.contains("mandatory"));
}
