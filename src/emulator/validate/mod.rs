//! Strict validation of request bodies against the request models of the
//! official SDK (property tables, required flags and `allowed_values` in
//! https://github.com/MyPureCloud/platform-client-sdk-python/tree/master/build/docs):
//! the first bad field is named in a 400 `ErrorBody`.
//!
//! Unknown extra fields are accepted and not type-checked: whether Genesys
//! rejects them is unconfirmed (the SDK only leaves them out). Enum values
//! are compared exactly; the SDK compares them case-insensitively on its
//! side, what the server does is unconfirmed, and exact is the strict choice.

mod inbound;
mod integration;

pub use inbound::{ValidMessage, inbound_event, inbound_message, inbound_receipt, structured_response};
pub use integration::{IntegrationCreate, integration_create, integration_update};

use serde_json::{Map, Value};

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

/// The whole body is not JSON.
pub fn not_json(detail: impl std::fmt::Display) -> Invalid {
    bad("body", format!("not valid JSON ({detail})"))
}

fn object<'a>(v: &'a Value, field: &str) -> Check<&'a Map<String, Value>> {
    v.as_object().ok_or_else(|| bad(field, "must be a JSON object"))
}

fn path(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_string() } else { format!("{parent}.{key}") }
}

/// An optional field; JSON `null` counts as absent (the SDK never sends it).
fn get<'a>(map: &'a Map<String, Value>, parent: &str, key: &str) -> Option<(&'a Value, String)> {
    map.get(key).filter(|v| !v.is_null()).map(|v| (v, path(parent, key)))
}

fn required<'a>(map: &'a Map<String, Value>, parent: &str, key: &str) -> Check<(&'a Value, String)> {
    get(map, parent, key).ok_or_else(|| bad(&path(parent, key), "is required"))
}

fn string<'a>(v: &'a Value, field: &str) -> Check<&'a str> {
    v.as_str().ok_or_else(|| bad(field, "must be a string"))
}

fn non_empty<'a>(v: &'a Value, field: &str) -> Check<&'a str> {
    let s = string(v, field)?;
    if s.trim().is_empty() { Err(bad(field, "must not be empty")) } else { Ok(s) }
}

/// An optional string field.
fn opt_string<'a>(map: &'a Map<String, Value>, parent: &str, key: &str) -> Check<Option<&'a str>> {
    get(map, parent, key).map(|(v, p)| string(v, &p)).transpose()
}

/// A required string field that is not blank.
fn req_string<'a>(map: &'a Map<String, Value>, parent: &str, key: &str) -> Check<&'a str> {
    let (v, p) = required(map, parent, key)?;
    non_empty(v, &p)
}

fn one_of<'a>(v: &'a Value, field: &str, allowed: &[&str]) -> Check<&'a str> {
    let s = string(v, field)?;
    if allowed.contains(&s) { Ok(s) } else { Err(bad(field, format!("\"{s}\" is not one of {}", allowed.join(", ")))) }
}

fn array<'a>(v: &'a Value, field: &str) -> Check<&'a Vec<Value>> {
    v.as_array().ok_or_else(|| bad(field, "must be an array"))
}

fn boolean(v: &Value, field: &str) -> Check<bool> {
    v.as_bool().ok_or_else(|| bad(field, "must be true or false"))
}

/// A `datetime`: ISO-8601 as the SDK writes it (`yyyy-MM-ddTHH:mm:ss[.mmm]Z`).
fn timestamp(v: &Value, field: &str) -> Check<()> {
    let s = string(v, field)?;
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .map(|_| ())
        .map_err(|_| bad(field, format!("\"{s}\" is not an ISO-8601 date-time such as 2025-01-15T10:00:00.000Z")))
}

/// A `map<string,string>`.
fn string_map(v: &Value, field: &str) -> Check<()> {
    for (k, item) in object(v, field)? {
        if !item.is_string() {
            return Err(bad(&format!("{field}.{k}"), "values must be strings"));
        }
    }
    Ok(())
}

/// `idType` of a recipient (OpenMessagingFromRecipient / OpenMessagingToRecipient).
const ID_TYPES: [&str; 3] = ["Email", "Phone", "Opaque"];

/// `OpenMessagingFromRecipient` (`need_type`: `idType` required) or
/// `OpenMessagingToRecipient` (`idType` optional); returns the `id`.
fn recipient(v: &Value, field: &str, need_type: bool) -> Check<String> {
    let map = object(v, field)?;
    let id = req_string(map, field, "id")?.to_string();
    match get(map, field, "idType") {
        Some((t, p)) => {
            one_of(t, &p, &ID_TYPES)?;
        }
        None if need_type => return Err(bad(&path(field, "idType"), "is required (Email, Phone or Opaque)")),
        None => {}
    }
    for key in ["nickname", "firstName", "lastName", "email", "image"] {
        opt_string(map, field, key)?;
    }
    Ok(id)
}

/// `channel` with the customer in `from` (idType required) and a `time`: the
/// fields of `OpenInboundMessagingChannel` (events), which
/// `OpenInboundMessageMessagingChannel` (messages) extends. Returns the
/// channel, its path and the customer id.
fn customer_channel(root: &Map<String, Value>) -> Check<(&Map<String, Value>, String, String)> {
    let (channel, cp) = required(root, "", "channel")?;
    let channel = object(channel, &cp)?;
    let (from, fp) = required(channel, &cp, "from")?;
    let customer_id = recipient(from, &fp, true)?;
    let (time, tp) = required(channel, &cp, "time")?;
    timestamp(time, &tp)?;
    Ok((channel, cp, customer_id))
}

/// `ConversationChannelMetadata.subType`.
const SUB_TYPES: [&str; 4] = ["None", "GoogleBusinessProfile", "RoadsideAssistance", "YouTube"];

/// `OpenInboundMessageMessagingChannel`: the customer channel plus
/// `messageId` and `metadata` (`ConversationChannelMetadata`, whose only
/// property is `subType`; other keys such as `customAttributes` are not in
/// the model and are left unchecked).
fn message_channel(root: &Map<String, Value>) -> Check<(&Map<String, Value>, String)> {
    let (channel, cp, customer_id) = customer_channel(root)?;
    opt_string(channel, &cp, "messageId")?;
    if let Some((meta, mp)) = get(channel, &cp, "metadata") {
        let meta = object(meta, &mp)?;
        if let Some((sub, sp)) = get(meta, &mp, "subType") {
            one_of(sub, &sp, &SUB_TYPES)?;
        }
    }
    Ok((channel, customer_id))
}
