//! Faults injected at run time into the next requests and deliveries.

use std::collections::HashSet;
use std::sync::Arc;

use parking_lot::{Mutex, MutexGuard};
use std::time::Duration;

use super::Permission;

#[derive(Debug, Default)]
pub(super) struct FaultState {
    pub(super) rate_limited: u32,
    pub(super) retry_after_secs: u64,
    pub(super) server_errors: u32,
    pub(super) server_error_status: u16,
    pub(super) expire_token_once: bool,
    pub(super) delay: Option<Duration>,
    pub(super) denied: HashSet<Permission>,
    pub(super) lost_acks: u32,
}

/// Faults to inject into the next requests (shared with the running server).
#[derive(Debug, Clone, Default)]
pub struct Faults {
    state: Arc<Mutex<FaultState>>,
}

impl Faults {
    pub(super) fn lock(&self) -> MutexGuard<'_, FaultState> {
        self.state.lock()
    }

    /// The next `count` API calls get 429 with `Retry-After: retry_after_secs`.
    pub fn rate_limit(&self, count: u32, retry_after_secs: u64) {
        let mut s = self.lock();
        s.rate_limited = count;
        s.retry_after_secs = retry_after_secs;
    }

    /// The next API call finds every issued token expired (401 once).
    pub fn expire_token_once(&self) {
        self.lock().expire_token_once = true;
    }

    /// The next `count` API calls get 500.
    pub fn server_error(&self, count: u32) {
        self.server_error_with(count, 500);
    }

    /// The next `count` API calls get `status` (500, 502, 503, 504...).
    pub fn server_error_with(&self, count: u32, status: u16) {
        let mut s = self.lock();
        s.server_errors = count;
        s.server_error_status = status;
    }

    /// Every response (token and API) waits this long first; `None` clears it.
    pub fn set_delay(&self, delay: Option<Duration>) {
        self.lock().delay = delay;
    }

    /// Withdraws a permission (403 from the calls that need it).
    pub fn deny(&self, permission: Permission) {
        self.lock().denied.insert(permission);
    }

    /// Gives a denied permission back.
    pub fn allow(&self, permission: Permission) {
        self.lock().denied.remove(&permission);
    }

    /// The next `count` webhook deliveries are sent once more after their 2xx,
    /// as Genesys does when an acknowledgement is lost on the way back: the
    /// listener must show one message with two attempts.
    pub fn lose_acks(&self, count: u32) {
        self.lock().lost_acks = count;
    }

    /// Takes one lost acknowledgement, if any is pending.
    pub(crate) fn take_lost_ack(&self) -> bool {
        let mut s = self.lock();
        if s.lost_acks > 0 {
            s.lost_acks -= 1;
            true
        } else {
            false
        }
    }

    /// Clears every fault.
    pub fn clear(&self) {
        *self.lock() = FaultState::default();
    }
}
