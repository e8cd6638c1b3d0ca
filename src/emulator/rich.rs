//! The emulator's agent sends each kind of structured message on request, so
//! every widget can be tried offline: a customer message that is exactly
//! "menu", "card", "carousel", "date" or "list" gets a quick reply menu, a card,
//! a carousel of two cards, a date picker or a list picker. Content items follow
//! the SDK models (`ConversationMessageContent` and its parts); the webhook
//! wrapper is the one of a structured message.

use serde_json::{Value, json};

use super::EmulatorState;

/// The `content[]` and text for a keyword, if the text is one.
pub fn for_keyword(text: &str) -> Option<(&'static str, Value)> {
    let card = |title: &str, payload: &str| {
        json!({ "title": title, "description": format!("The {title} the emulator offers"),
                "actions": [ { "type": "Postback", "text": format!("Choose {title}"), "payload": payload },
                             { "type": "Link", "text": "Details", "url": "https://example.com/products" } ] })
    };
    let content = match text.trim().to_ascii_lowercase().as_str() {
        "menu" => json!([
            { "contentType": "QuickReply", "quickReply": { "text": "Track my order", "payload": "track", "action": "Message" } },
            { "contentType": "QuickReply", "quickReply": { "text": "Return an item", "payload": "return", "action": "Message" } },
            { "contentType": "QuickReply", "quickReply": { "text": "Talk to sales", "payload": "sales", "action": "Message" } },
        ]),
        "card" => json!([ { "contentType": "Card", "card": card("blue kettle", "kettle-blue") } ]),
        "carousel" => json!([ { "contentType": "Carousel", "carousel": { "cards": [
            card("blue kettle", "kettle-blue"), card("red toaster", "toaster-red") ] } } ]),
        "date" => json!([ { "contentType": "DatePicker", "datePicker": { "title": "Pick a delivery slot",
            "availableTimes": [ { "dateTime": "2026-12-01T09:00:00Z", "duration": 3600 },
                                { "dateTime": "2026-12-01T14:00:00Z", "duration": 3600 } ] } } ]),
        "list" => json!([ { "contentType": "ListPicker", "listPicker": { "sections": [
            { "title": "Colour", "items": [ { "id": "red", "title": "Red" }, { "id": "blue", "title": "Blue" } ] } ] } } ]),
        _ => return None,
    };
    let text = match text.trim().to_ascii_lowercase().as_str() {
        "menu" => "How can I help you?",
        "date" => "When should we deliver?",
        "list" => "Which colour?",
        _ => "Here is what we have",
    };
    Some((text, content))
}

/// An outbound structured message to `customer_id`.
pub fn payload(state: &EmulatorState, customer_id: &str, conversation_id: &str, text: &str, content: Value) -> Value {
    let mut message = super::agent::text_payload(state, customer_id, conversation_id, text);
    message["type"] = json!("Structured");
    message["content"] = content;
    message
}
