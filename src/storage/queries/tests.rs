use rusqlite::StatementStatus;
use time::macros::datetime;

use super::*;
use crate::model::{ChatMessage, DeliveryStatus, Direction, MessageKind, Sender, SignatureVerdict};

/// Delivery `n` of account Acme: an agent text, or a receipt for message `n`.
pub(in crate::storage) fn delivery(n: usize, receipt: bool) -> DeliveryRecord {
    let id = format!("{n:032x}");
    let mut traffic = TrafficEntry::new(Direction::Incoming, "Acme", "POST", "/hooks/acme");
    traffic.verdict = Some(SignatureVerdict::Valid);
    let message = ChatMessage {
        id: None,
        account: "Acme".into(),
        customer_id: "cust-1".into(),
        conversation_id: Some("conv-1".into()),
        genesys_id: Some(id.clone()),
        sender: Sender::Agent,
        sender_name: Some("Agent".into()),
        kind: MessageKind::Text,
        text: "hello".into(),
        attachments: Vec::new(),
        at: datetime!(2026-11-28 10:00 UTC),
        status: DeliveryStatus::Received,
        raw: None,
    };
    DeliveryRecord {
        traffic,
        key: Some(DeliveryKey::new(&id, Some(&format!("2026-11-28T10:00:{:02}.000Z", n % 60)))),
        message: (!receipt).then_some(message),
        receipt: receipt.then_some((id, DeliveryStatus::Delivered)),
    }
}

/// SQLite recompiles a statement when a bound value could change its plan
/// (with the STAT4 build option, and for a partial index's condition); on
/// the writer thread that was a quarter of its time. Each lookup of the
/// delivery path must run as compiled once, new delivery or retry.
#[test]
fn storing_deliveries_and_their_retries_never_recompiles_a_lookup() {
    let mut db = Db::open_in_memory().unwrap();
    for round in 0..2 {
        for n in 0..20 {
            db.insert_delivery(&delivery(n, false)).unwrap();
            let receipt = db.insert_delivery(&delivery(100 + n, true)).unwrap();
            assert_eq!(receipt.attempt, round + 1);
        }
    }
    for sql in [NEWEST_ATTEMPT, MESSAGE_OF_DELIVERY, RECEIPT_UPDATE] {
        let recompiled = db.conn.prepare_cached(sql).unwrap().get_status(StatementStatus::RePrepare);
        assert_eq!(recompiled, 0, "recompiled {recompiled} times: {sql}");
    }
}

#[test]
fn the_delivery_lookups_use_their_indexes() {
    let db = Db::open_in_memory().unwrap();
    for (sql, index) in [
        (NEWEST_ATTEMPT, "traffic_delivery"),
        (MESSAGE_OF_DELIVERY, "messages_delivery"),
        (RECEIPT_UPDATE, "messages_genesys"),
    ] {
        let plan: Vec<String> = db
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map(["Acme", "k"], |row| row.get(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(plan.iter().any(|step| step.contains(index)), "{sql}: {plan:?}");
    }
}
