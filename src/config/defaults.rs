//! The first-run Emulator account and the default local addresses.
//!
//! These values are documented in the README: the embedded emulator accepts
//! them by default, so a fresh install works end to end with no Genesys org.

/// Name of the first-run account (not the three-tier "Sandbox" environment).
pub const EMULATOR_ACCOUNT: &str = "Emulator";
/// Default emulator bind address.
pub const EMULATOR_ADDR: &str = "127.0.0.1:8786";
/// Host URL of the Emulator account.
pub const EMULATOR_HOST: &str = "http://127.0.0.1:8786";
/// Default listener bind address.
pub const LISTENER_ADDR: &str = "127.0.0.1:8787";
/// The emulator's default webhook: the listener's path for the Emulator account.
pub const EMULATOR_WEBHOOK_URL: &str = "http://127.0.0.1:8787/hooks/Emulator";
/// Fixed, documented credentials the emulator accepts by default.
pub const EMULATOR_CLIENT_ID: &str = "e3a1d0c2-5b7f-4c1e-9a0d-00000000e001";
pub const EMULATOR_CLIENT_SECRET: &str = "emulator-client-secret";
pub const EMULATOR_INTEGRATION_ID: &str = "e3a1d0c2-5b7f-4c1e-9a0d-00000000e002";
pub const EMULATOR_INTEGRATION_NAME: &str = "Emulator Open Messaging";
pub const EMULATOR_WEBHOOK_SECRET: &str = "emulator-webhook-secret";

/// Accounts allowed per environment (a product rule: see the README's Accounts line).
pub const MAX_ACCOUNTS_PER_ENVIRONMENT: usize = 5;

use super::account::AccountDraft;

/// The draft of the first-run Emulator account.
pub fn emulator_account_draft() -> AccountDraft {
    AccountDraft {
        name: EMULATOR_ACCOUNT.into(),
        host: EMULATOR_HOST.into(),
        client_id: EMULATOR_CLIENT_ID.into(),
        client_secret: EMULATOR_CLIENT_SECRET.into(),
        integration_id: EMULATOR_INTEGRATION_ID.into(),
        webhook_secret: EMULATOR_WEBHOOK_SECRET.into(),
        public_webhook_base: String::new(),
        accept_unsigned: false,
        events_off: false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_emulator_account_is_valid() {
        let account = super::emulator_account_draft().parse().unwrap();
        assert_eq!(account.host.api_base(), super::EMULATOR_HOST);
        assert_eq!(format!("http://{}{}", super::LISTENER_ADDR, account.webhook_path()), super::EMULATOR_WEBHOOK_URL);
    }
}
