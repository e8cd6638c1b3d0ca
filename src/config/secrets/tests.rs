use super::*;

fn key(name: &str, kind: SecretKind) -> SecretKey {
    SecretKey::new(Environment::Development, name, kind)
}

#[test]
fn mock_keyring_round_trip_and_delete() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::under(dir.path());
    let store: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let secrets = Secrets::with_keyring(&paths, store, SecretBackend::KeyUtils);
    let k = key("Acme", SecretKind::ClientSecret);
    assert_eq!(secrets.get(&k).unwrap(), None);
    secrets.set(&k, &"s3cret".into()).unwrap();
    // Case-insensitive names share one entry.
    assert_eq!(secrets.get(&key("ACME", SecretKind::ClientSecret)).unwrap().unwrap().expose(), "s3cret");
    assert_eq!(secrets.get(&key("Acme", SecretKind::WebhookSecret)).unwrap(), None);
    secrets.delete(&k).unwrap();
    secrets.delete(&k).unwrap();
    assert_eq!(secrets.get(&k).unwrap(), None);
    // Nothing went to the fallback file.
    assert!(!paths.secrets_file().exists());
}

#[test]
fn file_backend_is_0600_and_keyed_per_environment() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::under(dir.path());
    let secrets = Secrets::open_with(&paths, SecretStoreChoice::File).unwrap();
    assert_eq!(secrets.backend(), SecretBackend::File);
    assert!(secrets.backend().warning().unwrap().contains("0600"));
    let dev = key("Acme", SecretKind::ClientSecret);
    // Live stores under Development: the same key.
    let live = SecretKey::new(Environment::Live, "acme", SecretKind::ClientSecret);
    let sandbox = SecretKey::new(Environment::Sandbox, "Acme", SecretKind::ClientSecret);
    secrets.set(&dev, &"one".into()).unwrap();
    secrets.set(&sandbox, &"two".into()).unwrap();
    assert_eq!(secrets.get(&live).unwrap().unwrap().expose(), "one");
    assert_eq!(secrets.get(&sandbox).unwrap().unwrap().expose(), "two");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(paths.secrets_file()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Setting empty deletes.
    secrets.set(&dev, &SecretString::default()).unwrap();
    assert_eq!(secrets.get(&dev).unwrap(), None);
}

#[test]
fn choice_parsing_and_debug_hide_nothing_secret() {
    assert_eq!("FILE".parse::<SecretStoreChoice>().unwrap(), SecretStoreChoice::File);
    assert_eq!("keyutils".parse::<SecretStoreChoice>().unwrap(), SecretStoreChoice::KeyUtils);
    assert!("vault".parse::<SecretStoreChoice>().unwrap_err().0.contains(SECRET_STORE_ENV));
    let dir = tempfile::tempdir().unwrap();
    let a = workspace_id(dir.path());
    assert_eq!(a, workspace_id(dir.path()));
    assert_ne!(a, workspace_id(&dir.path().join("other")));
}

#[test]
fn keyring_miss_falls_back_to_an_existing_file_entry() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::under(dir.path());
    let k = key("Old", SecretKind::WebhookSecret);
    Secrets::open_with(&paths, SecretStoreChoice::File).unwrap().set(&k, &"from-file".into()).unwrap();
    let store: Arc<CredentialStore> = keyring_core::mock::Store::new().unwrap();
    let secrets = Secrets::with_keyring(&paths, store, SecretBackend::SecretService);
    assert_eq!(secrets.get(&k).unwrap().unwrap().expose(), "from-file");
    // Writing through the keyring removes the stale file copy.
    secrets.set(&k, &"new".into()).unwrap();
    assert_eq!(secrets.get(&k).unwrap().unwrap().expose(), "new");
    assert!(!std::fs::read_to_string(paths.secrets_file()).unwrap().contains("from-file"));
}
