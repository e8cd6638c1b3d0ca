//! Payloads written from the SDK models (the webhook wrapper is the one of
//! `outbound-structured-notification.json`; `content[]` items per model).

use super::*;

fn wrap(content: &str) -> String {
    format!(r#"{{"id":"m1","type":"Structured","text":"pick","content":[{content}]}}"#)
}

#[test]
fn consecutive_quick_replies_are_one_menu() {
    let raw = wrap(
        r#"{"contentType":"QuickReply","quickReply":{"text":"Track order","payload":"track","action":"Message"}},
           {"contentType":"QuickReply","quickReply":{"text":"Talk to sales","payload":"sales"}}"#,
    );
    let parsed = parse(&raw);
    let [Structured::QuickReplies { title: None, replies }] = parsed.as_slice() else { panic!("{raw}") };
    let texts: Vec<(&str, &str)> = replies.iter().map(|r| (r.text.as_str(), r.payload.as_str())).collect();
    assert_eq!(texts, [("Track order", "track"), ("Talk to sales", "sales")]);
}

#[test]
fn quick_reply_v2_keeps_its_title() {
    let raw = wrap(
        r#"{"contentType":"QuickReplyV2","quickReplyV2":{"title":"How can we help?","actions":[{"text":"Refund","payload":"refund"}]}}"#,
    );
    let parsed = parse(&raw);
    let [Structured::QuickReplies { title, replies }] = parsed.as_slice() else { panic!("{raw}") };
    assert_eq!((title.as_deref(), replies.len()), (Some("How can we help?"), 1));
}

#[test]
fn a_card_has_its_actions_and_links() {
    let raw = wrap(
        r#"{"contentType":"Card","card":{"title":"Blue kettle","description":"1.7 l","image":"https://example.com/k.png",
            "actions":[{"type":"Postback","text":"Buy","payload":"buy-kettle"},{"type":"Link","text":"Details","url":"https://example.com/k"}]}}"#,
    );
    let parsed = parse(&raw);
    let [Structured::Card(card)] = parsed.as_slice() else { panic!("{raw}") };
    assert_eq!(card.title, "Blue kettle");
    assert!(!card.actions[0].is_link() && card.actions[1].is_link());
}

#[test]
fn a_carousel_holds_its_cards() {
    let raw = wrap(
        r#"{"contentType":"Carousel","carousel":{"cards":[{"title":"A","actions":[]},{"title":"B","actions":[{"type":"Postback","text":"Pick B","payload":"b"}]}]}}"#,
    );
    let parsed = parse(&raw);
    let [Structured::Carousel(cards)] = parsed.as_slice() else { panic!("{raw}") };
    assert_eq!(cards.iter().map(|c| c.title.as_str()).collect::<Vec<_>>(), ["A", "B"]);
}

#[test]
fn date_and_list_pickers_and_templates_read_as_text() {
    let raw = wrap(
        r#"{"contentType":"DatePicker","datePicker":{"title":"Delivery day","availableTimes":[{"dateTime":"2026-12-01T09:00:00Z","duration":3600}]}},
           {"contentType":"ListPicker","listPicker":{"sections":[{"title":"Colour","items":[{"id":"r","title":"Red"},{"id":"g","title":"Green"}]}]}},
           {"contentType":"Notification","template":{"header":{"text":"Hello"},"body":{"text":"Your order shipped"},"buttons":[{"type":"QuickReply","text":"Thanks"}]}},
           {"contentType":"Form","form":{}}"#,
    );
    let items = parse(&raw);
    assert_eq!(
        items[0],
        Structured::DatePicker {
            title: Some("Delivery day".into()),
            subtitle: None,
            times: vec!["2026-12-01T09:00:00Z".into()]
        }
    );
    assert_eq!(
        items[1],
        Structured::ListPicker { sections: vec![(Some("Colour".into()), vec!["Red".into(), "Green".into()])] }
    );
    assert_eq!(items[2], Structured::Template("Hello\nYour order shipped\n[Thanks]".into()));
    assert_eq!(items[3], Structured::Unknown("Form".into()), "an unknown type is kept by name");
}

#[test]
fn missing_or_odd_fields_never_fail() {
    assert!(parse("not json").is_empty());
    assert!(parse(r#"{"content":"x"}"#).is_empty());
    let raw = wrap(r#"{"contentType":"Card","card":42}"#);
    assert_eq!(parse(&raw), [Structured::Card(Card::default())]);
}

#[test]
fn answers_are_numbered_in_the_order_shown_without_links() {
    let raw = wrap(
        r#"{"contentType":"QuickReply","quickReply":{"text":"Track","payload":"track"}},
           {"contentType":"Carousel","carousel":{"cards":[{"title":"A","actions":[{"type":"Postback","text":"Pick A","payload":"a"},
             {"type":"Link","text":"Details","url":"https://example.com"}]}]}}"#,
    );
    let answers = answers(&parse(&raw));
    assert_eq!(answers, [("QuickReply", "Track".into(), "track".into()), ("Button", "Pick A".into(), "a".into())]);
}
