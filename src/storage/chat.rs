//! Chat messages, threads and media ids.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use time::OffsetDateTime;

use super::queries::{
    DeliveryKey, MediaRecord, Thread, enum_parse, enum_text, json_parse, json_text, parse_time, time_ms, time_text,
    value_int, value_text,
};
use super::{Db, Error, Result};
use crate::model::{ChatMessage, DeliveryStatus};

// ---- chat messages ----------------------------------------------------------

const INSERT_MESSAGE: &str = "INSERT INTO messages (account, customer_id, conversation_id, genesys_id, sender,
    sender_name, kind, text, attachments, at, at_ms, status, raw, delivery_key)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
const INSERT_MESSAGE_OR_IGNORE: &str = "INSERT OR IGNORE INTO messages (account, customer_id, conversation_id,
    genesys_id, sender, sender_name, kind, text, attachments, at, at_ms, status, raw, delivery_key)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

/// Inserts a message; with `ignore_duplicate`, returns `None` when a message with
/// the same (account, delivery key) already exists.
pub(super) fn insert_message_row(
    conn: &Connection,
    m: &ChatMessage,
    key: Option<&DeliveryKey>,
    ignore_duplicate: bool,
) -> Result<Option<i64>> {
    let changed = conn
        .prepare_cached(if ignore_duplicate { INSERT_MESSAGE_OR_IGNORE } else { INSERT_MESSAGE })?
        .execute(params![
            m.account,
            m.customer_id,
            m.conversation_id,
            m.genesys_id,
            enum_text(&m.sender),
            m.sender_name,
            enum_text(&m.kind),
            m.text,
            json_text(&m.attachments),
            time_text(m.at),
            time_ms(m.at),
            json_text(&m.status),
            m.raw,
            key.map(|k| k.0.as_str()),
        ])?;
    Ok((changed > 0).then(|| conn.last_insert_rowid()))
}

const MESSAGE_COLUMNS: &str = "id, account, customer_id, conversation_id, genesys_id, sender, sender_name, kind, text,
    attachments, at, status, raw";

fn message_from_row(row: &Row<'_>) -> rusqlite::Result<[Value; 13]> {
    let mut out: [Value; 13] = std::array::from_fn(|_| Value::Null);
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = row.get(i)?;
    }
    Ok(out)
}

fn message_from_values(v: [Value; 13]) -> Result<ChatMessage> {
    let text = |i: usize| value_text(&v[i]).unwrap_or_default();
    Ok(ChatMessage {
        id: value_int(&v[0]),
        account: text(1),
        customer_id: text(2),
        conversation_id: value_text(&v[3]),
        genesys_id: value_text(&v[4]),
        sender: enum_parse(&text(5), "message sender")?,
        sender_name: value_text(&v[6]),
        kind: enum_parse(&text(7), "message kind")?,
        text: text(8),
        attachments: json_parse(&text(9), "message attachments")?,
        at: parse_time(&text(10))?,
        status: json_parse(&text(11), "message status")?,
        raw: value_text(&v[12]),
    })
}

/// Genesys sends receipts for the messages we (the customer side) sent, so
/// only those are looked up by Genesys id (the index covers only them).
pub(crate) fn update_message_status(conn: &Connection, genesys_id: &str, status: &DeliveryStatus) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE messages SET status = ?1 WHERE genesys_id = ?2 AND sender = 'customer'",
        params![json_text(status), genesys_id],
    )?)
}

impl Db {
    /// Stores a chat message (e.g. a customer message the app sent) and returns its row id.
    pub fn insert_message(&mut self, message: &ChatMessage) -> Result<i64> {
        insert_message_row(&self.conn, message, None, false)?
            .ok_or_else(|| Error::Malformed("message insert changed no row".into()))
    }

    /// Rewrites the mutable parts of a stored message (ids learnt after the send,
    /// status, downloaded attachments) by row id; returns how many rows changed.
    pub fn update_message(&mut self, id: i64, m: &ChatMessage) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE messages SET conversation_id = ?2, genesys_id = ?3, text = ?4, attachments = ?5, status = ?6
             WHERE id = ?1",
            params![id, m.conversation_id, m.genesys_id, m.text, json_text(&m.attachments), json_text(&m.status)],
        )?)
    }

    /// Sets the status of every customer message with this Genesys id; returns how many changed.
    pub fn update_message_status(&mut self, genesys_id: &str, status: &DeliveryStatus) -> Result<usize> {
        update_message_status(&self.conn, genesys_id, status)
    }

    /// The first customer message stored with this Genesys id.
    pub fn find_customer_message(&self, genesys_id: &str) -> Result<Option<ChatMessage>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE genesys_id = ?1 AND sender = 'customer' ORDER BY id LIMIT 1"
        ))?;
        stmt.query_row([genesys_id], message_from_row).optional()?.map(message_from_values).transpose()
    }

    /// The message in history row `id`.
    pub fn message(&self, id: i64) -> Result<Option<ChatMessage>> {
        let mut stmt = self.conn.prepare_cached(&format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = ?1"))?;
        stmt.query_row([id], message_from_row).optional()?.map(message_from_values).transpose()
    }

    /// Chat threads (one per account + customer), most recent first; `account` filters (case-insensitive).
    pub fn list_threads(&self, account: Option<&str>) -> Result<Vec<Thread>> {
        let mut stmt = self.conn.prepare(
            "SELECT m.account, m.customer_id,
                    (SELECT conversation_id FROM messages c
                      WHERE c.account = m.account AND c.customer_id = m.customer_id AND c.conversation_id IS NOT NULL
                      ORDER BY c.at_ms DESC, c.id DESC LIMIT 1),
                    (SELECT at FROM messages l WHERE l.account = m.account AND l.customer_id = m.customer_id
                      ORDER BY l.at_ms DESC, l.id DESC LIMIT 1),
                    (SELECT text FROM messages l WHERE l.account = m.account AND l.customer_id = m.customer_id
                      ORDER BY l.at_ms DESC, l.id DESC LIMIT 1),
                    COUNT(*),
                    SUM(CASE WHEN m.sender = 'agent' AND m.is_read = 0 AND m.kind <> 'typing' THEN 1 ELSE 0 END),
                    MAX(m.at_ms) AS last_ms
             FROM messages m
             WHERE ?1 IS NULL OR m.account = ?1 COLLATE NOCASE
             GROUP BY m.account, m.customer_id
             ORDER BY last_ms DESC",
        )?;
        let rows = stmt.query_map([account], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Option<String>>(2)?,
                row.get::<_, String>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, i64>(5)?,
                row.get::<_, i64>(6)?,
            ))
        })?;
        rows.map(|row| {
            let (account, customer_id, conversation_id, at, last_text, count, unread) = row?;
            Ok(Thread {
                account,
                customer_id,
                conversation_id,
                last_message_at: parse_time(&at)?,
                last_text,
                message_count: count as u64,
                unread: unread as u64,
            })
        })
        .collect()
    }

    /// Messages of one thread, oldest first.
    pub fn list_messages(&self, account: &str, customer_id: &str) -> Result<Vec<ChatMessage>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE account = ?1 COLLATE NOCASE AND customer_id = ?2
             ORDER BY at_ms, id"
        ))?;
        let rows = stmt.query_map([account, customer_id], message_from_row)?;
        rows.map(|row| message_from_values(row?)).collect()
    }

    /// Marks a thread's messages read; returns how many changed.
    pub fn mark_thread_read(&mut self, account: &str, customer_id: &str) -> Result<usize> {
        Ok(self.conn.execute(
            "UPDATE messages SET is_read = 1 WHERE account = ?1 COLLATE NOCASE AND customer_id = ?2 AND is_read = 0",
            [account, customer_id],
        )?)
    }

    /// Remembers a served media file so its link survives a restart.
    pub fn insert_media(&mut self, id: &str, path: &str) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO media (id, path, created_at) VALUES (?1, ?2, ?3)",
            params![id, path, time_text(OffsetDateTime::now_utc())],
        )?;
        Ok(())
    }

    /// Every registered media file.
    pub fn list_media(&self) -> Result<Vec<MediaRecord>> {
        let mut stmt = self.conn.prepare("SELECT id, path FROM media ORDER BY created_at, id")?;
        let rows = stmt.query_map([], |row| Ok(MediaRecord { id: row.get(0)?, path: row.get(1)? }))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The file path of one media id.
    pub fn media_path(&self, id: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT path FROM media WHERE id = ?1", [id], |row| row.get(0)).optional()?)
    }
}
