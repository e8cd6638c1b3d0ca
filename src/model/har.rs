//! HAR 1.2 (<http://www.softwareishard.com/blog/har-12-spec/>) of traffic
//! entries, both ways. What HAR has no field for (direction, account,
//! signature verdict, explanation, transport error) goes in a custom
//! `_genesysDesk` object, which the spec allows (custom fields start with
//! `_`), so a file exported here imports back with the same rows; HAR files
//! from other tools (browsers, Postman, proxies) import as outgoing calls.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::traffic::{Direction, SignatureVerdict, TrafficEntry, redact_body, redact_headers};

/// The base an incoming delivery's path gets in a HAR URL (HAR wants absolute URLs).
const LISTENER_BASE: &str = "http://listener";
/// The account of rows from another tool's HAR file that names no creator
/// (with a creator, its name: "Postman", "Firefox"…).
pub const FOREIGN_ACCOUNT: &str = "HAR file";

/// What HAR cannot say about an entry.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Extra {
    direction: Option<Direction>,
    account: Option<String>,
    verdict: Option<SignatureVerdict>,
    explanation: Option<String>,
    correlation_id: Option<String>,
    error: Option<String>,
    latency_us: Option<u64>,
}

/// One HAR entry of `e`.
pub fn har_entry(e: &TrafficEntry) -> Value {
    let url = if e.url.starts_with("http") { e.url.clone() } else { format!("{LISTENER_BASE}{}", e.url) };
    let ms = e.latency_us.map_or(-1.0, |us| us as f64 / 1000.0);
    let extra = Extra {
        direction: Some(e.direction),
        account: Some(e.account.clone()),
        verdict: e.verdict,
        explanation: e.explanation.clone(),
        correlation_id: e.correlation_id.clone(),
        error: e.error.clone(),
        latency_us: e.latency_us,
    };
    json!({
        "startedDateTime": e.at.format(&Rfc3339).unwrap_or_default(),
        "time": ms,
        "request": {
            "method": e.method, "url": url, "httpVersion": "HTTP/1.1",
            "headers": headers_json(&e.request_headers), "queryString": [], "cookies": [],
            "headersSize": -1, "bodySize": e.request_body.len(),
            "postData": { "mimeType": mime_of(&e.request_headers), "text": e.request_body },
        },
        "response": {
            "status": e.status.unwrap_or(0), "statusText": e.error.clone().unwrap_or_default(),
            "httpVersion": "HTTP/1.1", "headers": headers_json(&e.response_headers), "cookies": [],
            "content": { "size": e.response_body.len(), "mimeType": mime_of(&e.response_headers), "text": e.response_body },
            "redirectURL": "", "headersSize": -1, "bodySize": e.response_body.len(),
        },
        "cache": {},
        "timings": { "send": 0, "wait": ms, "receive": 0 },
        "comment": format!("{} {}{}", e.direction.as_str(), e.account,
            e.verdict.map(|v| format!(" signature {}", v.as_str())).unwrap_or_default()),
        "_genesysDesk": extra,
    })
}

/// The `log` object around `entries` (already HAR entries).
pub fn har_log(entries: Vec<Value>) -> Value {
    json!({ "log": { "version": "1.2", "creator": creator(), "entries": entries } })
}

/// `{"name": "genesys-desk", "version": …}`.
pub fn creator() -> Value {
    json!({ "name": "genesys-desk", "version": env!("CARGO_PKG_VERSION") })
}

/// HAR 1.2 of `entries`.
pub fn to_har(entries: &[TrafficEntry]) -> Value {
    har_log(entries.iter().map(har_entry).collect())
}

fn headers_json(headers: &[(String, String)]) -> Value {
    Value::Array(headers.iter().map(|(n, v)| json!({ "name": n, "value": v })).collect())
}

fn mime_of(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| "application/json".into())
}

#[derive(Deserialize)]
struct Har {
    log: Log,
}

#[derive(Deserialize)]
struct Log {
    #[serde(default)]
    creator: Option<Creator>,
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Creator {
    #[serde(default)]
    name: String,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "startedDateTime")]
    started: String,
    #[serde(default)]
    time: Option<f64>,
    request: Request,
    response: Response,
    #[serde(default, rename = "_genesysDesk")]
    extra: Option<Extra>,
}

#[derive(Deserialize)]
struct Request {
    method: String,
    url: String,
    #[serde(default)]
    headers: Vec<NameValue>,
    #[serde(default, rename = "postData")]
    post_data: Option<Text>,
}

#[derive(Deserialize)]
struct Response {
    #[serde(default)]
    status: i64,
    #[serde(default, rename = "statusText")]
    status_text: String,
    #[serde(default)]
    headers: Vec<NameValue>,
    #[serde(default)]
    content: Option<Text>,
}

#[derive(Deserialize)]
struct NameValue {
    name: String,
    value: String,
}

#[derive(Deserialize)]
struct Text {
    #[serde(default)]
    text: Option<String>,
    /// `base64` when `text` is encoded (HAR 1.2 `content.encoding`).
    #[serde(default)]
    encoding: Option<String>,
}

/// The traffic rows of a HAR file, marked imported and redacted like every
/// row (a capture from another tool may hold tokens). The error names the
/// entry and field.
pub fn from_har(text: &str) -> Result<Vec<TrafficEntry>, String> {
    let har: Har = serde_json::from_str(text)
        .map_err(|e| format!("not a HAR file: {e} (line {}, column {})", e.line(), e.column()))?;
    let tool = har.log.creator.map(|c| c.name.trim().to_string()).filter(|n| !n.is_empty());
    let tool = tool.as_deref().unwrap_or(FOREIGN_ACCOUNT);
    har.log
        .entries
        .into_iter()
        .enumerate()
        .map(|(i, e)| entry_of(e, tool).map_err(|m| format!("entry {}: {m}", i + 1)))
        .collect()
}

/// One row; `tool` is the account of a row genesys-desk did not export.
fn entry_of(e: Entry, tool: &str) -> Result<TrafficEntry, String> {
    let at = OffsetDateTime::parse(&e.started, &Rfc3339)
        .map_err(|err| format!("startedDateTime \"{}\" is not an ISO 8601 time ({err})", e.started))?;
    let extra = e.extra.unwrap_or_default();
    let direction = extra.direction.unwrap_or(Direction::Outgoing);
    let url = match e.request.url.strip_prefix(LISTENER_BASE) {
        Some(path) if direction == Direction::Incoming && path.starts_with('/') => path.to_string(),
        _ => e.request.url.clone(),
    };
    let mut entry = TrafficEntry::new(direction, extra.account.as_deref().unwrap_or(tool), &e.request.method, &url);
    entry.at = at;
    entry.status = u16::try_from(e.response.status).ok().filter(|s| *s > 0);
    entry.latency_us = extra.latency_us.or_else(|| e.time.filter(|t| *t >= 0.0).map(|t| (t * 1000.0).round() as u64));
    entry.verdict = extra.verdict;
    entry.explanation = extra.explanation;
    entry.correlation_id = extra.correlation_id.or_else(|| header(&e.response.headers, "inin-correlation-id"));
    entry.error = extra
        .error
        .or_else(|| (entry.status.is_none() && !e.response.status_text.is_empty()).then_some(e.response.status_text));
    entry.request_headers = e.request.headers.into_iter().map(|h| (h.name, h.value)).collect();
    entry.response_headers = e.response.headers.into_iter().map(|h| (h.name, h.value)).collect();
    redact_headers(&mut entry.request_headers);
    redact_headers(&mut entry.response_headers);
    entry.request_body = redact_body(&body(e.request.post_data));
    entry.response_body = redact_body(&body(e.response.content));
    entry.imported = true;
    Ok(entry)
}

/// HAR files larger than this are refused before reading (a history export
/// of 150,000 rows is about 300 MB).
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// [`from_har`] of a file, with the file named in every error.
pub fn read_file(path: &std::path::Path) -> Result<Vec<TrafficEntry>, String> {
    let size = std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?.len();
    if size > MAX_FILE_BYTES {
        return Err(format!(
            "{} is {} MB, over the {} MB a HAR import reads",
            path.display(),
            size >> 20,
            MAX_FILE_BYTES >> 20
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    from_har(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn header(headers: &[NameValue], name: &str) -> Option<String> {
    headers.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value.clone())
}

/// A body's text; a base64 one decoded when it is UTF-8 (else kept as it was).
fn body(text: Option<Text>) -> String {
    let Some(Text { text: Some(text), encoding }) = text else { return String::new() };
    if encoding.as_deref() == Some("base64") {
        use base64::Engine as _;
        if let Some(decoded) = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
        {
            return decoded;
        }
    }
    text
}

#[cfg(test)]
mod tests;
