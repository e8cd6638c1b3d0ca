//! Typed queries. Each is a free function over a `Connection` (so the writer can
//! run many of them inside one transaction) with a `Db` method wrapping it.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::chat::insert_message_row;
use super::{Db, Error, Result};
use crate::model::traffic::{StatusClass, TrafficFilter, redacted_body, redacted_headers};
use crate::model::{ChatMessage, DeliveryStatus, Direction, SignatureVerdict, TrafficEntry};

/// The de-duplication key of a webhook delivery: payload `id` + `channel.time`
/// (Genesys requires that pair to be unique, and resends it unchanged on retry).
/// Stored time first, `time|id`: new keys then land at the end of their indexes
/// instead of on a random page each, which keeps every commit's write small.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeliveryKey(pub String);

impl DeliveryKey {
    pub fn new(id: &str, time: Option<&str>) -> Self {
        DeliveryKey(format!("{}|{id}", time.unwrap_or("")))
    }
}

/// One webhook delivery to store: its traffic row, and the chat message when the
/// delivery was accepted (rejected deliveries never become chat messages).
#[derive(Debug, Clone)]
pub struct DeliveryRecord {
    pub traffic: TrafficEntry,
    pub key: Option<DeliveryKey>,
    pub message: Option<ChatMessage>,
    /// A receipt about one of our customer messages: (its Genesys id, the new status),
    /// applied to the customer message with that id on the first attempt.
    pub receipt: Option<(String, DeliveryStatus)>,
}

/// What storing a delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryStored {
    pub traffic_id: i64,
    /// 1 for the first time this key was seen, 2 for the first retry, ...
    pub attempt: u32,
    /// True when an earlier attempt of the same delivery was already stored.
    pub duplicate: bool,
    /// The chat message of this delivery (the existing one for a duplicate).
    pub message_id: Option<i64>,
}

/// A page of the traffic history that matches a filter, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficQuery {
    pub filter: TrafficFilter,
    pub limit: usize,
    pub offset: usize,
}

impl Default for TrafficQuery {
    fn default() -> Self {
        Self { filter: TrafficFilter::default(), limit: 200, offset: 0 }
    }
}

impl TrafficQuery {
    /// The first `limit` rows matching `filter`.
    pub fn first(filter: TrafficFilter, limit: usize) -> TrafficQuery {
        TrafficQuery { filter, limit, offset: 0 }
    }
}

/// A chat thread: one customer of one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    pub account: String,
    pub customer_id: String,
    /// The latest conversation id seen in this thread.
    pub conversation_id: Option<String>,
    pub last_message_at: OffsetDateTime,
    pub last_text: String,
    pub message_count: u64,
    /// Agent messages not yet marked read.
    pub unread: u64,
}

/// A file served at the listener's `/media/{id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaRecord {
    pub id: String,
    pub path: String,
}

// ---- encoding helpers -------------------------------------------------------

pub(super) fn time_text(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.unix_timestamp().to_string())
}

pub(super) fn time_ms(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

pub(super) fn parse_time(text: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|e| Error::Malformed(format!("time \"{text}\": {e}")))
}

/// A unit enum as its serde string (`"agent"`, `"typing"`, ...).
pub(super) fn enum_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

pub(super) fn enum_parse<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|e| Error::Malformed(format!("{what} \"{text}\": {e}")))
}

pub(super) fn json_text<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

pub(super) fn json_parse<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| Error::Malformed(format!("{what}: {e}")))
}

fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

// ---- traffic ----------------------------------------------------------------

pub(crate) fn insert_traffic_row(
    conn: &Connection,
    entry: &TrafficEntry,
    key: Option<&DeliveryKey>,
    attempt: Option<u32>,
) -> Result<i64> {
    // Redact again here: whoever built the entry should have, but the history
    // file must never hold a secret even if a caller forgot.
    let request_headers = redacted_headers(&entry.request_headers);
    let response_headers = redacted_headers(&entry.response_headers);
    conn.prepare_cached(
        "INSERT INTO traffic (at, at_ms, direction, account, method, url, status, latency_us, verdict, explanation,
             correlation_id, request_headers, request_body, response_headers, response_body, error, delivery_key, attempt,
             imported)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
    )?
    .execute(params![
            time_text(entry.at),
            time_ms(entry.at),
            entry.direction.as_str(),
            entry.account,
            entry.method,
            entry.url,
            entry.status,
            entry.latency_us.map(|v| i64::try_from(v).unwrap_or(i64::MAX)),
            entry.verdict.map(|v| v.as_str()),
            entry.explanation,
            entry.correlation_id,
            json_text(&*request_headers),
            redacted_body(&entry.request_body),
            json_text(&*response_headers),
            redacted_body(&entry.response_body),
            entry.error,
            key.map(|k| k.0.as_str()),
            attempt,
            entry.imported,
    ])?;
    Ok(conn.last_insert_rowid())
}

const NEWEST_ATTEMPT: &str = "SELECT COALESCE(MAX(attempt), 0) FROM traffic WHERE account = ?1 AND delivery_key = ?2";
const MESSAGE_OF_DELIVERY: &str = "SELECT id FROM messages WHERE account = ?1 AND delivery_key = ?2";
const RECEIPT_UPDATE: &str = "UPDATE messages SET status = ?1 WHERE genesys_id = ?2 AND sender = 'customer'";

pub(crate) fn insert_delivery(conn: &Connection, record: &DeliveryRecord) -> Result<DeliveryStored> {
    let account = &record.traffic.account;
    // The newest attempt of this key, from the index on (account, delivery_key,
    // attempt): one lookup however often the delivery was re-sent (counting the
    // earlier rows grew with every repeat of a replayed delivery).
    let earlier: i64 = match &record.key {
        Some(key) => conn.prepare_cached(NEWEST_ATTEMPT)?.query_row(params![account, key.0], |row| row.get(0))?,
        None => 0,
    };
    let attempt = u32::try_from(earlier + 1).unwrap_or(u32::MAX);
    let traffic_id = insert_traffic_row(conn, &record.traffic, record.key.as_ref(), Some(attempt))?;
    let mut duplicate = earlier > 0;
    let message_id = match &record.message {
        None => None,
        Some(message) => {
            let inserted = insert_message_row(conn, message, record.key.as_ref(), true)?;
            match (inserted, &record.key) {
                (Some(id), _) => Some(id),
                (None, Some(key)) => {
                    duplicate = true;
                    conn.prepare_cached(MESSAGE_OF_DELIVERY)?
                        .query_row(params![message.account, key.0], |row| row.get(0))
                        .optional()?
                }
                (None, None) => None,
            }
        }
    };
    if let (Some((genesys_id, status)), false) = (&record.receipt, duplicate) {
        conn.prepare_cached(RECEIPT_UPDATE)?.execute(params![json_text(status), genesys_id])?;
    }
    Ok(DeliveryStored { traffic_id, attempt, duplicate, message_id })
}

pub(super) const TRAFFIC_COLUMNS: &str = "id, at, direction, account, method, url, status,
    COALESCE(latency_us, latency_ms * 1000), verdict, explanation,
    correlation_id, request_headers, request_body, response_headers, response_body, error, imported";

pub(super) fn traffic_from_row(row: &Row<'_>) -> rusqlite::Result<[Value; 17]> {
    let mut out: [Value; 17] = std::array::from_fn(|_| Value::Null);
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = row.get(i)?;
    }
    Ok(out)
}

pub(super) fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Text(s) => Some(s.clone()),
        _ => None,
    }
}

pub(super) fn value_int(v: &Value) -> Option<i64> {
    match v {
        Value::Integer(i) => Some(*i),
        _ => None,
    }
}

pub(super) fn traffic_from_values(v: [Value; 17]) -> Result<TrafficEntry> {
    let text = |i: usize| value_text(&v[i]).unwrap_or_default();
    let direction = match text(2).as_str() {
        "outgoing" => Direction::Outgoing,
        "incoming" => Direction::Incoming,
        "socket" => Direction::Socket,
        other => return Err(Error::Malformed(format!("traffic direction \"{other}\""))),
    };
    let verdict = match value_text(&v[8]) {
        None => None,
        Some(s) => Some(enum_parse::<SignatureVerdict>(&s, "traffic verdict")?),
    };
    Ok(TrafficEntry {
        id: value_int(&v[0]),
        at: parse_time(&text(1))?,
        direction,
        account: text(3),
        method: text(4),
        url: text(5),
        status: value_int(&v[6]).and_then(|s| u16::try_from(s).ok()),
        latency_us: value_int(&v[7]).and_then(|s| u64::try_from(s).ok()),
        verdict,
        explanation: value_text(&v[9]),
        correlation_id: value_text(&v[10]),
        request_headers: json_parse(&text(11), "traffic request headers")?,
        request_body: text(12),
        response_headers: json_parse(&text(13), "traffic response headers")?,
        response_body: text(14),
        error: value_text(&v[15]),
        imported: value_int(&v[16]).is_some_and(|i| i != 0),
    })
}

pub(super) fn traffic_where(filter: &TrafficFilter) -> (String, Vec<Value>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if let Some(text) = Some(filter.text.as_str()).filter(|t| !t.is_empty()) {
        args.push(Value::Text(like_pattern(text)));
        let n = args.len();
        clauses.push(format!(
            "(url LIKE ?{n} ESCAPE '\\' OR request_body LIKE ?{n} ESCAPE '\\' OR response_body LIKE ?{n} ESCAPE '\\' \
             OR explanation LIKE ?{n} ESCAPE '\\' OR account LIKE ?{n} ESCAPE '\\' OR error LIKE ?{n} ESCAPE '\\')"
        ));
    }
    if let Some(account) = &filter.account {
        args.push(Value::Text(account.clone()));
        clauses.push(format!("account = ?{} COLLATE NOCASE", args.len()));
    }
    if let Some(direction) = filter.direction {
        args.push(Value::Text(direction.as_str().to_string()));
        clauses.push(format!("direction = ?{}", args.len()));
    }
    if let Some(class) = filter.status {
        clauses.push(
            match class {
                StatusClass::Success => "status BETWEEN 200 AND 299",
                StatusClass::Redirect => "status BETWEEN 300 AND 399",
                StatusClass::ClientError => "status BETWEEN 400 AND 499",
                StatusClass::ServerError => "status BETWEEN 500 AND 599",
                StatusClass::NoResponse => "status IS NULL",
            }
            .to_string(),
        );
    }
    if let Some(verdict) = filter.verdict {
        args.push(Value::Text(verdict.as_str().to_string()));
        clauses.push(format!("verdict = ?{}", args.len()));
    }
    let sql = if clauses.is_empty() { String::new() } else { format!(" WHERE {}", clauses.join(" AND ")) };
    (sql, args)
}

pub(crate) fn list_traffic(conn: &Connection, query: &TrafficQuery) -> Result<Vec<TrafficEntry>> {
    let (where_sql, mut args) = traffic_where(&query.filter);
    args.push(Value::Integer(query.limit as i64));
    args.push(Value::Integer(query.offset as i64));
    let n = args.len();
    let sql = format!(
        "SELECT {TRAFFIC_COLUMNS} FROM traffic{where_sql} ORDER BY at_ms DESC, id DESC LIMIT ?{} OFFSET ?{n}",
        n - 1
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), traffic_from_row)?;
    rows.map(|row| traffic_from_values(row?)).collect()
}

pub(crate) fn count_traffic(conn: &Connection, filter: &TrafficFilter) -> Result<u64> {
    let (where_sql, args) = traffic_where(filter);
    let count: i64 =
        conn.query_row(&format!("SELECT COUNT(*) FROM traffic{where_sql}"), rusqlite::params_from_iter(args), |row| {
            row.get(0)
        })?;
    Ok(count as u64)
}

// ---- Db wrappers ------------------------------------------------------------

impl Db {
    /// Stores one traffic entry (an API call, a socket event, a webhook outside the listener).
    pub fn insert_traffic(&mut self, entry: &TrafficEntry) -> Result<i64> {
        insert_traffic_row(&self.conn, entry, None, None)
    }

    /// Stores a webhook delivery atomically: its traffic row and, when accepted,
    /// its chat message (once per delivery key, whatever the number of retries).
    pub fn insert_delivery(&mut self, record: &DeliveryRecord) -> Result<DeliveryStored> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let stored = insert_delivery(&tx, record)?;
        tx.commit()?;
        Ok(stored)
    }

    /// Traffic matching `filter`, newest first.
    pub fn list_traffic(&self, query: &TrafficQuery) -> Result<Vec<TrafficEntry>> {
        list_traffic(&self.conn, query)
    }

    /// How many traffic rows match `filter`.
    pub fn count_traffic(&self, filter: &TrafficFilter) -> Result<u64> {
        count_traffic(&self.conn, filter)
    }

    /// Rewrites a stored row's answer (a listener fault mode answers after storing).
    pub fn set_traffic_answer(&mut self, id: i64, status: u16, latency_us: u64, explanation: &str) -> Result<()> {
        self.conn
            .execute(
                "UPDATE traffic SET status = ?2, latency_us = ?3, explanation = ?4 WHERE id = ?1",
                rusqlite::params![id, status, i64::try_from(latency_us).unwrap_or(i64::MAX), explanation],
            )
            .map(|_| ())
            .map_err(Error::from)
    }

    /// One traffic row by id.
    pub fn traffic(&self, id: i64) -> Result<Option<TrafficEntry>> {
        let mut stmt = self.conn.prepare(&format!("SELECT {TRAFFIC_COLUMNS} FROM traffic WHERE id = ?1"))?;
        stmt.query_row([id], traffic_from_row).optional()?.map(traffic_from_values).transpose()
    }
}

#[cfg(test)]
pub(super) mod tests;
