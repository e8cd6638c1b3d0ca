//! History safety: disk full is said as such, the history and media are
//! private to the user, and the history cap prunes oldest rows first.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap: a failure should panic with its cause"
)]

use std::time::Duration;

use genesys_desk::model::traffic::TrafficFilter;
use genesys_desk::model::{
    ChatMessage, DeliveryStatus, Direction, MessageKind, Sender, SignatureVerdict, TrafficEntry,
};
use genesys_desk::storage::{Db, DeliveryKey, DeliveryRecord, Error, HistoryLimits, TrafficQuery};
use time::OffsetDateTime;
use time::macros::datetime;

const T0: OffsetDateTime = datetime!(2026-01-01 00:00 UTC);

/// A valid, accepted delivery from `customer` at `at` (with its unread chat message).
fn valid(id: &str, customer: &str, at: OffsetDateTime) -> DeliveryRecord {
    let mut traffic = TrafficEntry::new(Direction::Incoming, "Acme", "POST", &format!("/hooks/Acme#{id}"));
    traffic.at = at;
    traffic.status = Some(200);
    traffic.verdict = Some(SignatureVerdict::Valid);
    let message = ChatMessage {
        id: None,
        account: "Acme".into(),
        customer_id: customer.into(),
        conversation_id: None,
        genesys_id: Some(id.into()),
        sender: Sender::Agent,
        sender_name: None,
        kind: MessageKind::Text,
        text: "hello".into(),
        attachments: Vec::new(),
        at,
        status: DeliveryStatus::Received,
        raw: None,
    };
    DeliveryRecord { traffic, key: Some(DeliveryKey::new(id, Some("t"))), message: Some(message), receipt: None }
}

/// A refused request (4 KiB body) at `at`.
fn rejected(n: usize, at: OffsetDateTime) -> TrafficEntry {
    let mut traffic = TrafficEntry::new(Direction::Incoming, "Acme", "POST", &format!("/hooks/Acme#{n}"));
    traffic.at = at;
    traffic.status = Some(401);
    traffic.verdict = Some(SignatureVerdict::Invalid);
    traffic.request_body = format!("{n:04}").repeat(1024);
    traffic
}

fn urls(db: &Db) -> Vec<String> {
    let query = TrafficQuery::first(TrafficFilter::default(), 100_000);
    let mut urls: Vec<String> = db.list_traffic(&query).unwrap().into_iter().map(|t| t.url).collect();
    urls.reverse(); // oldest first
    urls
}

#[test]
fn disk_full_is_reported_as_disk_full_not_damage() {
    let full = || rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL), None);
    let text = Error::from(full()).to_string();
    assert!(text.contains("disk") && text.contains("full"), "{text}");
    assert!(text.contains("free disk space"), "names the fix: {text}");
    assert!(!text.contains("malformed") && !text.contains("query failed"), "{text}");
    let named = Error::from(full()).at_path(Some("/data/history.sqlite3")).to_string();
    assert!(named.contains("/data/history.sqlite3"), "names the file: {named}");
    let commit = Error::commit(std::sync::Arc::new(full()), Some("/data/history.sqlite3")).to_string();
    assert!(commit.contains("is full") && commit.contains("/data/history.sqlite3"), "{commit}");
    // Any other failure keeps its own message.
    let other = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT), None);
    assert!(!Error::from(other).to_string().contains("is full"));
}

#[cfg(unix)]
#[tokio::test]
async fn history_and_media_are_private_to_the_user() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let path = data.join("history.sqlite3");
    let writer = genesys_desk::storage::Writer::spawn(genesys_desk::storage::Db::open(&path).unwrap()).unwrap();
    // A write so the -wal and -shm files exist.
    let entry =
        genesys_desk::model::TrafficEntry::new(genesys_desk::model::Direction::Incoming, "A", "POST", "/hooks/A");
    writer.insert_traffic(entry).await.unwrap();
    assert_eq!(mode(&data), 0o700, "data folder");
    for suffix in ["", "-wal", "-shm"] {
        let file = data.join(format!("history.sqlite3{suffix}"));
        assert!(file.exists(), "{} exists", file.display());
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    let original = home.path().join("photo.png");
    std::fs::write(&original, b"\x89PNG").unwrap();
    std::fs::set_permissions(&original, std::fs::Permissions::from_mode(0o644)).unwrap();
    let media = genesys_desk::webhook::MediaStore::load(data.join("media"), Some(writer.clone())).await.unwrap();
    let id = media.register(&original).await.unwrap();
    assert_eq!(mode(&data.join("media")), 0o700, "media folder");
    assert_eq!(mode(&media.path(&id.0).unwrap()), 0o600, "media file");
}

#[test]
fn the_size_cap_removes_oldest_rows_first_and_keeps_unread_valid_deliveries() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Db::open(&dir.path().join("history.sqlite3")).unwrap();
    db.insert_delivery(&valid("unread", "c1", T0)).unwrap(); // the oldest row
    for n in 0..300 {
        db.insert_traffic(&rejected(n, T0 + Duration::from_millis(1 + n as u64))).unwrap();
    }
    let before = db.used_bytes().unwrap();
    let limits = HistoryLimits { max_bytes: before / 2, max_age: Duration::from_secs(3650 * 24 * 3600) };
    let pruned = db.prune(&limits, T0 + Duration::from_secs(1)).unwrap();
    assert!(pruned.by_size > 0 && pruned.by_age == 0, "{pruned:?}");
    assert!(db.used_bytes().unwrap() <= limits.max_bytes, "{} > {}", db.used_bytes().unwrap(), limits.max_bytes);
    let left = urls(&db);
    assert_eq!(left[0], "/hooks/Acme#unread", "the unread valid delivery stays although oldest");
    let kept = left.len() - 1;
    assert!(kept > 0 && kept < 300, "{kept} refused rows left");
    let newest: Vec<String> = (300 - kept..300).map(|n| format!("/hooks/Acme#{n}")).collect();
    assert_eq!(left[1..], newest[..], "the refused rows left are the newest ones");
}

#[test]
fn the_age_cap_removes_old_rows_but_not_unread_valid_deliveries() {
    let mut db = Db::open_in_memory().unwrap();
    db.insert_delivery(&valid("unread", "c1", T0)).unwrap();
    db.insert_delivery(&valid("read", "c2", T0)).unwrap();
    db.mark_thread_read("Acme", "c2").unwrap();
    db.insert_traffic(&rejected(1, T0)).unwrap();
    db.insert_traffic(&rejected(2, T0 + Duration::from_secs(9 * 24 * 3600))).unwrap();
    let limits = HistoryLimits { max_bytes: u64::MAX, max_age: Duration::from_secs(7 * 24 * 3600) };
    let pruned = db.prune(&limits, T0 + Duration::from_secs(10 * 24 * 3600)).unwrap();
    assert_eq!(pruned.by_age, 2, "the old refused row and the read delivery's row");
    assert_eq!(urls(&db), ["/hooks/Acme#unread", "/hooks/Acme#2"]);
    // The chat messages themselves are never pruned.
    assert_eq!(db.list_messages("Acme", "c2").unwrap().len(), 1);
}

#[tokio::test]
async fn the_writer_applies_the_cap_when_it_starts() {
    let mut db = Db::open_in_memory().unwrap();
    db.insert_traffic(&rejected(1, T0)).unwrap();
    let limits = HistoryLimits { max_bytes: u64::MAX, max_age: Duration::from_secs(24 * 3600) };
    let writer = genesys_desk::storage::Writer::spawn_with(db, limits).unwrap();
    let count = writer.run(|db| db.count_traffic(&TrafficFilter::default())).await.unwrap();
    assert_eq!(count, 0, "a row older than max_age is gone once the writer runs");
}
