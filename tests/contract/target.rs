//! Which server the contract runs against.

use genesys_desk::config::{Account, AccountDraft};
use genesys_desk::emulator::{EmulatorConfig, RunningEmulator};
use genesys_desk::genesys::{Client, ClientOptions};

const VARS: [&str; 4] = [
    "GENESYS_CONTRACT_HOST",
    "GENESYS_CONTRACT_CLIENT_ID",
    "GENESYS_CONTRACT_CLIENT_SECRET",
    "GENESYS_CONTRACT_INTEGRATION_ID",
];

/// The server under test and an account for it. The emulator (when used)
/// stops when this is dropped.
pub struct Target {
    pub account: Account,
    pub emulator: Option<RunningEmulator>,
}

impl Target {
    pub fn client(&self) -> Client {
        let options = if self.emulator.is_some() { super::support::fast_options() } else { ClientOptions::default() };
        Client::new(&self.account, options, None).unwrap()
    }

    /// Runs against a real org (some assertions only hold for the emulator's fixed data).
    pub fn is_org(&self) -> bool {
        self.emulator.is_none()
    }
}

/// The org from the environment when all four variables are set, else an emulator.
pub async fn target() -> Target {
    let values: Vec<Option<String>> =
        VARS.iter().map(|v| std::env::var(v).ok().filter(|s| !s.trim().is_empty())).collect();
    if let [Some(host), Some(client_id), Some(client_secret), Some(integration_id)] = values.as_slice() {
        let draft = AccountDraft {
            name: "Contract".into(),
            host: host.clone(),
            client_id: client_id.clone(),
            client_secret: client_secret.clone(),
            integration_id: integration_id.clone(),
            ..AccountDraft::default()
        };
        let account = draft.parse().unwrap_or_else(|e| panic!("GENESYS_CONTRACT_* do not make an account: {e:?}"));
        return Target { account, emulator: None };
    }
    if values.iter().any(Option::is_some) {
        eprintln!("contract: set all of {} to run against an org; running against the emulator", VARS.join(", "));
    } else {
        eprintln!("contract: no GENESYS_CONTRACT_* variables: running against the embedded emulator only");
    }
    let config = EmulatorConfig { webhook_url: None, ..super::support::fast_config() };
    let emulator = super::support::start_emulator(config).await;
    let account = super::support::account_for(&emulator.url());
    Target { account, emulator: Some(emulator) }
}
