//! Strict validation of inbound bodies, as a strict server would apply it:
//! the first bad field is named in a 400 `ErrorBody`. Unknown extra fields
//! are accepted (API.md says it is unconfirmed whether Genesys rejects them).

use serde_json::Value;

/// A validation failure: the JSON path of the field and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

type Check<T> = Result<T, Invalid>;

fn bad(field: &str, message: impl Into<String>) -> Invalid {
    Invalid { field: field.to_string(), message: format!("{field}: {}", message.into()) }
}

fn object<'a>(v: &'a Value, field: &str) -> Check<&'a serde_json::Map<String, Value>> {
    v.as_object().ok_or_else(|| bad(field, "must be a JSON object"))
}

fn get<'a>(map: &'a serde_json::Map<String, Value>, parent: &str, key: &str) -> Option<(&'a Value, String)> {
    let path = if parent.is_empty() { key.to_string() } else { format!("{parent}.{key}") };
    map.get(key).filter(|v| !v.is_null()).map(|v| (v, path))
}

fn required<'a>(map: &'a serde_json::Map<String, Value>, parent: &str, key: &str) -> Check<(&'a Value, String)> {
    let path = if parent.is_empty() { key.to_string() } else { format!("{parent}.{key}") };
    get(map, parent, key).ok_or_else(|| bad(&path, "is required"))
}

fn string<'a>(v: &'a Value, field: &str) -> Check<&'a str> {
    v.as_str().ok_or_else(|| bad(field, "must be a string"))
}

fn non_empty<'a>(v: &'a Value, field: &str) -> Check<&'a str> {
    let s = string(v, field)?;
    if s.trim().is_empty() { Err(bad(field, "must not be empty")) } else { Ok(s) }
}

fn one_of<'a>(v: &'a Value, field: &str, allowed: &[&str]) -> Check<&'a str> {
    let s = string(v, field)?;
    if allowed.contains(&s) { Ok(s) } else { Err(bad(field, format!("\"{s}\" is not one of {}", allowed.join(", ")))) }
}

fn timestamp(v: &Value, field: &str) -> Check<()> {
    let s = string(v, field)?;
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map(|_| ())
        .map_err(|_| bad(field, format!("\"{s}\" is not an ISO-8601 date-time such as 2025-01-15T10:00:00.000Z")))
}

fn string_map(v: &Value, field: &str) -> Check<()> {
    for (k, item) in object(v, field)? {
        if !item.is_string() {
            return Err(bad(&format!("{field}.{k}"), "custom attribute values must be strings"));
        }
    }
    Ok(())
}

/// `channel.from` (or `to`): the customer.
fn party(v: &Value, field: &str, need_type: bool) -> Check<String> {
    let map = object(v, field)?;
    let (id, id_path) = required(map, field, "id")?;
    let id = non_empty(id, &id_path)?.to_string();
    match get(map, field, "idType") {
        Some((t, p)) => {
            one_of(t, &p, &["Email", "Phone", "Opaque"])?;
        }
        None if need_type => return Err(bad(&format!("{field}.idType"), "is required (Email, Phone or Opaque)")),
        None => {}
    }
    for key in ["nickname", "firstName", "lastName", "email", "image"] {
        if let Some((v, p)) = get(map, field, key) {
            string(v, &p)?;
        }
    }
    Ok(id)
}

/// What a valid inbound message carried (for the scripted agent).
#[derive(Debug, Clone)]
pub struct ValidMessage {
    pub customer_id: String,
    pub nickname: Option<String>,
    pub text: Option<String>,
    pub has_image: bool,
    /// Set by the route: this message opened a new conversation.
    pub first_in_conversation: bool,
}

/// `channel` with the customer in `from` and a `time`, as both the message
/// and the event bodies have it; returns it, its path and the customer id.
fn customer_channel(root: &serde_json::Map<String, Value>) -> Check<(&serde_json::Map<String, Value>, String, String)> {
    let (channel, cp) = required(root, "", "channel")?;
    let channel = object(channel, &cp)?;
    let (from, fp) = required(channel, &cp, "from")?;
    let customer_id = party(from, &fp, true)?;
    let (time, tp) = required(channel, &cp, "time")?;
    timestamp(time, &tp)?;
    Ok((channel, cp, customer_id))
}

/// `OpenInboundNormalizedMessage`.
pub fn inbound_message(body: &Value) -> Check<ValidMessage> {
    let root = object(body, "body")?;
    let (channel, cp, customer_id) = customer_channel(root)?;
    if let Some((id, p)) = get(channel, &cp, "messageId") {
        non_empty(id, &p)?;
    }
    if let Some((meta, mp)) = get(channel, &cp, "metadata") {
        let meta = object(meta, &mp)?;
        if let Some((attrs, ap)) = get(meta, &mp, "customAttributes") {
            string_map(attrs, &ap)?;
        }
    }
    let text = match get(root, "", "text") {
        Some((t, p)) => Some(string(t, &p)?.to_string()),
        None => None,
    };
    let mut has_image = false;
    let mut has_content = false;
    if let Some((content, p)) = get(root, "", "content") {
        let items = content.as_array().ok_or_else(|| bad(&p, "must be an array"))?;
        for (i, item) in items.iter().enumerate() {
            let ip = format!("content[{i}]");
            let item = object(item, &ip)?;
            let (att, ap) = required(item, &ip, "attachment")?;
            let att = object(att, &ap)?;
            let (mt, mtp) = required(att, &ap, "mediaType")?;
            let media_type = one_of(mt, &mtp, &["Image", "Video", "Audio", "File", "Link"])?;
            let (url, up) = required(att, &ap, "url")?;
            let url = non_empty(url, &up)?;
            match url::Url::parse(url) {
                Ok(u) if u.scheme() == "https" || u.scheme() == "http" => {}
                _ => return Err(bad(&up, format!("\"{url}\" is not a public http(s) URL Genesys can download"))),
            }
            let (mime, mp) = required(att, &ap, "mime")?;
            let mime = non_empty(mime, &mp)?;
            if !mime.contains('/') {
                return Err(bad(&mp, format!("\"{mime}\" is not a mime type such as image/png")));
            }
            has_image |= media_type == "Image";
            has_content = true;
        }
    }
    if let Some((meta, p)) = get(root, "", "metadata") {
        string_map(meta, &p)?;
    }
    if text.as_deref().is_none_or(|t| t.trim().is_empty()) && !has_content {
        return Err(bad("text", "a message needs a text or at least one content item"));
    }
    let nickname = channel["from"].get("nickname").and_then(Value::as_str).map(str::to_string);
    Ok(ValidMessage { customer_id, nickname, text, has_image, first_in_conversation: false })
}

/// `OpenInboundNormalizedEvent`: typing only.
pub fn inbound_event(body: &Value) -> Check<String> {
    let root = object(body, "body")?;
    let (_, _, customer_id) = customer_channel(root)?;
    let (events, ep) = required(root, "", "events")?;
    let events = events.as_array().ok_or_else(|| bad(&ep, "must be an array"))?;
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

/// Receipt reason codes (API.md §4.4).
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

/// `OpenInboundNormalizedReceipt`: Delivered or Failed (with reasons).
pub fn inbound_receipt(body: &Value) -> Check<(String, String)> {
    let root = object(body, "body")?;
    let (id, ip) = required(root, "", "id")?;
    let id = non_empty(id, &ip)?.to_string();
    let (channel, cp) = required(root, "", "channel")?;
    let channel = object(channel, &cp)?;
    let (to, tp) = required(channel, &cp, "to")?;
    party(to, &tp, false)?;
    let (time, tp) = required(channel, &cp, "time")?;
    timestamp(time, &tp)?;
    let (status, sp) = required(root, "", "status")?;
    let status = one_of(status, &sp, &["Delivered", "Failed"])?.to_string();
    if let Some((d, dp)) = get(root, "", "direction") {
        one_of(d, &dp, &["Outbound"])?;
    }
    if let Some((f, fp)) = get(root, "", "isFinalReceipt")
        && !f.is_boolean()
    {
        return Err(bad(&fp, "must be true or false"));
    }
    match get(root, "", "reasons") {
        Some((reasons, rp)) => {
            let reasons = reasons.as_array().ok_or_else(|| bad(&rp, "must be an array"))?;
            for (i, r) in reasons.iter().enumerate() {
                let p = format!("reasons[{i}]");
                let r = object(r, &p)?;
                let (code, cp) = required(r, &p, "code")?;
                one_of(code, &cp, &REASON_CODES)?;
            }
            if status == "Failed" && reasons.is_empty() {
                return Err(bad(&rp, "a Failed receipt needs at least one reason"));
            }
        }
        None if status == "Failed" => return Err(bad("reasons", "a Failed receipt needs at least one reason")),
        None => {}
    }
    Ok((id, status))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn msg() -> Value {
        json!({"channel": {"messageId": "m1", "from": {"id": "c1", "idType": "Opaque"}, "time": "2025-01-15T10:00:00.000Z"},
               "text": "hi", "somethingNew": 1})
    }

    #[test]
    fn good_bodies_pass_and_unknown_fields_are_fine() {
        assert_eq!(inbound_message(&msg()).unwrap().customer_id, "c1");
        let ev = json!({"channel": {"from": {"id": "c1", "idType": "Email"}, "time": "2025-01-15T10:00:00Z"}, "events": [{"eventType": "Typing"}]});
        assert_eq!(inbound_event(&ev).unwrap(), "c1");
        let r = json!({"id": "x", "channel": {"to": {"id": "c1"}, "time": "2025-01-15T10:00:00Z"}, "status": "Failed",
                       "reasons": [{"code": "GeneralError", "message": "m"}], "direction": "Outbound", "isFinalReceipt": true});
        assert_eq!(inbound_receipt(&r).unwrap().1, "Failed");
    }

    #[test]
    fn bad_fields_are_named() {
        let mut m = msg();
        m["channel"]["from"]["idType"] = json!("Twitter");
        assert_eq!(inbound_message(&m).unwrap_err().field, "channel.from.idType");
        let mut m = msg();
        m["channel"]["time"] = json!("yesterday");
        assert_eq!(inbound_message(&m).unwrap_err().field, "channel.time");
        let mut m = msg();
        m["channel"]["metadata"] = json!({"customAttributes": {"priority": 1}});
        assert_eq!(inbound_message(&m).unwrap_err().field, "channel.metadata.customAttributes.priority");
        let mut m = msg();
        m["content"] = json!([{"attachment": {"mediaType": "Image", "url": "/local.png", "mime": "image/png"}}]);
        assert_eq!(inbound_message(&m).unwrap_err().field, "content[0].attachment.url");
        let mut m = msg();
        m.as_object_mut().unwrap().remove("text");
        assert_eq!(inbound_message(&m).unwrap_err().field, "text");
        assert_eq!(inbound_message(&json!({})).unwrap_err().field, "channel");
    }
}
