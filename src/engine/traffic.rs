//! Traffic replay (a stored delivery sent to the listener again) and export
//! of the filtered list as JSON or HAR 1.2. Entries are redacted when stored,
//! so exports hold no secrets.

use std::path::PathBuf;

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

    pub(super) fn import_har(&mut self, path: PathBuf) {
        let shared = self.shared.clone();
        self.spawn(async move {
            match import_har(&shared, &path).await {
                Ok(count) => shared.toast(
                    ToastLevel::Success,
                    format!("Imported {count} entries from {} (marked imported)", path.display()),
                ),
                Err(e) => shared.toast(ToastLevel::Error, format!("HAR import failed: {e}")),
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
        ExportFormat::Har => crate::model::har::to_har(&entries),
    };
    let target = path.to_path_buf();
    // 0600: the rows name customers and hold their messages.
    tokio::task::spawn_blocking(move || {
        crate::config::atomic::write_user_file(&target, 0o600, |w| -> Result<(), ExportError> {
            Ok(serde_json::to_writer_pretty(w, &value)?)
        })
    })
    .await??;
    Ok(entries.len())
}

/// Reads, stores (one transaction) and reports a HAR file's rows; returns how many.
async fn import_har(shared: &Shared, path: &std::path::Path) -> Result<usize, String> {
    let file = path.to_path_buf();
    let entries =
        tokio::task::spawn_blocking(move || crate::model::har::read_file(&file)).await.map_err(|e| e.to_string())??;
    // The rows go to the writer and come back with their ids: no copy of a large file's rows.
    let stored = shared.writer.run(move |db| db.insert_traffic_batch(&entries).map(|ids| (entries, ids)));
    let (entries, ids) = stored.await.map_err(|e| e.to_string())?;
    let count = entries.len();
    for (mut entry, id) in entries.into_iter().zip(ids) {
        entry.id = Some(id);
        shared.events.send(super::command::Event::TrafficRecorded(entry));
    }
    Ok(count)
}
