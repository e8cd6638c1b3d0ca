//! A one-off request's life: the view shows a spinner while
//! waiting and keeps showing the previous result meanwhile.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::engine::command::RequestId;

/// A request id no other request of this process has.
pub fn next_request_id() -> RequestId {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    RequestId(NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The state of a one-off request that returns a `T`.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Pending<T> {
    #[default]
    NotRequested,
    Waiting {
        previous: Option<T>,
    },
    Ready(T),
    Failed {
        err: String,
        previous: Option<T>,
    },
}

impl<T> Pending<T> {
    /// Marks the request as sent, keeping the last good value.
    pub fn start(&mut self) {
        let previous = std::mem::take(self).into_latest();
        *self = Pending::Waiting { previous };
    }

    /// Stores the outcome; a failure keeps the last good value.
    pub fn finish(&mut self, outcome: Result<T, String>) {
        *self = match outcome {
            Ok(value) => Pending::Ready(value),
            Err(err) => Pending::Failed { err, previous: std::mem::take(self).into_latest() },
        };
    }

    pub fn is_waiting(&self) -> bool {
        matches!(self, Pending::Waiting { .. })
    }

    /// The newest good value (ready, or kept while waiting/after a failure).
    pub fn latest(&self) -> Option<&T> {
        match self {
            Pending::NotRequested => None,
            Pending::Ready(v) => Some(v),
            Pending::Waiting { previous } | Pending::Failed { previous, .. } => previous.as_ref(),
        }
    }

    pub fn error(&self) -> Option<&str> {
        match self {
            Pending::Failed { err, .. } => Some(err),
            _ => None,
        }
    }

    fn into_latest(self) -> Option<T> {
        match self {
            Pending::NotRequested => None,
            Pending::Ready(v) => Some(v),
            Pending::Waiting { previous } | Pending::Failed { previous, .. } => previous,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_value_survives_a_retry_and_a_failure() {
        let mut p: Pending<u32> = Pending::NotRequested;
        p.start();
        assert!(p.is_waiting() && p.latest().is_none());
        p.finish(Ok(1));
        p.start();
        assert_eq!(p, Pending::Waiting { previous: Some(1) });
        p.finish(Err("boom".into()));
        assert_eq!(p.latest(), Some(&1));
        assert_eq!(p.error(), Some("boom"));
    }
}
