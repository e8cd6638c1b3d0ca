//! Traffic replay (a stored delivery sent to the listener again) and export
//! of the filtered list as JSON or HAR 1.2. Entries are redacted when stored,
//! so exports hold no secrets.

use std::path::PathBuf;

use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

use super::command::{ExportFormat, ToastLevel};
use super::error::{ExportError, ReplayError};
use super::worker::{Engine, Shared, lock};
use crate::model::{Direction, TrafficEntry};

/// Request headers not copied to a replay (the client sets its own).
const NOT_REPLAYED: [&str; 4] = ["host", "content-length", "connection", "transfer-encoding"];

impl Engine {
    pub(super) fn replay(&mut self, id: i64) {
        let (shared, base) = (self.shared.clone(), lock(&self.shared.listener_base).clone());
        self.spawn(async move {
            match replay(&shared, base, id).await {
                Ok(status) => {
                    shared.toast(ToastLevel::Info, format!("Replayed delivery {id} to the listener: HTTP {status}"))
                }
                Err(e @ ReplayError::NotIncoming) => shared.toast(ToastLevel::Warning, e.to_string()),
                Err(e) => shared.toast(ToastLevel::Error, e.to_string()),
            }
        });
    }

    pub(super) fn export(&mut self, path: PathBuf, format: ExportFormat, ids: Vec<i64>) {
        let shared = self.shared.clone();
        self.spawn(async move {
            match export(&shared, &path, format, ids).await {
                Ok(count) => {
                    shared.toast(ToastLevel::Success, format!("Exported {count} entries to {}", path.display()))
                }
                Err(e) => shared.toast(ToastLevel::Error, format!("Export to {} failed: {e}", path.display())),
            }
        });
    }
}

/// The stored entries among `ids` (missing ones are skipped).
async fn load(shared: &Shared, ids: Vec<i64>) -> crate::storage::Result<Vec<TrafficEntry>> {
    shared.writer.run(move |db| ids.iter().filter_map(|id| db.traffic(*id).transpose()).collect()).await
}

/// Sends a stored incoming delivery to the running listener, byte for byte,
/// with its original headers (signature included); returns the HTTP status.
async fn replay(shared: &Shared, listener_base: Option<String>, id: i64) -> Result<u16, ReplayError> {
    let base = listener_base.ok_or(ReplayError::NoListener)?;
    let entry = load(shared, vec![id])
        .await
        .map_err(|source| ReplayError::Read { id, source })?
        .into_iter()
        .next()
        .ok_or(ReplayError::NotFound(id))?;
    if entry.direction != Direction::Incoming {
        return Err(ReplayError::NotIncoming);
    }
    let mut request = reqwest::Client::new().post(format!("{base}{}", entry.url)).body(entry.request_body.clone());
    for (name, value) in &entry.request_headers {
        if !NOT_REPLAYED.iter().any(|s| name.eq_ignore_ascii_case(s)) {
            request = request.header(name, value);
        }
    }
    let response = request.send().await.map_err(|source| ReplayError::Send { id, source })?;
    Ok(response.status().as_u16())
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

/// A HAR time: milliseconds, fractional (HAR 1.2 allows it), -1 when unknown.
fn har_ms(us: Option<u64>) -> f64 {
    us.map_or(-1.0, |us| us as f64 / 1000.0)
}

/// HAR 1.2 (`log.entries[]`) of the given entries.
pub fn to_har(entries: &[TrafficEntry]) -> Value {
    let har_entries: Vec<Value> = entries
        .iter()
        .map(|e| {
            let url = if e.url.starts_with("http") { e.url.clone() } else { format!("http://listener{}", e.url) };
            json!({
                "startedDateTime": e.at.format(&Rfc3339).unwrap_or_default(),
                "time": har_ms(e.latency_us),
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
                "timings": { "send": 0, "wait": har_ms(e.latency_us), "receive": 0 },
                "comment": format!("{} {}{}", e.direction.as_str(), e.account,
                    e.verdict.map(|v| format!(" signature {}", v.as_str())).unwrap_or_default()),
            })
        })
        .collect();
    json!({ "log": { "version": "1.2", "creator": { "name": "genesys-desk", "version": env!("CARGO_PKG_VERSION") },
                     "entries": har_entries } })
}

/// Temp file beside the target + rename, leaving the folder's permissions alone
/// (unlike the config writer, which makes its folder private).
fn write_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".genesys-desk-export-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes the stored entries among `ids` to `path` atomically; returns how many.
async fn export(
    shared: &Shared,
    path: &std::path::Path,
    format: ExportFormat,
    ids: Vec<i64>,
) -> Result<usize, ExportError> {
    let entries = load(shared, ids).await?;
    let value = match format {
        ExportFormat::Json => serde_json::to_value(&entries)?,
        ExportFormat::Har => to_har(&entries),
    };
    let text = serde_json::to_string_pretty(&value)?;
    let target = path.to_path_buf();
    tokio::task::spawn_blocking(move || write_file(&target, text.as_bytes())).await??;
    Ok(entries.len())
}
