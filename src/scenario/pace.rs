//! One pacer for all simulated customers: Genesys limits API calls per
//! OAuth client (300 a minute per client is one of its documented layers,
//! with 429 and `Retry-After` past it), so calls are spread evenly at the
//! chosen rate, never bunched.

use std::time::{Duration, Instant};

/// API calls a minute for all customers together against a real org: below
/// Genesys' 300 per minute per OAuth client, which other tools share.
pub const DEFAULT_RATE: u32 = 240;

/// The pacing of a run as `account`: `asked` (0: none), or by default none
/// against a loopback host (the emulator) and [`DEFAULT_RATE`] against an org.
pub fn rate(asked: Option<u32>, account: &crate::config::Account) -> Option<u32> {
    match asked {
        Some(0) => None,
        Some(r) => Some(r),
        None if is_loopback(&account.host.api_base()) => None,
        None => Some(DEFAULT_RATE),
    }
}

fn is_loopback(base: &str) -> bool {
    url::Url::parse(base).ok().and_then(|u| u.host_str().map(str::to_string)).is_some_and(|h| {
        h == "localhost" || h.trim_matches(['[', ']']).parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
    })
}

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
    fn an_org_is_paced_by_default_and_a_loopback_emulator_is_not() {
        let emulator = crate::config::defaults::emulator_account_draft().parse().unwrap_or_else(|e| panic!("{e:?}"));
        let mut draft = crate::config::defaults::emulator_account_draft();
        draft.host = "mypurecloud.ie".into();
        let org = draft.parse().unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(rate(None, &emulator), None);
        assert_eq!(rate(None, &org), Some(DEFAULT_RATE));
        assert_eq!((rate(Some(0), &org), rate(Some(60), &emulator)), (None, Some(60)));
    }

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
