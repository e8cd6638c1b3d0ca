//! The bodies of the four inbound endpoints: `OpenInboundNormalizedMessage`,
//! `OpenInboundNormalizedEvent`, `OpenInboundNormalizedReceipt` and
//! `OpenInboundStructuredResponseMessage` (docs of the same names in
//! https://github.com/MyPureCloud/platform-client-sdk-python/tree/master/build/docs).

use serde_json::Value;

use super::{
    Check, array, bad, boolean, customer_channel, get, message_channel, non_empty, object, one_of, opt_string,
    recipient, req_string, required, string, string_map, timestamp,
};

/// What a valid inbound message carried (for the scripted agent).
#[derive(Debug, Clone)]
pub struct ValidMessage {
    pub customer_id: String,
    pub nickname: Option<String>,
    pub text: Option<String>,
    pub has_image: bool,
    /// Set by the route: routing starts with this message (a new
    /// conversation, or a disconnected one it re-opens).
    pub first_in_conversation: bool,
}

/// `OpenContentAttachment.mediaType` (and `ConversationContentAttachment`).
const MEDIA_TYPES: [&str; 5] = ["Image", "Video", "Audio", "File", "Link"];

/// `OpenInboundNormalizedMessage`: `channel` required; `text`, `content`
/// (`OpenInboundMessageContent[]`, whose only property is `attachment`) and
/// `metadata` (map<string,string>) optional.
pub fn inbound_message(body: &Value) -> Check<ValidMessage> {
    let root = object(body, "body")?;
    let (channel, customer_id) = message_channel(root)?;
    let text = opt_string(root, "", "text")?.map(str::to_string);
    let mut has_image = false;
    let mut has_content = false;
    if let Some((content, p)) = get(root, "", "content") {
        for (i, item) in array(content, &p)?.iter().enumerate() {
            let ip = format!("content[{i}]");
            let item = object(item, &ip)?;
            let Some((att, ap)) = get(item, &ip, "attachment") else { continue };
            let att = object(att, &ap)?;
            let (mt, mtp) = required(att, &ap, "mediaType")?;
            let media_type = one_of(mt, &mtp, &MEDIA_TYPES)?;
            let url = req_string(att, &ap, "url")?;
            // Genesys downloads the attachment from this URL; a relative or
            // local path cannot work (there is no upload endpoint for inbound media).
            match url::Url::parse(url) {
                Ok(u) if u.scheme() == "https" || u.scheme() == "http" => {}
                _ => {
                    return Err(bad(
                        &format!("{ap}.url"),
                        format!("\"{url}\" is not a public http(s) URL Genesys can download"),
                    ));
                }
            }
            let mime = req_string(att, &ap, "mime")?;
            if !mime.contains('/') {
                return Err(bad(&format!("{ap}.mime"), format!("\"{mime}\" is not a mime type such as image/png")));
            }
            for key in ["id", "text", "sha256", "filename"] {
                opt_string(att, &ap, key)?;
            }
            has_image |= media_type == "Image";
            has_content = true;
        }
    }
    if let Some((meta, p)) = get(root, "", "metadata") {
        string_map(meta, &p)?;
    }
    // Not in the model (every property but channel is optional); a message
    // with neither text nor an attachment carries nothing. Unconfirmed that
    // Genesys refuses it, kept as the strict side.
    if text.as_deref().is_none_or(|t| t.trim().is_empty()) && !has_content {
        return Err(bad("text", "a message needs a text or at least one content item"));
    }
    let nickname = channel["from"].get("nickname").and_then(Value::as_str).map(str::to_string);
    Ok(ValidMessage { customer_id, nickname, text, has_image, first_in_conversation: false })
}

/// `OpenInboundNormalizedEvent`: `channel` (`from` + `time` only) and
/// `events` (`OpenEvent[]`, whose only property is `eventType`: `Typing`).
pub fn inbound_event(body: &Value) -> Check<String> {
    let root = object(body, "body")?;
    let (_, _, customer_id) = customer_channel(root)?;
    let (events, ep) = required(root, "", "events")?;
    let events = array(events, &ep)?;
    // An empty list is allowed by the model; refusing it is unconfirmed.
    if events.is_empty() {
        return Err(bad(&ep, "must hold at least one event"));
    }
    for (i, e) in events.iter().enumerate() {
        let p = format!("events[{i}]");
        let e = object(e, &p)?;
        let (t, tp) = required(e, &p, "eventType")?;
        one_of(t, &tp, &["Typing"])?;
    }
    Ok(customer_id)
}

/// `ConversationReason.code`.
const REASON_CODES: [&str; 13] = [
    "MessageExpired",
    "RateLimited",
    "MessageNotAllowed",
    "GeneralError",
    "UnsupportedMessage",
    "UnknownMessage",
    "InvalidMessageStructure",
    "InvalidDestination",
    "ServerError",
    "MediaTypeNotAllowed",
    "InvalidMediaContentLength",
    "RecipientOptedOut",
    "DataFiltered",
];

/// `OpenInboundNormalizedReceipt.status` (no `Read`, unlike the deprecated
/// `OpenNormalizedMessage`).
const RECEIPT_STATUSES: [&str; 5] = ["Sent", "Delivered", "Failed", "Published", "Removed"];

/// A valid receipt: the message id, status and the optional fields to echo.
#[derive(Debug, Clone)]
pub struct ValidReceipt {
    pub id: String,
    pub status: String,
    pub reasons: Option<Value>,
    pub is_final_receipt: Option<bool>,
}

/// `OpenInboundNormalizedReceipt`: `id`, `channel` (`to` with optional
/// `idType`, `time`), `status` required; `reasons` (`ConversationReason[]`:
/// `code` optional from the enum, `message` required) and `isFinalReceipt`
/// optional. `direction` is not in the model (the docs' examples send it),
/// so it is accepted unchecked like any unknown field.
pub fn inbound_receipt(body: &Value) -> Check<ValidReceipt> {
    let root = object(body, "body")?;
    let id = req_string(root, "", "id")?.to_string();
    let (channel, cp) = required(root, "", "channel")?;
    let channel = object(channel, &cp)?;
    let (to, tp) = required(channel, &cp, "to")?;
    recipient(to, &tp, false)?;
    let (time, tp) = required(channel, &cp, "time")?;
    timestamp(time, &tp)?;
    let (status, sp) = required(root, "", "status")?;
    let status = one_of(status, &sp, &RECEIPT_STATUSES)?.to_string();
    let is_final_receipt = get(root, "", "isFinalReceipt").map(|(f, fp)| boolean(f, &fp)).transpose()?;
    let mut reasons = None;
    if let Some((list, rp)) = get(root, "", "reasons") {
        for (i, r) in array(list, &rp)?.iter().enumerate() {
            let p = format!("reasons[{i}]");
            let r = object(r, &p)?;
            if let Some((code, cp)) = get(r, &p, "code") {
                one_of(code, &cp, &REASON_CODES)?;
            }
            let (message, mp) = required(r, &p, "message")?;
            string(message, &mp)?;
        }
        reasons = Some(list.clone());
    }
    Ok(ValidReceipt { id, status, reasons, is_final_receipt })
}

/// `ContentButtonResponse.type`.
const BUTTON_TYPES: [&str; 3] = ["Button", "QuickReply", "DatePicker"];

/// A valid structured response: the customer and the clicked button.
#[derive(Debug, Clone)]
pub struct ValidStructured {
    pub customer_id: String,
    pub nickname: Option<String>,
    pub text: String,
}

/// `OpenInboundStructuredResponseMessage`: `channel` (as for a message),
/// `buttonResponse` (one `ContentButtonResponse`: `type`, `text`, `payload`
/// required, deprecated `id` optional) and `originatingMessageId`, all required.
pub fn structured_response(body: &Value) -> Check<ValidStructured> {
    let root = object(body, "body")?;
    let (channel, customer_id) = message_channel(root)?;
    let (button, bp) = required(root, "", "buttonResponse")?;
    let button = object(button, &bp)?;
    let (kind, kp) = required(button, &bp, "type")?;
    one_of(kind, &kp, &BUTTON_TYPES)?;
    let (text, tp) = required(button, &bp, "text")?;
    let text = string(text, &tp)?.to_string();
    let (payload, pp) = required(button, &bp, "payload")?;
    string(payload, &pp)?;
    opt_string(button, &bp, "id")?;
    let (origin, op) = required(root, "", "originatingMessageId")?;
    non_empty(origin, &op)?;
    let nickname = channel["from"].get("nickname").and_then(Value::as_str).map(str::to_string);
    Ok(ValidStructured { customer_id, nickname, text })
}
