//! Toasts: short messages shown for a few seconds in the corner.

use std::time::{Duration, Instant};

use crate::engine::command::ToastLevel;

/// How long a toast stays on screen.
pub const TOAST_SHOWN_FOR: Duration = Duration::from_secs(6);

/// At most this many toasts are kept; the oldest go first.
const MAX_TOASTS: usize = 8;

/// A message for a few seconds in the corner.
#[derive(Debug, Clone)]
pub struct Toast {
    /// Unique per run: the view remembers dismissed toasts by it.
    pub id: u64,
    pub level: ToastLevel,
    pub text: String,
    pub at: Instant,
}

/// The toasts on screen, oldest first.
#[derive(Debug, Clone, Default)]
pub struct Toasts {
    list: Vec<Toast>,
    next_id: u64,
}

impl Toasts {
    pub fn push(&mut self, level: ToastLevel, text: String, now: Instant) {
        self.next_id += 1;
        self.list.push(Toast { id: self.next_id, level, text, at: now });
        if self.list.len() > MAX_TOASTS {
            self.list.remove(0);
        }
    }

    /// The toasts not yet expired at `now`, oldest first.
    pub fn shown(&self, now: Instant) -> impl Iterator<Item = &Toast> {
        self.list.iter().filter(move |t| now.saturating_duration_since(t.at) < TOAST_SHOWN_FOR)
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn last(&self) -> Option<&Toast> {
        self.list.last()
    }
}
