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

/// Problems kept for "Copy diagnostics" after their toast is gone.
const MAX_PROBLEMS: usize = 10;

/// The toasts on screen, oldest first, and the last problems shown.
#[derive(Debug, Clone, Default)]
pub struct Toasts {
    list: Vec<Toast>,
    next_id: u64,
    problems: std::collections::VecDeque<(time::OffsetDateTime, String)>,
}

impl Toasts {
    pub fn push(&mut self, level: ToastLevel, text: String, now: Instant) {
        if matches!(level, ToastLevel::Error | ToastLevel::Warning) {
            self.problems.push_back((time::OffsetDateTime::now_utc(), text.clone()));
            if self.problems.len() > MAX_PROBLEMS {
                self.problems.pop_front();
            }
        }
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

    /// The last warnings and errors shown (UTC time, text), oldest first.
    pub fn problems(&self) -> impl Iterator<Item = &(time::OffsetDateTime, String)> {
        self.problems.iter()
    }

    pub fn last(&self) -> Option<&Toast> {
        self.list.last()
    }
}
