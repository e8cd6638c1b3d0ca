//! One pacer for all simulated customers: Genesys limits API calls per
//! OAuth client (300 a minute per client is one of its documented layers,
//! with 429 and `Retry-After` past it), so calls are spread evenly at the
//! chosen rate, never bunched.

use std::time::{Duration, Instant};

/// A call every `60 s / rate`, or no pacing.
#[derive(Debug)]
pub struct Pacer {
    gap: Option<Duration>,
    next: Option<Instant>,
}

impl Pacer {
    pub fn new(rate_per_minute: Option<u32>) -> Pacer {
        let gap = rate_per_minute.filter(|r| *r > 0).map(|r| Duration::from_secs(60) / r);
        Pacer { gap, next: None }
    }

    /// Takes the next slot if it is due.
    pub fn take(&mut self, now: Instant) -> bool {
        let Some(gap) = self.gap else { return true };
        if self.next.is_some_and(|next| now < next) {
            return false;
        }
        // A pacer idle for a while does not bank slots for a burst.
        self.next = Some(self.next.map_or(now, |next| next.max(now - gap)) + gap);
        true
    }

    /// When the next slot is due.
    pub fn next_at(&self) -> Instant {
        self.next.unwrap_or_else(Instant::now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_spread_at_the_rate() {
        let start = Instant::now();
        let mut p = Pacer::new(Some(120));
        assert!(p.take(start));
        assert!(!p.take(start), "the next call waits half a second");
        assert!(!p.take(start + Duration::from_millis(499)));
        assert!(p.take(start + Duration::from_millis(500)));
        let mut free = Pacer::new(None);
        assert!((0..1000).all(|_| free.take(start)), "no pacing without a rate");
    }
}
