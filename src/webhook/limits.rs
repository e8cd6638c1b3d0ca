//! What the listener keeps of requests it refuses (401, 404, 413, 400): anyone
//! who can reach it (a public tunnel) can send them, so each is stored cut
//! short, and only a few per second are stored at all; the rest are answered
//! the same way and counted, and the count lands on the next stored row.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How much of refused requests is kept. Valid deliveries are never cut or sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RejectLimits {
    /// Bytes of a refused request's body kept in the history (default 4 KiB).
    pub body_bytes: usize,
    /// Characters of the path's account name kept (history and 404 answer; default 128).
    pub name_chars: usize,
    /// Characters of the URL kept (default 512).
    pub url_chars: usize,
    /// Refused requests stored per path (account name) per second (default 5).
    pub per_path_per_second: u32,
    /// Refused requests stored per second over all paths (default 20).
    pub total_per_second: u32,
}

impl Default for RejectLimits {
    fn default() -> Self {
        RejectLimits { body_bytes: 4096, name_chars: 128, url_chars: 512, per_path_per_second: 5, total_per_second: 20 }
    }
}

/// `text` cut to at most `max` bytes on a character boundary, with a marker
/// saying how much was dropped; unchanged when it fits.
pub fn cut_bytes(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… [truncated: {} of {} bytes not stored]", &text[..end], text.len() - end, text.len())
}

/// `text` cut to at most `max` characters, with a marker; unchanged when it fits.
pub fn cut_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => format!("{}… [+{} bytes]", &text[..end], text.len() - end),
    }
}

/// Most paths tracked at once; further paths share one bucket.
const MAX_PATHS: usize = 1024;
/// The bucket of paths beyond [`MAX_PATHS`].
const OTHER_PATHS: &str = "\u{0}other paths";
const WINDOW: Duration = Duration::from_secs(1);

#[derive(Debug)]
struct Bucket {
    since: Instant,
    stored: u32,
    /// Refused and not stored since the last stored row of this path.
    skipped: u64,
}

impl Bucket {
    fn new(now: Instant) -> Self {
        Bucket { since: now, stored: 0, skipped: 0 }
    }

    fn roll(&mut self, now: Instant) {
        if now.duration_since(self.since) >= WINDOW {
            self.since = now;
            self.stored = 0;
        }
    }
}

#[derive(Debug)]
struct Buckets {
    paths: HashMap<String, Bucket>,
    total: Bucket,
}

/// Decides which refused requests are stored: at most `per_path_per_second`
/// per path and `total_per_second` in all, in one-second windows.
#[derive(Debug)]
pub struct RejectSampler {
    limits: RejectLimits,
    buckets: Mutex<Buckets>,
}

/// A refused request's fate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sample {
    /// Store it; `skipped` refused requests of the same path were not stored since the last one.
    Store { skipped: u64 },
    /// Answer it, do not store it (counted).
    Skip,
}

impl RejectSampler {
    pub fn new(limits: RejectLimits) -> Self {
        let now = Instant::now();
        RejectSampler { limits, buckets: Mutex::new(Buckets { paths: HashMap::new(), total: Bucket::new(now) }) }
    }

    pub fn limits(&self) -> RejectLimits {
        self.limits
    }

    /// Whether to store a refused request for `path` (the cut account name) at `now`.
    pub fn sample(&self, path: &str, now: Instant) -> Sample {
        let mut guard = match self.buckets.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let Buckets { paths, total } = &mut *guard;
        if paths.len() >= MAX_PATHS && !paths.contains_key(path) {
            // Forget quiet paths; their unreported counts move to the shared bucket.
            let mut moved = 0;
            paths.retain(|_, b| {
                let keep = now.duration_since(b.since) < WINDOW;
                if !keep {
                    moved += b.skipped;
                }
                keep
            });
            paths.entry(OTHER_PATHS.to_string()).or_insert_with(|| Bucket::new(now)).skipped += moved;
        }
        let key = if paths.len() >= MAX_PATHS && !paths.contains_key(path) { OTHER_PATHS } else { path };
        let bucket = paths.entry(key.to_string()).or_insert_with(|| Bucket::new(now));
        bucket.roll(now);
        total.roll(now);
        if bucket.stored >= self.limits.per_path_per_second || total.stored >= self.limits.total_per_second {
            bucket.skipped += 1;
            return Sample::Skip;
        }
        bucket.stored += 1;
        total.stored += 1;
        Sample::Store { skipped: std::mem::take(&mut bucket.skipped) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_on_character_boundaries_with_a_marker() {
        assert_eq!(cut_bytes("short", 10), "short");
        let cut = cut_bytes("ééééé", 3);
        assert!(cut.starts_with("é…") && cut.contains("8 of 10 bytes"), "{cut}");
        assert_eq!(cut_chars("abcdef", 6), "abcdef");
        assert_eq!(cut_chars("abcdef", 2), "ab… [+4 bytes]");
    }

    #[test]
    fn stores_a_few_per_path_and_second_and_counts_the_rest() {
        let limits = RejectLimits { per_path_per_second: 2, total_per_second: 3, ..RejectLimits::default() };
        let sampler = RejectSampler::new(limits);
        let t0 = Instant::now();
        assert_eq!(sampler.sample("a", t0), Sample::Store { skipped: 0 });
        assert_eq!(sampler.sample("a", t0), Sample::Store { skipped: 0 });
        assert_eq!(sampler.sample("a", t0), Sample::Skip);
        assert_eq!(sampler.sample("b", t0), Sample::Store { skipped: 0 });
        assert_eq!(sampler.sample("c", t0), Sample::Skip, "over the total");
        let t1 = t0 + WINDOW;
        assert_eq!(sampler.sample("a", t1), Sample::Store { skipped: 1 });
        assert_eq!(sampler.sample("c", t1), Sample::Store { skipped: 1 });
    }
}
