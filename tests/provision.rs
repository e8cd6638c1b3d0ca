//! Rotating the webhook secret through the engine against the emulator: the
//! new secret is in Genesys, in the account and in the listener together; a
//! refused PATCH leaves the old secret working everywhere.
#![expect(clippy::unwrap_used, reason = "a test fails loudly at the first surprise")]

mod engine_support;

use std::time::Duration;

use genesys_desk::config::secrets::{SecretStoreChoice, Secrets};
use genesys_desk::config::{AccountStore, Environment, defaults};
use genesys_desk::emulator::Permission;
use genesys_desk::engine::{self, Command, Event, HeadlessEngine, RequestId};
use genesys_desk::webhook::signature::sign;

const TEXT: &[u8] = include_bytes!("webhook_samples/outbound-text.json");

async fn until<T>(engine: &mut HeadlessEngine, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
    let found = tokio::time::timeout(Duration::from_secs(15), async {
        while let Some(event) = engine.next().await {
            if let Some(found) = pick(&event) {
                return found;
            }
        }
        panic!("the engine stopped");
    });
    found.await.unwrap()
}

/// The engine on the set-up's home, its listener's address.
async fn engine(setup: &engine_support::Setup) -> (HeadlessEngine, std::net::SocketAddr) {
    let mut engine = engine::spawn_headless(&tokio::runtime::Handle::current(), setup.engine_config(true));
    let addr = until(&mut engine, |e| match e {
        Event::ListenerStarted { addr, .. } => Some(*addr),
        _ => None,
    })
    .await;
    // As in the app: the emulator's agent would answer to this listener.
    setup.deliver_to(addr);
    (engine, addr)
}

async fn rotate(engine: &mut HeadlessEngine) -> Result<(), String> {
    engine.send(Command::RotateSecret {
        request: RequestId(7),
        env: Environment::Development,
        account: defaults::EMULATOR_ACCOUNT.into(),
    });
    until(engine, |e| match e {
        Event::SecretRotated { request: RequestId(7), result, .. } => Some(result.clone()),
        _ => None,
    })
    .await
}

fn stored_secret(setup: &engine_support::Setup) -> String {
    let secrets = Secrets::open_with(&setup.paths, SecretStoreChoice::File).unwrap();
    let store = AccountStore::open_with_secrets(&setup.paths, secrets).unwrap();
    let account = store.account(Environment::Development, defaults::EMULATOR_ACCOUNT).unwrap();
    account.webhook_secret.unwrap().expose().to_string()
}

/// A delivery signed the way Genesys (the emulator) now signs: its status from the listener.
async fn post_signed_by_genesys(setup: &engine_support::Setup, addr: std::net::SocketAddr) -> u16 {
    let secret = setup.emulator.state().config().webhook_secret;
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("http://{addr}/hooks/Emulator"))
        .header("X-Hub-Signature-256", sign(&secret, TEXT))
        .header("Content-Type", "application/json")
        .body(TEXT.to_vec())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_secret_is_in_genesys_the_account_and_the_listener() {
    let setup = engine_support::emulator_and_home().await;
    let (mut engine, addr) = engine(&setup).await;
    rotate(&mut engine).await.unwrap();
    let theirs = setup.emulator.state().config().webhook_secret;
    assert_ne!(theirs, defaults::EMULATOR_WEBHOOK_SECRET, "Genesys has a new secret");
    assert!(theirs.len() > 15, "longer than 15 characters, as Genesys requires");
    assert_eq!(stored_secret(&setup), theirs, "the account has the same one");
    assert_eq!(post_signed_by_genesys(&setup, addr).await, 200, "deliveries verify with the new secret");
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_rotation_leaves_the_old_secret_working() {
    let setup = engine_support::emulator_and_home().await;
    setup.emulator.faults().deny(Permission::IntegrationEdit);
    let (mut engine, addr) = engine(&setup).await;
    let refused = rotate(&mut engine).await.unwrap_err();
    assert!(refused.contains("messaging:integration:edit"), "{refused}");
    assert_eq!(setup.emulator.state().config().webhook_secret, defaults::EMULATOR_WEBHOOK_SECRET);
    assert_eq!(stored_secret(&setup), defaults::EMULATOR_WEBHOOK_SECRET);
    assert_eq!(post_signed_by_genesys(&setup, addr).await, 200, "deliveries still verify");
    engine.shutdown().await;
}

fn cli(setup: &engine_support::Setup, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_genesys-desk"))
        .arg("--home")
        .arg(setup.home.path())
        .args(args)
        .env("GENESYS_DESK_SECRET_STORE", "file")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_rotates_through_the_same_engine_and_never_in_live() {
    let setup = engine_support::emulator_and_home().await;
    let out = tokio::task::block_in_place(|| cli(&setup, &["integration", "rotate-secret", "emulator"]));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("new webhook secret"));
    let theirs = setup.emulator.state().config().webhook_secret;
    assert_ne!(theirs, defaults::EMULATOR_WEBHOOK_SECRET);
    assert_eq!(stored_secret(&setup), theirs);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&theirs), "the secret is never printed");

    let out =
        tokio::task::block_in_place(|| cli(&setup, &["integration", "rotate-secret", "Emulator", "--env", "live"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(setup.emulator.state().config().webhook_secret, theirs, "Live changed nothing");
}

fn stored_account(setup: &engine_support::Setup) -> genesys_desk::config::Account {
    let secrets = Secrets::open_with(&setup.paths, SecretStoreChoice::File).unwrap();
    let store = AccountStore::open_with_secrets(&setup.paths, secrets).unwrap();
    store.account(Environment::Development, defaults::EMULATOR_ACCOUNT).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_created_integration_is_polled_until_completed_and_then_verifies() {
    let setup = engine_support::emulator_and_home().await;
    let (mut engine, _) = engine(&setup).await;
    engine.send(Command::CreateIntegration {
        request: RequestId(9),
        env: Environment::Development,
        account: defaults::EMULATOR_ACCOUNT.into(),
        name: "Acme bot".into(),
    });
    let id = until(&mut engine, |e| match e {
        Event::IntegrationCreated { request: RequestId(9), result, .. } => Some(result.clone()),
        _ => None,
    })
    .await
    .unwrap();
    engine.shutdown().await;
    let created = setup.emulator.state().created();
    assert_eq!(created.len(), 1);
    assert_eq!((created[0].id.as_str(), created[0].create_status()), (id.as_str(), "Completed"), "polled to the end");
    let account = stored_account(&setup);
    assert_eq!(account.integration_id.to_string(), id, "the account points at it");
    assert_eq!(
        account.webhook_secret.unwrap().expose(),
        created[0].webhook_secret,
        "with the secret it was created with"
    );
    assert!(
        created[0].webhook_url.ends_with("/hooks/Emulator"),
        "its webhook is this account's: {}",
        created[0].webhook_url
    );

    let report = genesys_desk::genesys::verify::run(&stored_account(&setup), Default::default(), false, |_| {}).await;
    assert!(report.ok(), "{}", report.to_text("Emulator"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_creates_through_the_same_engine() {
    let setup = engine_support::emulator_and_home().await;
    let args = ["integration", "create", "Emulator", "--name", "Acme bot", "--json"];
    // Without a listener the webhook URL can only be the account's public one.
    let out = tokio::task::block_in_place(|| cli(&setup, &args));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Public webhook base URL"));
    assert!(setup.emulator.state().created().is_empty());

    let secrets = Secrets::open_with(&setup.paths, SecretStoreChoice::File).unwrap();
    let mut store = AccountStore::open_with_secrets(&setup.paths, secrets).unwrap();
    let mut draft = stored_account(&setup).to_draft();
    draft.public_webhook_base = "https://abc.trycloudflare.com".into();
    store.save(Environment::Development, Some(defaults::EMULATOR_ACCOUNT), &draft).unwrap();
    let out = tokio::task::block_in_place(|| cli(&setup, &args));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(setup.emulator.state().created()[0].webhook_url, "https://abc.trycloudflare.com/hooks/Emulator");
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["integration_id"], stored_account(&setup).integration_id.to_string());
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&setup.emulator.state().created()[0].webhook_secret));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_shows_the_integration_without_its_secret() {
    let setup = engine_support::emulator_and_home().await;
    let out = tokio::task::block_in_place(|| cli(&setup, &["integration", "show", "Emulator", "--json"]));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["id"], defaults::EMULATOR_INTEGRATION_ID);
    assert_eq!(shown["create_status"], "Completed");
    assert_eq!(shown["secret_token_set"], true);
    assert!(shown["recipient"].is_string() && shown["supported_content"].is_string());
    assert!(!String::from_utf8_lossy(&out.stdout).contains(defaults::EMULATOR_WEBHOOK_SECRET));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_points_the_webhook_and_asks_for_a_url_it_does_not_have() {
    let setup = engine_support::emulator_and_home().await;
    let out = tokio::task::block_in_place(|| cli(&setup, &["integration", "set-webhook", "Emulator"]));
    assert_eq!(out.status.code(), Some(2), "no public webhook base URL and no --url");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--url"));
    let url = "https://new.example.com/hooks/Emulator";
    let out = tokio::task::block_in_place(|| cli(&setup, &["integration", "set-webhook", "Emulator", "--url", url]));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(setup.emulator.state().config().webhook_url.as_deref(), Some(url));
    let plain = "http://example.com/hooks/Emulator";
    let out = tokio::task::block_in_place(|| cli(&setup, &["integration", "set-webhook", "Emulator", "--url", plain]));
    assert_eq!(out.status.code(), Some(1), "Genesys only calls https on 443");
    assert_eq!(setup.emulator.state().config().webhook_url.as_deref(), Some(url), "unchanged");
}
