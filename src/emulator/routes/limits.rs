//! The per-client request budget (`EmulatorConfig::rate_limit_per_minute`).
//!
//! Genesys limits client-credentials clients to 300 requests a minute by
//! default (`client.credentials.token.rate.per.minute`,
//! https://developer.genesys.cloud/organization/organization/limits#platform-api)
//! and answers 429 with `Retry-After` in seconds
//! (https://developer.genesys.cloud/platform/api/rate-limits). How Genesys
//! counts its window is not documented; the emulator uses a fixed window
//! per OAuth client that starts with its first request.

use std::time::Instant;

use axum::extract::Request;

use super::super::{EmulatorState, RateWindow, token_valid};
use super::errors::RateLimited;

/// Where a counted request stands in its window (for the legacy headers).
pub(super) struct Budget {
    pub count: u32,
    pub allowed: u32,
    pub reset_secs: u64,
}

/// Counts `req` against its client's budget. `Ok(None)`: not counted (no
/// budget, not an API call, or no valid token, which gets its 401 anyway);
/// `Ok(Some)`: within the budget and legacy headers are wanted.
pub(super) fn count(state: &EmulatorState, req: &Request) -> Result<Option<Budget>, RateLimited> {
    let config = state.config();
    let Some(allowed) = config.rate_limit_per_minute else { return Ok(None) };
    if !req.uri().path().starts_with("/api/v2/") || !token_valid(&state.shared.tokens, req.headers()) {
        return Ok(None);
    }
    // Every token this emulator issues belongs to its one OAuth client.
    let now = Instant::now();
    let window = config.rate_limit_window;
    let mut windows = state.shared.rate_windows.lock();
    let w = windows.entry(config.client_id.clone()).or_insert(RateWindow { started: now, count: 0 });
    if now.duration_since(w.started) >= window {
        *w = RateWindow { started: now, count: 0 };
    }
    w.count = w.count.saturating_add(1);
    let left = window.saturating_sub(now.duration_since(w.started));
    // Whole seconds, rounded up: retrying after Retry-After must succeed.
    let reset_secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    if w.count > allowed {
        return Err(RateLimited {
            retry_after: reset_secs.max(1),
            allowed: Some(allowed),
            count: w.count,
            legacy_headers: config.legacy_ratelimit_headers,
        });
    }
    Ok(config.legacy_ratelimit_headers.then_some(Budget { count: w.count, allowed, reset_secs }))
}
