//! Set-up shared by the tests that run the real engine: a fast emulator on
//! `127.0.0.1:0` and a temp home whose Emulator account points at it.
#![expect(clippy::unwrap_used, reason = "test set-up fails loudly")]

use std::time::Duration;

use genesys_desk::config::secrets::{SecretStoreChoice, Secrets};
use genesys_desk::config::{AccountStore, Environment, Paths, defaults};
use genesys_desk::emulator::{Emulator, EmulatorConfig, RunningEmulator};
use genesys_desk::engine::{EngineConfig, ListenerSetup};

pub struct Setup {
    pub home: tempfile::TempDir,
    pub paths: Paths,
    pub emulator: RunningEmulator,
}

/// The emulator's agent answers in milliseconds and retries fast; it has no
/// webhook until the test knows the listener's address.
pub async fn emulator_and_home() -> Setup {
    let emulator = Emulator::start(
        "127.0.0.1:0".parse().unwrap(),
        EmulatorConfig {
            webhook_url: None,
            agent_typing_delay: Duration::from_millis(50),
            agent_reply_delay: Duration::from_millis(50),
            agent_leave_delay: Duration::from_millis(50),
            delivery_retry_delay: Duration::from_millis(50),
            ..EmulatorConfig::default()
        },
    )
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let paths = Paths::under(home.path());
    let secrets = Secrets::open_with(&paths, SecretStoreChoice::File).unwrap();
    let mut store = AccountStore::open_with_secrets(&paths, secrets).unwrap();
    let mut draft = defaults::emulator_account_draft();
    draft.host = emulator.url();
    store.save(Environment::Development, Some(defaults::EMULATOR_ACCOUNT), &draft).unwrap();
    Setup { home, paths, emulator }
}

impl Setup {
    /// The engine on this home: listener on port 0, no embedded emulator.
    pub fn engine_config(&self, in_memory_history: bool) -> EngineConfig {
        assert!(self.paths.config_dir.starts_with(self.home.path()), "the engine runs on the temp home");
        EngineConfig {
            listener: Some(ListenerSetup { addr: "127.0.0.1:0".parse().unwrap(), accounts: None }),
            emulator: None,
            in_memory_history,
            ..EngineConfig::new(self.paths.clone())
        }
    }

    /// Points the emulator's webhook at the engine's listener.
    pub fn deliver_to(&self, listener: std::net::SocketAddr) {
        self.emulator.update_config(|c| c.webhook_url = Some(format!("http://{listener}/hooks/Emulator")));
    }
}
