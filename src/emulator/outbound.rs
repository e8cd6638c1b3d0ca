//! An outbound delivery shaped like Genesys' webhook messages (text, typing,
//! receipt or a structured menu), for `genesys-desk deliver` and the window's
//! "Send as Genesys": genesys-desk acting as Genesys toward the user's middleware.

use serde_json::{Value, json};

use crate::config::defaults::EMULATOR_INTEGRATION_NAME;
use crate::genesys::types::now_iso;

/// The outbound payload, shaped like Genesys' webhook messages.
pub fn payload(kind: &str, text: &str, customer: &str, integration_id: &str) -> Value {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let mut message = json!({
        "id": id,
        "channel": {
            "id": integration_id, "messageId": id, "platform": "Open", "type": "Private",
            "to": { "id": customer, "idType": "Opaque" },
            "from": { "nickname": EMULATOR_INTEGRATION_NAME, "id": integration_id, "idType": "Opaque" },
            "time": now_iso(),
        },
        "conversationId": uuid::Uuid::new_v4().to_string(),
        "direction": "Outbound",
        "originatingEntity": "Human",
        "type": "Text",
        "text": text,
    });
    match kind {
        "typing" => {
            message["type"] = json!("Event");
            message["events"] = json!([{ "eventType": "Typing", "typing": { "type": "On", "duration": 5000 } }]);
        }
        "receipt" => {
            message["type"] = json!("Receipt");
            message["status"] = json!("Delivered");
            message["isFinalReceipt"] = json!(true);
            message["direction"] = json!("Inbound");
        }
        "structured" => {
            if let Some((_, content)) = crate::emulator::rich::for_keyword("menu") {
                message["type"] = json!("Structured");
                message["content"] = content;
            }
        }
        _ => {}
    }
    message
}
