//! Creating an integration against the emulator over loopback HTTP: the
//! request model's required fields, the 403 without `messaging:integration:add`,
//! and `createStatus` going from `Initiated` to `Completed`.
#![expect(clippy::unwrap_used, reason = "a test fails loudly at the first surprise")]

mod support;

use genesys_desk::config::SecretString;
use genesys_desk::emulator::{EmulatorConfig, Permission};
use genesys_desk::genesys::Client;
use support::*;

const HOOK: &str = "https://example.com/hooks/Acme";

async fn client(config: EmulatorConfig) -> (genesys_desk::emulator::RunningEmulator, Client) {
    let emu = start_emulator(config).await;
    let client = Client::new(&account_for(&emu.url()), fast_options(), None).unwrap();
    (emu, client)
}

#[tokio::test]
async fn a_created_integration_is_initiated_then_completed() {
    let (emu, client) = client(EmulatorConfig { create_reads: 2, ..fast_config() }).await;
    let secret = SecretString::new("a-secret-token-of-32-characters!");
    let created = client.create_integration("Acme bot", HOOK, &secret).await.unwrap();
    assert_eq!(created.create_status.as_deref(), Some("Initiated"));
    assert_eq!(created.outbound_notification_webhook_url.as_deref(), Some(HOOK));
    let statuses: Vec<Option<String>> = {
        let mut seen = Vec::new();
        for _ in 0..3 {
            seen.push(client.integration_by_id(&created.id).await.unwrap().create_status);
        }
        seen
    };
    assert_eq!(statuses, [Some("Initiated".into()), Some("Initiated".into()), Some("Completed".into())]);
    assert!(client.integrations().await.unwrap().iter().any(|i| i.id == created.id && i.name == "Acme bot"));
    emu.shutdown().await;
}

#[tokio::test]
async fn a_short_secret_and_a_missing_url_are_refused_naming_the_field() {
    let (emu, client) = client(fast_config()).await;
    let short = client.create_integration("Acme bot", HOOK, &SecretString::new("fifteen-chars!!")).await.unwrap_err();
    assert_eq!(short.status(), Some(400));
    assert!(short.user_message().contains("longer than 15 characters"), "{}", short.user_message());
    let plain =
        client.create_integration("Acme bot", "http://example.com/hook", &SecretString::new("x".repeat(20))).await;
    assert!(plain.unwrap_err().user_message().contains("https"), "Genesys only calls https on 443");
    assert!(emu.state().created().is_empty(), "nothing was created");
    emu.shutdown().await;
}

#[tokio::test]
async fn creating_needs_messaging_integration_add() {
    let (emu, client) = client(fast_config()).await;
    emu.faults().deny(Permission::IntegrationAdd);
    let refused = client.create_integration("Acme bot", HOOK, &SecretString::new("x".repeat(20))).await.unwrap_err();
    assert_eq!(refused.status(), Some(403));
    assert!(refused.user_message().contains("messaging:integration:add"), "{}", refused.user_message());
    emu.shutdown().await;
}
