//! The client's contract with the Genesys Cloud API: one suite, two servers.
//!
//! By default every test runs against the embedded emulator on 127.0.0.1:0.
//! With `GENESYS_CONTRACT_HOST` (a region domain such as `mypurecloud.ie`),
//! `GENESYS_CONTRACT_CLIENT_ID`, `GENESYS_CONTRACT_CLIENT_SECRET` and
//! `GENESYS_CONTRACT_INTEGRATION_ID` set, the same assertions run against that
//! org (see the README's "Tested against" section). The org run sends one test
//! customer message per test and re-sends the integration's own name and
//! webhook URL; it changes nothing else.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap: a failure should panic with its cause"
)]

#[path = "../support/mod.rs"]
mod support;

mod target;

mod integrations;
mod messages;
mod notifications;
