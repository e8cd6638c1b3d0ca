use std::sync::Arc;

use keyring_core::CredentialStore;

use super::*;
use crate::config::secrets::SecretStoreChoice;

struct Fixture {
    _dir: tempfile::TempDir,
    paths: Paths,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::under(dir.path());
    Fixture { _dir: dir, paths }
}

fn open(f: &Fixture) -> AccountStore {
    AccountStore::open_with_secrets(&f.paths, Secrets::open_with(&f.paths, SecretStoreChoice::File).unwrap()).unwrap()
}

fn draft(name: &str) -> AccountDraft {
    AccountDraft {
        name: name.into(),
        host: "api.mypurecloud.ie".into(),
        client_id: "6f1c2b9e-3d4a-4c5b-9e8f-0a1b2c3d4e5f".into(),
        client_secret: format!("secret-of-{name}"),
        integration_id: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
        webhook_secret: format!("webhook-of-{name}"),
        public_webhook_base: String::new(),
        accept_unsigned: false,
        events_off: false,
    }
}

fn names(store: &AccountStore, env: Environment) -> Vec<String> {
    store.accounts(env).unwrap().into_iter().map(|a| a.name).collect()
}

#[test]
fn first_run_creates_two_tiers_with_the_emulator_account() {
    let f = fixture();
    let store = open(&f);
    assert_eq!(store.tier(), Tier::Two);
    let accounts = store.accounts(Environment::Development).unwrap();
    assert_eq!(accounts.len(), 1);
    let emu = &accounts[0];
    assert_eq!(emu.name, defaults::EMULATOR_ACCOUNT);
    assert_eq!(emu.host.api_base(), defaults::EMULATOR_HOST);
    assert_eq!(emu.client_secret.expose(), defaults::EMULATOR_CLIENT_SECRET);
    assert_eq!(emu.webhook_secret.as_ref().unwrap().expose(), defaults::EMULATOR_WEBHOOK_SECRET);
    // The file holds no secret.
    let text = fs::read_to_string(f.paths.accounts_file()).unwrap();
    assert!(text.contains("\"development\"") && text.contains("\"tier\": \"two\""), "{text}");
    assert!(!text.contains(defaults::EMULATOR_CLIENT_SECRET) && !text.contains(defaults::EMULATOR_WEBHOOK_SECRET));
    // Reopening does not add a second Emulator.
    assert_eq!(open(&f).accounts(Environment::Development).unwrap().len(), 1);
}

#[test]
fn names_are_unique_case_insensitively_per_environment() {
    let f = fixture();
    let mut store = open(&f);
    store.save(Environment::Development, None, &draft("Acme Dev")).unwrap();
    let err = store.save(Environment::Development, None, &draft("ACME dev")).unwrap_err();
    match err {
        StoreError::Invalid(errs) => {
            assert_eq!(errs[0].field, Field::Name);
            assert!(errs[0].message.contains("already used"), "{}", errs[0].message);
        }
        other => panic!("{other:?}"),
    }
    // Editing an account under its own name (case change) is fine.
    store.save(Environment::Development, Some("acme dev"), &draft("ACME Dev")).unwrap();
    // Renaming onto another existing name is refused.
    store.save(Environment::Development, None, &draft("Other")).unwrap();
    assert!(matches!(
        store.save(Environment::Development, Some("Other"), &draft("emulator")),
        Err(StoreError::Invalid(_))
    ));
    // The same name in another storing environment is allowed.
    store.set_tier(Tier::Three).unwrap();
    store.save(Environment::Sandbox, None, &draft("Acme Dev")).unwrap();
}

#[test]
fn the_sixth_account_is_refused_naming_the_limit() {
    let f = fixture();
    let mut store = open(&f);
    for i in 1..defaults::MAX_ACCOUNTS_PER_ENVIRONMENT {
        store.save(Environment::Development, None, &draft(&format!("A{i}"))).unwrap();
    }
    assert_eq!(store.accounts(Environment::Development).unwrap().len(), 5);
    let err = store.save(Environment::Development, None, &draft("Six")).unwrap_err();
    assert!(err.to_string().contains("already has 5 accounts, the limit"), "{err}");
    // Editing at the limit still works.
    store.save(Environment::Development, Some("A1"), &draft("A1 renamed")).unwrap();
    // Other environments have their own limit.
    store.save(Environment::Staging, None, &draft("Six")).unwrap();
}

#[test]
fn read_only_environments_refuse_every_mutation() {
    let f = fixture();
    let mut store = open(&f);
    for env in [Environment::Live, Environment::Production] {
        let add = store.save(env, None, &draft("X")).unwrap_err();
        let edit = store.save(env, Some("Emulator"), &draft("Emulator")).unwrap_err();
        let remove = store.remove(env, "Emulator").unwrap_err();
        for err in [add, edit, remove] {
            assert!(matches!(err, StoreError::ReadOnly(_)), "{err:?}");
            assert!(err.to_string().contains(&format!("Switch to {}", env.source())), "{err}");
        }
    }
    assert_eq!(names(&store, Environment::Development), vec!["Emulator"]);
}

#[test]
fn live_shows_development_production_shows_staging_sandbox_is_separate() {
    let f = fixture();
    let mut store = open(&f);
    store.set_tier(Tier::Three).unwrap();
    store.save(Environment::Staging, None, &draft("Stage")).unwrap();
    store.save(Environment::Sandbox, None, &draft("Sand")).unwrap();
    assert_eq!(names(&store, Environment::Live), vec!["Emulator"]);
    assert_eq!(names(&store, Environment::Production), vec!["Stage"]);
    assert_eq!(names(&store, Environment::Sandbox), vec!["Sand"]);
    assert_eq!(store.account(Environment::Production, "STAGE").unwrap().client_secret.expose(), "secret-of-Stage");
    assert!(matches!(store.account(Environment::Staging, "Sand"), Err(StoreError::NotFound(_))));
    // The tier survives a reopen.
    assert_eq!(open(&f).tier(), Tier::Three);
}

#[test]
fn rename_moves_the_secrets_and_remove_deletes_them() {
    let f = fixture();
    let store_mock: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let secrets = || Secrets::with_keyring(&f.paths, store_mock.clone(), SecretBackend::SecretService);
    let mut store = AccountStore::open_with_secrets(&f.paths, secrets()).unwrap();
    store.save(Environment::Development, None, &draft("Old")).unwrap();
    let mut renamed = draft("New");
    renamed.client_secret = "secret-of-Old".into();
    renamed.webhook_secret = String::new();
    store.save(Environment::Development, Some("old"), &renamed).unwrap();
    let check = secrets();
    let key = |name: &str, kind| SecretKey::new(Environment::Development, name, kind);
    assert_eq!(check.get(&key("Old", SecretKind::ClientSecret)).unwrap(), None);
    assert_eq!(check.get(&key("Old", SecretKind::WebhookSecret)).unwrap(), None);
    assert_eq!(check.get(&key("New", SecretKind::ClientSecret)).unwrap().unwrap().expose(), "secret-of-Old");
    assert_eq!(store.account(Environment::Development, "new").unwrap().webhook_secret, None);
    store.remove(Environment::Development, "NEW").unwrap();
    assert_eq!(check.get(&key("New", SecretKind::ClientSecret)).unwrap(), None);
    assert!(matches!(store.remove(Environment::Development, "New"), Err(StoreError::NotFound(_))));
    // The keyring held everything: no fallback file was written.
    assert!(!f.paths.secrets_file().exists());
}

#[test]
fn mutations_reread_the_file_written_by_another_process() {
    let f = fixture();
    let mut a = open(&f);
    let mut b = open(&f);
    a.save(Environment::Development, None, &draft("From A")).unwrap();
    b.save(Environment::Development, None, &draft("From B")).unwrap();
    assert_eq!(names(&open(&f), Environment::Development), vec!["Emulator", "From A", "From B"]);
}

#[test]
fn invalid_drafts_report_every_field() {
    let f = fixture();
    let mut store = open(&f);
    let mut d = draft("Bad");
    d.client_id = "nope".into();
    d.client_secret = String::new();
    match store.save(Environment::Development, None, &d).unwrap_err() {
        StoreError::Invalid(errs) => {
            let fields: Vec<Field> = errs.iter().map(|e| e.field).collect();
            assert_eq!(fields, vec![Field::ClientId, Field::ClientSecret]);
        }
        other => panic!("{other:?}"),
    }
}
