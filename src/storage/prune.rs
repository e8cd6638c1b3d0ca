//! The history cap: traffic rows older than `max_age` are deleted, then the
//! oldest rows while the database holds more than `max_bytes`. The writer
//! thread runs it at most once per [`PRUNE_EVERY`], between batches.
//!
//! Never deleted: the traffic row of a delivery that is *unsynced*, meaning
//! an incoming webhook with a `valid` signature, answered 2xx, whose chat
//! message (same account and delivery key) the user has not read yet
//! (`messages.is_read = 0`): until it is read, that row is the proof of what
//! Genesys sent. Chat messages themselves are never pruned; only traffic is.

use std::time::Duration;

use rusqlite::{Connection, params};
use time::OffsetDateTime;

use super::Db;
use super::Result;
use super::queries::time_ms;

/// How often the writer checks the cap.
pub const PRUNE_EVERY: Duration = Duration::from_secs(1);
/// Rows deleted per statement (keeps each pause of the writer short).
const BATCH: i64 = 500;
/// Most windows per prune run and limit; the rest waits for the next run.
const MAX_BATCHES: usize = 4;

/// Environment variable overriding [`HistoryLimits::max_bytes`], in MiB.
pub const MAX_MB_ENV: &str = "GENESYS_DESK_HISTORY_MAX_MB";
/// Environment variable overriding [`HistoryLimits::max_age`], in days.
pub const MAX_DAYS_ENV: &str = "GENESYS_DESK_HISTORY_MAX_DAYS";

/// The history cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryLimits {
    /// Bytes the database may hold (pages in use) before the oldest traffic goes (default 512 MiB).
    pub max_bytes: u64,
    /// Age after which traffic rows go (default 90 days).
    pub max_age: Duration,
}

impl Default for HistoryLimits {
    fn default() -> Self {
        HistoryLimits { max_bytes: 512 * 1024 * 1024, max_age: Duration::from_secs(90 * 24 * 3600) }
    }
}

impl HistoryLimits {
    /// The defaults, overridden by [`MAX_MB_ENV`] and [`MAX_DAYS_ENV`] when set to a
    /// positive whole number (an unusable value is ignored with a warning).
    pub fn from_env() -> HistoryLimits {
        let mut limits = HistoryLimits::default();
        if let Some(mb) = positive_env(MAX_MB_ENV) {
            limits.max_bytes = mb.saturating_mul(1024 * 1024);
        }
        if let Some(days) = positive_env(MAX_DAYS_ENV) {
            limits.max_age = Duration::from_secs(days.saturating_mul(24 * 3600));
        }
        limits
    }
}

fn positive_env(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    match text.trim().parse::<u64>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            tracing::warn!("{name}={text:?} is not a positive whole number: using the default history cap");
            None
        }
    }
}

/// What a prune run deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub by_age: u64,
    pub by_size: u64,
}

/// The next [`WINDOW`] traffic rows after a position, oldest first, each with
/// whether it may go (see the module comment for the ones that stay).
const WINDOW_ROWS: &str = "SELECT t.id, t.at_ms,
       NOT (t.direction = 'incoming' AND t.verdict = 'valid' AND t.status BETWEEN 200 AND 299
            AND t.delivery_key IS NOT NULL
            AND EXISTS (SELECT 1 FROM messages m
                        WHERE m.account = t.account AND m.delivery_key = t.delivery_key AND m.is_read = 0))
     FROM traffic t
     WHERE (t.at_ms, t.id) > (?1, ?2) AND t.at_ms < ?3
     ORDER BY t.at_ms, t.id LIMIT ?4";

/// Rows looked at per statement. Bounds each run's work when most rows must
/// stay (a history full of unread chats): a scan from the oldest row each
/// time held the writer, and every webhook waiting on it, for seconds.
const WINDOW: i64 = 2_000;

/// Where a scan for deletable rows goes on from: (at_ms, id) of the last row looked at.
pub(super) type Cursor = (i64, i64);
/// Before every row.
pub(super) const START: Cursor = (i64::MIN, i64::MIN);

/// Deletes up to `rows` deletable rows older than `before_ms` in the window after
/// `cursor`, and moves the cursor past the window (back to the start at the end).
/// Returns the rows deleted and whether the window reached the end.
fn delete_batch(conn: &Connection, cursor: &mut Cursor, before_ms: i64, rows: i64) -> Result<(u64, bool)> {
    let mut stmt = conn.prepare_cached(WINDOW_ROWS)?;
    let mut seen = 0;
    let mut doomed = Vec::new();
    let mut found = stmt.query(params![cursor.0, cursor.1, before_ms, WINDOW])?;
    while let Some(row) = found.next()? {
        let (id, at_ms, deletable): (i64, i64, bool) = (row.get(0)?, row.get(1)?, row.get(2)?);
        seen += 1;
        *cursor = (at_ms, id);
        if deletable && i64::try_from(doomed.len()).unwrap_or(i64::MAX) < rows {
            doomed.push(id);
        }
    }
    let ended = seen < WINDOW;
    if ended {
        *cursor = START;
    }
    let mut delete = conn.prepare_cached("DELETE FROM traffic WHERE id = ?1")?;
    for id in &doomed {
        delete.execute([id])?;
    }
    Ok((doomed.len() as u64, ended))
}

/// About how many traffic rows hold `excess` bytes (at least 1, at most [`BATCH`]),
/// so the size cap deletes little more than it must. The row count is taken from
/// the ends of the rowid range (a `COUNT(*)` reads the whole table).
fn rows_for(conn: &Connection, used: u64, excess: u64) -> Result<i64> {
    // Two subqueries: MIN and MAX in one SELECT would read every row.
    let rows: i64 = conn.query_row(
        "SELECT COALESCE((SELECT MAX(id) FROM traffic) - (SELECT MIN(id) FROM traffic) + 1, 0)",
        [],
        |r| r.get(0),
    )?;
    let per_row = used / u64::try_from(rows.max(1)).unwrap_or(1);
    let needed = excess.div_ceil(per_row.max(1));
    Ok(i64::try_from(needed).unwrap_or(BATCH).clamp(1, BATCH))
}

/// Bytes in pages that hold data (the file minus its free pages).
fn used_bytes(conn: &Connection) -> Result<u64> {
    let pages: i64 = conn.pragma_query_value(None, "page_count", |r| r.get(0))?;
    let free: i64 = conn.pragma_query_value(None, "freelist_count", |r| r.get(0))?;
    let size: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0))?;
    Ok(u64::try_from((pages - free).max(0) * size).unwrap_or(0))
}

impl Db {
    /// Bytes the database holds (pages in use).
    pub fn used_bytes(&self) -> Result<u64> {
        used_bytes(&self.conn)
    }

    /// Applies `limits` as of `now`, in one transaction: by age, then by size.
    /// Bounded work per call (at most [`MAX_BATCHES`] windows); a later call continues.
    pub fn prune(&mut self, limits: &HistoryLimits, now: OffsetDateTime) -> Result<Pruned> {
        let tx = self.conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut pruned = Pruned::default();
        let max_age_ms = i64::try_from(limits.max_age.as_millis()).unwrap_or(i64::MAX);
        let cutoff = time_ms(now).saturating_sub(max_age_ms);
        for _ in 0..MAX_BATCHES {
            let (n, ended) = delete_batch(&tx, &mut self.prune_cursors.0, cutoff, BATCH)?;
            pruned.by_age += n;
            if ended {
                break;
            }
        }
        for _ in 0..MAX_BATCHES {
            let used = used_bytes(&tx)?;
            if used <= limits.max_bytes {
                break;
            }
            let rows = rows_for(&tx, used, used - limits.max_bytes)?;
            let (n, ended) = delete_batch(&tx, &mut self.prune_cursors.1, i64::MAX, rows)?;
            pruned.by_size += n;
            if ended && n == 0 {
                break;
            }
        }
        tx.commit()?;
        Ok(pruned)
    }
}
