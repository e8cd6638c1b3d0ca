//! History store: in-memory and temp-file databases, idempotent migrations,
//! traffic filters, chat threads, de-duplication and the group-commit writer.

use genesys_desk::model::traffic::{StatusClass, TrafficFilter};
use genesys_desk::model::{
    Attachment, ChatMessage, DeliveryStatus, Direction, MessageKind, Sender, SignatureVerdict, TrafficEntry,
};
use genesys_desk::storage::{Db, DeliveryKey, DeliveryRecord, SCHEMA_VERSION, TrafficQuery, Writer};
use time::OffsetDateTime;
use time::macros::datetime;

fn entry(direction: Direction, account: &str, url: &str, status: Option<u16>) -> TrafficEntry {
    let mut e = TrafficEntry::new(direction, account, "POST", url);
    e.status = status;
    e
}

fn agent_message(account: &str, customer: &str, genesys_id: &str, text: &str, at: OffsetDateTime) -> ChatMessage {
    ChatMessage {
        id: None,
        account: account.into(),
        customer_id: customer.into(),
        conversation_id: Some("conv-1".into()),
        genesys_id: Some(genesys_id.into()),
        sender: Sender::Agent,
        sender_name: Some("Agent".into()),
        kind: MessageKind::Text,
        text: text.into(),
        attachments: vec![Attachment {
            media_type: "Image".into(),
            url: "https://x/y.png".into(),
            mime: "image/png".into(),
            filename: Some("y.png".into()),
            local_path: None,
        }],
        at,
        status: DeliveryStatus::Received,
        raw: None,
    }
}

#[test]
fn migrations_are_idempotent_on_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/history.sqlite3");
    {
        let mut db = Db::open(&path).unwrap();
        assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
        db.insert_traffic(&entry(Direction::Outgoing, "A", "https://api/x", Some(200))).unwrap();
    }
    let db = Db::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(db.count_traffic(&TrafficFilter::default()).unwrap(), 1, "reopening keeps rows");
    let mode: String = {
        // WAL is persistent in the file header: a fresh connection sees it.
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap()
    };
    assert_eq!(mode, "wal");
}

#[test]
fn a_version_1_history_keeps_counting_attempts_after_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    {
        let mut db = Db::open(&path).unwrap();
        db.insert_delivery(&delivery("Acme", "m1", "t1", true)).unwrap();
        db.insert_delivery(&delivery("Acme", "m1", "t1", true)).unwrap();
    }
    // Back to the version 1 schema: the delivery index without `attempt`, keys `id|time`, no runs.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TABLE run_customers; DROP TABLE runs; ALTER TABLE traffic DROP COLUMN latency_us; ALTER TABLE traffic DROP COLUMN imported; DROP INDEX traffic_delivery; CREATE INDEX traffic_delivery ON traffic (account, delivery_key);
         UPDATE traffic SET delivery_key = 'm1|t1'; UPDATE messages SET delivery_key = 'm1|t1';
         PRAGMA user_version = 1;",
    )
    .unwrap();
    drop(conn);
    let mut db = Db::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut stmt = conn.prepare("PRAGMA index_info(traffic_delivery)").unwrap();
    let columns: Vec<String> = stmt.query_map([], |row| row.get(2)).unwrap().map(Result::unwrap).collect();
    assert_eq!(columns, ["account", "delivery_key", "attempt"]);
    let retry = db.insert_delivery(&delivery("Acme", "m1", "t1", true)).unwrap();
    assert_eq!((retry.attempt, retry.duplicate), (3, true), "a retry after the upgrade is still the same delivery");
}

#[test]
fn a_version_3_history_gets_the_runs_tables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    drop(Db::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TABLE run_customers; DROP TABLE runs; ALTER TABLE traffic DROP COLUMN latency_us;
         ALTER TABLE traffic DROP COLUMN imported; PRAGMA user_version = 3;",
    )
    .unwrap();
    drop(conn);
    let db = Db::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    assert!(db.recent_runs(5).unwrap().is_empty(), "the runs table exists and is empty");
}

#[test]
fn a_version_4_row_keeps_its_whole_milliseconds_as_microseconds() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    drop(Db::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "ALTER TABLE traffic DROP COLUMN latency_us; ALTER TABLE traffic DROP COLUMN imported;
         INSERT INTO traffic (at, at_ms, direction, account, method, url, status, latency_ms,
             request_headers, request_body, response_headers, response_body)
         VALUES ('2026-11-28T10:00:00Z', 0, 'outgoing', 'A', 'GET', 'http://x/', 200, 42, '[]', '', '[]', '');
         PRAGMA user_version = 4;",
    )
    .unwrap();
    drop(conn);
    let db = Db::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    let row = db.traffic(1).unwrap().unwrap();
    assert_eq!((row.latency_us, row.imported), (Some(42_000), false));
}

#[test]
fn a_version_2_history_indexes_only_customer_messages_by_genesys_id() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    drop(Db::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TABLE run_customers; DROP TABLE runs; DROP INDEX messages_genesys;
         ALTER TABLE traffic DROP COLUMN latency_us; ALTER TABLE traffic DROP COLUMN imported;
         CREATE INDEX messages_genesys ON messages (genesys_id); PRAGMA user_version = 2;",
    )
    .unwrap();
    drop(conn);
    let mut db = Db::open(&path).unwrap();
    assert_eq!(db.schema_version().unwrap(), SCHEMA_VERSION);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let sql: String =
        conn.query_row("SELECT sql FROM sqlite_schema WHERE name = 'messages_genesys'", [], |row| row.get(0)).unwrap();
    assert!(sql.ends_with("WHERE sender = 'customer'"), "{sql}");
    let mut ours = agent_message("Acme", "cust-1", "in-1", "hi", datetime!(2025-01-15 10:00 UTC));
    ours.sender = Sender::Customer;
    db.insert_message(&ours).unwrap();
    let failed = DeliveryStatus::Failed("MediaTypeNotAllowed".into());
    assert_eq!(db.update_message_status("in-1", &failed).unwrap(), 1, "a receipt still finds our message");
}

#[test]
fn a_newer_schema_is_refused_with_a_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    drop(Db::open(&path).unwrap());
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
    let err = Db::open(&path).unwrap_err().to_string();
    assert!(err.contains("newer genesys-desk") && err.contains("99"), "{err}");
}

#[test]
fn traffic_round_trips_redacted_and_filters() {
    let mut db = Db::open_in_memory().unwrap();
    let mut token = entry(Direction::Outgoing, "Acme", "https://login.mypurecloud.ie/oauth/token", Some(200));
    token.request_headers = vec![("Authorization".into(), "Basic c2VjcmV0".into())];
    token.response_body = r#"{"access_token":"tok-123","expires_in":86399}"#.into();
    token.latency_us = Some(420);
    token.correlation_id = Some("corr-1".into());
    let id = db.insert_traffic(&token).unwrap();

    let mut hook = entry(Direction::Incoming, "Acme", "/hooks/Acme", Some(401));
    hook.verdict = Some(SignatureVerdict::Invalid);
    hook.explanation = Some("signature invalid: hex".into());
    hook.request_body = r#"{"text":"needle in body"}"#.into();
    db.insert_traffic(&hook).unwrap();
    let mut other = entry(Direction::Incoming, "Other", "/hooks/Other", Some(200));
    other.verdict = Some(SignatureVerdict::Valid);
    db.insert_traffic(&other).unwrap();
    let mut failed = entry(Direction::Outgoing, "Other", "https://api/x", None);
    failed.error = Some("connect refused".into());
    db.insert_traffic(&failed).unwrap();

    let stored = db.traffic(id).unwrap().unwrap();
    assert_eq!(stored.request_headers, vec![("Authorization".to_string(), "Basic ***".to_string())]);
    assert!(!stored.response_body.contains("tok-123"), "{}", stored.response_body);
    assert_eq!(stored.latency_us, Some(420));
    assert_eq!(stored.correlation_id.as_deref(), Some("corr-1"));
    assert_eq!(stored.at.unix_timestamp(), token.at.unix_timestamp());

    let count = |f: TrafficFilter| db.count_traffic(&f).unwrap();
    let all = TrafficFilter::default();
    assert_eq!(count(all.clone()), 4);
    assert_eq!(count(TrafficFilter { account: Some("acme".into()), ..all.clone() }), 2, "account is case-insensitive");
    assert_eq!(count(TrafficFilter { direction: Some(Direction::Incoming), ..all.clone() }), 2);
    assert_eq!(count(TrafficFilter { status: Some(StatusClass::ClientError), ..all.clone() }), 1);
    assert_eq!(count(TrafficFilter { status: Some(StatusClass::Success), ..all.clone() }), 2);
    assert_eq!(count(TrafficFilter { status: Some(StatusClass::NoResponse), ..all.clone() }), 1);
    assert_eq!(count(TrafficFilter { verdict: Some(SignatureVerdict::Invalid), ..all.clone() }), 1);
    assert_eq!(count(TrafficFilter { text: "needle".into(), ..all.clone() }), 1);
    assert_eq!(count(TrafficFilter { text: "refused".into(), ..all.clone() }), 1);
    assert_eq!(count(TrafficFilter { text: "%".into(), ..all.clone() }), 0, "LIKE wildcards are escaped");

    let page = db.list_traffic(&TrafficQuery { filter: all.clone(), limit: 2, offset: 1 }).unwrap();
    assert_eq!(page.len(), 2);
    let newest = db.list_traffic(&TrafficQuery::first(all, 1)).unwrap();
    assert_eq!(newest[0].error.as_deref(), Some("connect refused"), "newest first");
}

fn delivery(account: &str, id: &str, time: &str, accepted: bool) -> DeliveryRecord {
    let mut traffic = entry(Direction::Incoming, account, &format!("/hooks/{account}"), Some(200));
    traffic.verdict = Some(SignatureVerdict::Valid);
    DeliveryRecord {
        traffic,
        key: Some(DeliveryKey::new(id, Some(time))),
        message: accepted.then(|| agent_message(account, "cust-1", id, "hello", datetime!(2025-01-15 10:00 UTC))),
        receipt: None,
    }
}

#[test]
fn retries_are_attempts_of_one_delivery() {
    let mut db = Db::open_in_memory().unwrap();
    let first = db.insert_delivery(&delivery("Acme", "m1", "t1", true)).unwrap();
    assert_eq!((first.attempt, first.duplicate), (1, false));
    let second = db.insert_delivery(&delivery("Acme", "m1", "t1", true)).unwrap();
    assert_eq!((second.attempt, second.duplicate), (2, true));
    assert_eq!(second.message_id, first.message_id, "a retry points at the first chat message");
    let third = db.insert_delivery(&delivery("Acme", "m1", "t1", true)).unwrap();
    assert_eq!(third.attempt, 3);
    // Same id, other time: another delivery (Genesys keys on id + time).
    let other_time = db.insert_delivery(&delivery("Acme", "m1", "t2", true)).unwrap();
    assert_eq!((other_time.attempt, other_time.duplicate), (1, false));
    // Same key on another account is independent.
    assert_eq!(db.insert_delivery(&delivery("Beta", "m1", "t1", true)).unwrap().attempt, 1);
    // Rejected deliveries are traffic only.
    let rejected = db.insert_delivery(&delivery("Acme", "m9", "t1", false)).unwrap();
    assert_eq!(rejected.message_id, None);

    assert_eq!(db.count_traffic(&TrafficFilter::default()).unwrap(), 6);
    let messages = db.list_messages("Acme", "cust-1").unwrap();
    assert_eq!(messages.len(), 2, "three attempts + one other delivery = two chat messages");
}

#[test]
fn threads_messages_status_and_lookup() {
    let mut db = Db::open_in_memory().unwrap();
    let mut customer = agent_message("Acme", "cust-1", "in-1", "hi, I need help", datetime!(2025-01-15 10:00 UTC));
    customer.sender = Sender::Customer;
    customer.status = DeliveryStatus::Sent;
    customer.attachments.clear();
    db.insert_message(&customer).unwrap();
    db.insert_message(&agent_message("Acme", "cust-1", "out-1", "how can I help?", datetime!(2025-01-15 10:01 UTC)))
        .unwrap();
    let mut later = agent_message("Acme", "cust-2", "out-2", "other thread", datetime!(2025-01-15 11:00 UTC));
    later.conversation_id = Some("conv-2".into());
    db.insert_message(&later).unwrap();
    db.insert_message(&agent_message("Beta", "cust-1", "out-3", "beta", datetime!(2025-01-15 09:00 UTC))).unwrap();

    let threads = db.list_threads(Some("ACME")).unwrap();
    assert_eq!(threads.len(), 2);
    assert_eq!(threads[0].customer_id, "cust-2", "most recent thread first");
    assert_eq!(threads[0].conversation_id.as_deref(), Some("conv-2"));
    assert_eq!(threads[1].last_text, "how can I help?");
    assert_eq!(threads[1].last_message_at, datetime!(2025-01-15 10:01 UTC));
    assert_eq!((threads[1].message_count, threads[1].unread), (2, 1));
    assert_eq!(db.list_threads(None).unwrap().len(), 3);

    assert_eq!(db.mark_thread_read("Acme", "cust-1").unwrap(), 2);
    assert_eq!(db.list_threads(Some("Acme")).unwrap()[1].unread, 0);

    let thread = db.list_messages("Acme", "cust-1").unwrap();
    assert_eq!(thread.iter().map(|m| m.text.as_str()).collect::<Vec<_>>(), ["hi, I need help", "how can I help?"]);
    assert_eq!(thread[1].attachments[0].filename.as_deref(), Some("y.png"));

    let failed = DeliveryStatus::Failed("MediaTypeNotAllowed".into());
    assert_eq!(db.update_message_status("in-1", &failed).unwrap(), 1);
    let found = db.find_customer_message("in-1").unwrap().unwrap();
    assert_eq!(found.status, failed);
    assert_eq!(found.sender, Sender::Customer);
    assert_eq!(db.message(found.id.unwrap()).unwrap().unwrap().text, found.text, "the same row by its id");
    assert!(db.find_customer_message("nope").unwrap().is_none());
}

#[test]
fn media_ids_persist() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    Db::open(&path).unwrap().insert_media("0123456789abcdef0123456789abcdef", "/tmp/x.png").unwrap();
    let db = Db::open(&path).unwrap();
    assert_eq!(db.media_path("0123456789abcdef0123456789abcdef").unwrap().as_deref(), Some("/tmp/x.png"));
    assert_eq!(db.list_media().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_writer_group_commits_concurrent_deliveries() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.sqlite3");
    let writer = Writer::spawn(Db::open(&path).unwrap()).unwrap();
    let mut tasks = Vec::new();
    for i in 0..200 {
        let writer = writer.clone();
        // Every id twice: retries racing each other must still give one message each.
        let sent = delivery("Acme", &format!("m{}", i % 100), "t", true);
        let expected = (sent.traffic.clone(), sent.key.clone(), sent.message.clone());
        tasks.push((expected, tokio::spawn(async move { writer.insert_delivery(sent, None).await.unwrap() })));
    }
    let mut attempts = Vec::new();
    for (expected, t) in tasks {
        let (stored, record) = t.await.unwrap();
        // The record comes back with its answer (the listener reuses its rows).
        assert_eq!((record.traffic, record.key, record.message), expected);
        attempts.push(stored.attempt);
    }
    assert_eq!(attempts.iter().filter(|a| **a == 1).count(), 100);
    assert_eq!(attempts.iter().filter(|a| **a == 2).count(), 100);
    writer.insert_traffic(entry(Direction::Outgoing, "Acme", "https://api/x", Some(200))).await.unwrap();
    let (traffic, messages) = writer
        .call(|db| {
            (db.count_traffic(&TrafficFilter::default()).unwrap(), db.list_messages("Acme", "cust-1").unwrap().len())
        })
        .await
        .unwrap();
    assert_eq!((traffic, messages), (201, 100));
    // Acknowledged means committed: a second connection sees every row.
    let other = Db::open(&path).unwrap();
    assert_eq!(other.count_traffic(&TrafficFilter::default()).unwrap(), 201);
}
