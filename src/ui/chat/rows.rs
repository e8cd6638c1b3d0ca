//! Which bubbles of the open thread are on screen, and where: each bubble's
//! height measured once when drawn and kept (per message identity and
//! content, for one width), estimated until then, so a frame lays out only
//! the bubbles in the viewport however long the thread is.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;

use crate::app::chats::ChatThread;
use crate::model::{ChatMessage, MessageKind};

/// Heights and tops of one thread's rows.
#[derive(Debug, Default)]
pub(super) struct RowHeights {
    /// The thread revision and content width these rows are for.
    revision: Option<u64>,
    width: f32,
    /// (identity, content version) of each row, in thread order.
    keys: Vec<(u64, u64)>,
    heights: Vec<f32>,
    measured: Vec<bool>,
    /// `tops[i]`: where row `i` starts; `tops[len]`: the total height.
    tops: Vec<f32>,
}

fn hash_of(value: impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// Which message a row is, whatever its status.
fn identity(msg: &ChatMessage) -> u64 {
    hash_of((msg.id, &msg.genesys_id, msg.at.unix_timestamp_nanos(), msg.sender as u8))
}

/// What its bubble shows: a change means a new height.
fn version(msg: &ChatMessage) -> u64 {
    let mut hasher = DefaultHasher::new();
    (&msg.text, &msg.status, &msg.sender_name, msg.raw.as_ref().map(String::len)).hash(&mut hasher);
    for a in &msg.attachments {
        (&a.url, &a.local_path).hash(&mut hasher);
    }
    hasher.finish()
}

/// A first guess before the bubble is drawn: a line per ~60 characters, an
/// image 260 px, a structured card 200 px. Close guesses keep the scroll
/// bar steady while rows are measured.
fn estimate(msg: &ChatMessage) -> f32 {
    if msg.kind == MessageKind::Presence || msg.kind == MessageKind::Note || msg.kind == MessageKind::Receipt {
        return 22.0;
    }
    let lines = (msg.text.chars().count() as f32 / 60.0).ceil().max(1.0);
    let images = msg.attachments.len() as f32 * 268.0;
    let structured = if msg.kind == MessageKind::Structured { 200.0 } else { 0.0 };
    60.0 + lines * 16.0 + images + structured
}

impl RowHeights {
    /// Follows the thread's rows: heights of unchanged rows are kept; new or
    /// changed rows (or all, when the width changed) get an estimate.
    pub fn sync(&mut self, thread: &ChatThread, width: f32) {
        let width_changed = (width - self.width).abs() > 0.5;
        if self.revision == Some(thread.revision) && !width_changed {
            return;
        }
        let mut known: HashMap<u64, (u64, f32)> = HashMap::new();
        if !width_changed {
            for ((key, height), measured) in self.keys.iter().zip(&self.heights).zip(&self.measured) {
                if *measured {
                    known.insert(key.0, (key.1, *height));
                }
            }
        }
        self.keys.clear();
        self.heights.clear();
        self.measured.clear();
        for msg in &thread.messages {
            let key = (identity(msg), version(msg));
            match known.get(&key.0) {
                Some((v, h)) if *v == key.1 => {
                    self.heights.push(*h);
                    self.measured.push(true);
                }
                _ => {
                    self.heights.push(estimate(msg));
                    self.measured.push(false);
                }
            }
            self.keys.push(key);
        }
        self.revision = Some(thread.revision);
        self.width = width;
        self.retop();
    }

    fn retop(&mut self) {
        self.tops.clear();
        let mut y = 0.0;
        for h in &self.heights {
            self.tops.push(y);
            y += h;
        }
        self.tops.push(y);
    }

    pub fn total(&self) -> f32 {
        self.tops.last().copied().unwrap_or(0.0)
    }

    pub fn top(&self, row: usize) -> f32 {
        self.tops[row]
    }

    /// The rows that overlap `min_y..max_y` (content coordinates).
    pub fn visible(&self, min_y: f32, max_y: f32) -> Range<usize> {
        let rows = self.heights.len();
        // The first row ending below min_y, the first row starting at or below max_y.
        let start = self.tops[1..].partition_point(|end| *end <= min_y).min(rows);
        let end = self.tops[..rows].partition_point(|top| *top < max_y).max(start);
        start..end
    }

    /// Records a drawn row's height; true when it differs from what was used.
    pub fn measured(&mut self, row: usize, height: f32) -> bool {
        let changed = (self.heights[row] - height).abs() > 0.5;
        self.heights[row] = height;
        self.measured[row] = true;
        if changed {
            self.retop();
        }
        changed
    }
}
