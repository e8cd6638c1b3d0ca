//! The accounts file on disk: atomic writes and the corrupt-file path.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap: a failure should panic with its cause"
)]

use std::fs;

use genesys_desk::config::secrets::{SecretStoreChoice, Secrets};
use genesys_desk::config::{AccountDraft, AccountStore, Environment, Field, Paths, StoreError};

fn open(paths: &Paths) -> Result<AccountStore, StoreError> {
    AccountStore::open_with_secrets(paths, Secrets::open_with(paths, SecretStoreChoice::File).unwrap())
}

fn draft(name: &str) -> AccountDraft {
    AccountDraft {
        name: name.into(),
        host: "https://login.usw2.pure.cloud/".into(),
        client_id: "6f1c2b9e-3d4a-4c5b-9e8f-0a1b2c3d4e5f".into(),
        client_secret: "store-test-secret".into(),
        integration_id: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
        ..AccountDraft::default()
    }
}

fn backups(paths: &Paths) -> Vec<std::path::PathBuf> {
    let mut found: Vec<_> = fs::read_dir(&paths.config_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("accounts.json.corrupt-"))
        .collect();
    found.sort();
    found
}

#[test]
fn writes_are_atomic_and_leave_no_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::under(dir.path());
    let mut store = open(&paths).unwrap();
    for i in 0..3 {
        store.save(Environment::Development, None, &draft(&format!("Acct {i}"))).unwrap();
        // After every write the file parses and holds everything so far.
        let text = fs::read_to_string(paths.accounts_file()).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["version"], 1);
        assert_eq!(doc["accounts"]["development"].as_array().unwrap().len(), i + 2);
        assert_eq!(doc["accounts"]["development"][i + 1]["host"], "usw2.pure.cloud");
    }
    let mut names: Vec<String> =
        fs::read_dir(&paths.config_dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    names.sort();
    // The two lock files stay (empty): deleting one while another process waits on it would split the lock.
    assert_eq!(names, vec!["accounts.json", "accounts.lock", "secrets", "secrets.lock"]);
}

#[test]
fn a_corrupt_file_is_reported_backed_up_and_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::under(dir.path());
    drop(open(&paths).unwrap());
    // A half-written file, as a kill in the middle of a non-atomic write would leave.
    let original: &[u8] = b"{\"version\":1,\"tier\":\"two\",\"accounts\":{\"development\":[{\"name\":\"Hand";
    fs::write(paths.accounts_file(), original).unwrap();

    let err = open(&paths).unwrap_err();
    let message = err.to_string();
    assert!(message.contains(&paths.accounts_file().display().to_string()), "{message}");
    assert!(message.contains("corrupt") && message.contains("EOF"), "{message}");
    let StoreError::Corrupt { file, backup, .. } = &err else { panic!("{err:?}") };
    assert_eq!(file, &paths.accounts_file());
    assert!(message.contains(&backup.display().to_string()));
    assert_eq!(fs::read(backup).unwrap(), original);
    // The original is still in place, untouched.
    assert_eq!(fs::read(paths.accounts_file()).unwrap(), original);

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(backup).unwrap().permissions().mode() & 0o777, 0o600, "a private backup");
    }

    // Every later open reports it again but keeps the one backup of that content.
    for _ in 0..5 {
        let again = open(&paths).unwrap_err();
        assert!(again.to_string().contains(&backup.display().to_string()), "{again}");
    }
    assert_eq!(backups(&paths), vec![backup.clone()]);

    // Another broken content gets its own backup; the first is untouched.
    let other: &[u8] = b"{\"version\":1,";
    fs::write(paths.accounts_file(), other).unwrap();
    assert!(matches!(open(&paths).unwrap_err(), StoreError::Corrupt { .. }));
    let all = backups(&paths);
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(fs::read(backup).unwrap(), original);

    // "Start fresh": the corrupt file moves aside (to its existing backup) and the first-run workspace returns.
    let store = AccountStore::reset_corrupt(&paths).unwrap();
    assert_eq!(store.accounts(Environment::Development).unwrap()[0].name, "Emulator");
    assert_eq!(backups(&paths), all);
    assert!(open(&paths).is_ok());
}

#[test]
fn a_file_from_a_newer_version_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::under(dir.path());
    fs::create_dir_all(&paths.config_dir).unwrap();
    let text = r#"{"version":2,"tier":"two","accounts":{},"future":true}"#;
    fs::write(paths.accounts_file(), text).unwrap();
    let err = open(&paths).unwrap_err();
    assert!(err.to_string().contains("version 2"), "{err}");
    assert_eq!(fs::read_to_string(paths.accounts_file()).unwrap(), text);
}

#[test]
fn unknown_fields_are_tolerated() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::under(dir.path());
    fs::create_dir_all(&paths.config_dir).unwrap();
    let text = r#"{"version":1,"tier":"three","extra":1,"accounts":{"sandbox":[{"name":"S","host":"mypurecloud.de",
        "client_id":"6F1C2B9E-3D4A-4C5B-9E8F-0A1B2C3D4E5F","integration_id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","color":"red"}]}}"#;
    fs::write(paths.accounts_file(), text).unwrap();
    let store = open(&paths).unwrap();
    let s = store.account(Environment::Sandbox, "s").unwrap();
    assert_eq!(s.host.api_base(), "https://api.mypurecloud.de");
    // No secret stored for a hand-written account: it comes back empty, not as an error.
    assert!(s.client_secret.is_empty());
    assert!(store.accounts(Environment::Development).unwrap().is_empty());
}

#[test]
fn a_bad_entry_is_returned_beside_the_good_ones() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::under(dir.path());
    let mut store = open(&paths).unwrap();
    store.save(Environment::Development, None, &draft("Good")).unwrap();
    let text = fs::read_to_string(paths.accounts_file()).unwrap();
    fs::write(paths.accounts_file(), text.replace("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "0a1b2c3d")).unwrap();
    let store = open(&paths).unwrap();

    let loaded = store.load_accounts(Environment::Development).unwrap();
    assert_eq!(loaded.accounts.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["Emulator"]);
    assert_eq!(loaded.broken.len(), 1);
    let broken = &loaded.broken[0];
    assert_eq!((broken.name.as_str(), broken.field), ("Good", Field::IntegrationId));
    assert!(broken.message.contains("invalid integration_id") && broken.message.contains("remove"), "{broken}");
    // The plain list (the listener's) keeps the good ones; the bad one by name is still an error.
    assert_eq!(store.accounts(Environment::Development).unwrap().len(), 1);
    assert!(store.account(Environment::Development, "good").unwrap_err().to_string().contains("integration_id"));
}
