//! Live traffic in memory: the newest entries (capped; SQLite keeps the full
//! history), and the rows of a filter ([`FilteredRows`], owned by the Traffic
//! view) kept in step incrementally, so a frame with 100,000 entries only
//! lays out the rows on screen.

use std::collections::VecDeque;

pub use crate::model::traffic::{StatusClass, TrafficFilter};
use crate::model::{Direction, SignatureVerdict, TrafficEntry};

/// Entries kept in memory by default.
pub const DEFAULT_TRAFFIC_CAP: usize = 100_000;

/// Whether `entry` passes `filter` in the live list; `needle` is the
/// lower-cased filter text, computed once per refilter.
fn matches(filter: &TrafficFilter, needle: &str, entry: &TrafficEntry) -> bool {
    if filter.account.as_ref().is_some_and(|a| *a != entry.account)
        || filter.direction.is_some_and(|d| d != entry.direction)
        || filter.status.is_some_and(|s| !s.matches(entry))
        || filter.verdict.is_some_and(|v| Some(v) != entry.verdict)
    {
        return false;
    }
    if needle.is_empty() {
        return true;
    }
    let has = |hay: &str| contains_ignore_case(hay, needle);
    has(&entry.method)
        || has(&entry.url)
        || has(&entry.account)
        || (needle.len() <= 3
            && needle.bytes().all(|b| b.is_ascii_digit())
            && entry.status.is_some_and(|s| s.to_string().contains(needle)))
        || entry.correlation_id.as_deref().is_some_and(has)
        || entry.error.as_deref().is_some_and(has)
        || has(&entry.request_body)
        || has(&entry.response_body)
}

/// ASCII case-insensitive substring test without allocating (`needle` is lower
/// case). Jumps between candidates for the first byte, which the compiler
/// vectorises: a refilter of 100,000 entries stays well under a frame budget.
fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else { return true };
    if needle.len() > hay.len() {
        return false;
    }
    let upper = first.to_ascii_uppercase();
    let last_start = hay.len() - needle.len();
    let mut i = 0;
    while i <= last_start {
        match hay[i..=last_start].iter().position(|&b| b == first || b == upper) {
            None => return false,
            Some(offset) => {
                i += offset;
                if hay[i..i + needle.len()].eq_ignore_ascii_case(needle) {
                    return true;
                }
                i += 1;
            }
        }
    }
    false
}

/// The capped list of entries as the engine reported them.
#[derive(Debug, Clone)]
pub struct TrafficLog {
    entries: VecDeque<TrafficEntry>,
    /// Sequence number of `entries[0]`; sequence numbers never repeat, so
    /// cached rows stay valid when old entries are dropped from the front.
    first_seq: u64,
    cap: usize,
    /// Bumped when the whole list is replaced: cached rows must be rebuilt.
    generation: u64,
    /// Incoming deliveries seen since start (not capped).
    pub deliveries: u64,
    pub last_verdict: Option<SignatureVerdict>,
}

impl Default for TrafficLog {
    fn default() -> Self {
        Self::with_cap(DEFAULT_TRAFFIC_CAP)
    }
}

impl TrafficLog {
    pub fn with_cap(cap: usize) -> Self {
        Self {
            entries: VecDeque::new(),
            first_seq: 0,
            cap: cap.max(1),
            generation: 0,
            deliveries: 0,
            last_verdict: None,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds an entry, dropping the oldest beyond the cap.
    pub fn push(&mut self, entry: TrafficEntry) {
        if entry.direction == Direction::Incoming {
            self.deliveries += 1;
            if entry.verdict.is_some() {
                self.last_verdict = entry.verdict;
            }
        }
        self.entries.push_back(entry);
        while self.entries.len() > self.cap {
            self.entries.pop_front();
            self.first_seq += 1;
        }
    }

    /// Replaces the whole list (history from SQLite), oldest first.
    pub fn load(&mut self, mut entries: Vec<TrafficEntry>) {
        entries.sort_by_key(|e| e.at);
        self.deliveries = entries.iter().filter(|e| e.direction == Direction::Incoming).count() as u64;
        self.last_verdict = entries.iter().rev().find_map(|e| e.verdict);
        let skip = entries.len().saturating_sub(self.cap);
        self.first_seq += self.entries.len() as u64;
        self.entries = entries.into_iter().skip(skip).collect();
        self.generation += 1;
    }

    /// Every attempt of the delivery `entry` is one of, oldest first: Genesys
    /// re-sends the same signed bytes, so the same account and body is the same
    /// delivery. Empty for anything but an incoming delivery with a body.
    pub fn attempts_of(&self, entry: &TrafficEntry) -> Vec<&TrafficEntry> {
        if entry.direction != Direction::Incoming || entry.request_body.is_empty() {
            return Vec::new();
        }
        let mut chain: Vec<&TrafficEntry> = self
            .entries
            .iter()
            .filter(|e| {
                e.direction == Direction::Incoming
                    && e.request_body.len() == entry.request_body.len()
                    && e.account == entry.account
                    && e.request_body == entry.request_body
            })
            .collect();
        chain.sort_by_key(|e| e.at);
        chain
    }

    /// The sequence number the next entry will get.
    fn end_seq(&self) -> u64 {
        self.first_seq + self.entries.len() as u64
    }

    /// An entry by sequence number, if still in memory.
    pub fn by_seq(&self, seq: u64) -> Option<&TrafficEntry> {
        let index = seq.checked_sub(self.first_seq)?;
        self.entries.get(usize::try_from(index).ok()?)
    }

    /// Distinct account names, for the filter picker.
    pub fn accounts(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for e in self.entries.iter().rev().take(10_000) {
            if !names.contains(&e.account) {
                names.push(e.account.clone());
            }
        }
        names.sort();
        names
    }
}

/// The rows of a filter over a [`TrafficLog`]: sequence numbers of the
/// matching entries, updated incrementally as entries arrive and rebuilt only
/// when the filter changes or the log is replaced.
#[derive(Debug, Clone, Default)]
pub struct FilteredRows {
    filter: TrafficFilter,
    /// Sequence numbers of the entries that match `filter`, oldest first.
    visible: VecDeque<u64>,
    /// Entries before this sequence number were looked at.
    synced_to: u64,
    /// The log generation `visible` was built from.
    generation: u64,
    /// How many times the full list was refiltered (tests check the cache works).
    refilters: u64,
}

impl FilteredRows {
    pub fn filter(&self) -> &TrafficFilter {
        &self.filter
    }

    /// Changes the filter; the rows are recomputed only when it really changed.
    pub fn set_filter(&mut self, filter: TrafficFilter, log: &TrafficLog) {
        if filter != self.filter {
            self.filter = filter;
            self.refilter(log);
        }
    }

    /// Catches up with `log`: new entries are matched, dropped ones forgotten.
    pub fn sync(&mut self, log: &TrafficLog) {
        if self.generation != log.generation {
            return self.refilter(log);
        }
        let needle = self.filter.text.trim().to_ascii_lowercase();
        for seq in self.synced_to.max(log.first_seq)..log.end_seq() {
            if log.by_seq(seq).is_some_and(|e| matches(&self.filter, &needle, e)) {
                self.visible.push_back(seq);
            }
        }
        self.synced_to = log.end_seq();
        while self.visible.front().is_some_and(|s| *s < log.first_seq) {
            self.visible.pop_front();
        }
    }

    fn refilter(&mut self, log: &TrafficLog) {
        let needle = self.filter.text.trim().to_ascii_lowercase();
        let first = log.first_seq;
        self.visible = log
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| matches(&self.filter, &needle, e))
            .map(|(i, _)| first + i as u64)
            .collect();
        self.synced_to = log.end_seq();
        self.generation = log.generation;
        self.refilters += 1;
    }

    /// How many times the full list was refiltered.
    pub fn refilter_count(&self) -> u64 {
        self.refilters
    }

    /// Number of rows matching the filter.
    pub fn len(&self) -> usize {
        self.visible.len()
    }

    pub fn is_empty(&self) -> bool {
        self.visible.is_empty()
    }

    /// The `row`-th matching entry (oldest first) and its sequence number.
    pub fn row<'a>(&self, log: &'a TrafficLog, row: usize) -> Option<(u64, &'a TrafficEntry)> {
        let seq = *self.visible.get(row)?;
        log.by_seq(seq).map(|e| (seq, e))
    }

    /// The matching entries, oldest first.
    pub fn entries<'a>(&'a self, log: &'a TrafficLog) -> impl Iterator<Item = &'a TrafficEntry> {
        self.visible.iter().filter_map(|s| log.by_seq(*s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(account: &str, url: &str, status: Option<u16>) -> TrafficEntry {
        let mut e = TrafficEntry::new(Direction::Outgoing, account, "GET", url);
        e.status = status;
        e
    }

    #[test]
    fn filter_by_text_status_and_account() {
        let mut log = TrafficLog::default();
        let mut rows = FilteredRows::default();
        log.push(entry("Acme", "https://api.x/oauth/token", Some(200)));
        log.push(entry("Acme", "https://api.x/api/v2/integrations", Some(404)));
        log.push(entry("Beta", "https://api.x/api/v2/inbound", Some(500)));
        log.push(entry("Beta", "https://api.x/api/v2/inbound", None));
        rows.sync(&log);
        assert_eq!(rows.len(), 4);
        rows.set_filter(TrafficFilter { text: "INBOUND".into(), ..Default::default() }, &log);
        assert_eq!(rows.len(), 2);
        rows.set_filter(TrafficFilter { status: Some(StatusClass::ClientError), ..Default::default() }, &log);
        assert_eq!(rows.entries(&log).next().map(|e| e.status), Some(Some(404)));
        let filter =
            TrafficFilter { status: Some(StatusClass::NoResponse), account: Some("Beta".into()), ..Default::default() };
        rows.set_filter(filter, &log);
        assert_eq!(rows.len(), 1);
        // New entries are matched as they arrive, without refiltering everything.
        let before = rows.refilter_count();
        log.push(entry("Beta", "https://api.x/timeout", None));
        log.push(entry("Acme", "https://api.x/timeout", None));
        rows.sync(&log);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows.refilter_count(), before);
        // Setting the same filter again does not refilter; a reload does.
        rows.set_filter(rows.filter().clone(), &log);
        assert_eq!(rows.refilter_count(), before);
        log.load(vec![entry("Beta", "https://api.x/timeout", None)]);
        rows.sync(&log);
        assert_eq!((rows.len(), rows.refilter_count()), (1, before + 1));
    }

    #[test]
    fn case_insensitive_search() {
        assert!(contains_ignore_case("POST /Hooks/Emulator", "hooks/emu"));
        assert!(contains_ignore_case("abcabd", "abd"));
        assert!(!contains_ignore_case("abcab", "abd"));
        assert!(contains_ignore_case("x", ""));
        assert!(!contains_ignore_case("", "a"));
    }

    #[test]
    fn the_cap_drops_the_oldest_and_keeps_rows_consistent() {
        let mut log = TrafficLog::with_cap(3);
        let mut rows = FilteredRows::default();
        rows.set_filter(TrafficFilter { text: "keep".into(), ..Default::default() }, &log);
        for i in 0..5 {
            log.push(entry("A", &format!("/{}/{i}", if i % 2 == 0 { "keep" } else { "skip" }), Some(200)));
            if i == 1 {
                rows.sync(&log);
            }
        }
        rows.sync(&log);
        assert_eq!(log.len(), 3);
        let urls: Vec<_> = rows.entries(&log).map(|e| e.url.clone()).collect();
        assert_eq!(urls, vec!["/keep/2", "/keep/4"]);
        assert_eq!(rows.row(&log, 0).map(|(_, e)| e.url.as_str()), Some("/keep/2"));
    }

    #[test]
    fn deliveries_and_last_verdict_are_counted() {
        let mut log = TrafficLog::default();
        let mut d = TrafficEntry::new(Direction::Incoming, "A", "POST", "/hooks/A");
        d.verdict = Some(SignatureVerdict::Invalid);
        log.push(d);
        assert_eq!((log.deliveries, log.last_verdict), (1, Some(SignatureVerdict::Invalid)));
    }
}
