//! Property tests (proptest) of the accounts-file loader, which reads a file
//! people edit by hand: whatever the file holds, opening it never panics, and
//! one bad entry never hides the good ones. Budget as in `tests/properties.rs`
//! (`PROPTEST_CASES=…` for a longer run).

use genesys_desk::config::secrets::{SecretStoreChoice, Secrets};
use genesys_desk::config::{AccountStore, Environment, Paths};
use proptest::prelude::*;

/// Opens the store of a temp home whose accounts file holds `contents`.
fn open(contents: &[u8]) -> (tempfile::TempDir, Result<AccountStore, String>) {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("temp home: {e}"));
    let paths = Paths::under(home.path());
    std::fs::create_dir_all(&paths.config_dir).unwrap_or_else(|e| panic!("config dir: {e}"));
    std::fs::write(paths.config_dir.join("accounts.json"), contents).unwrap_or_else(|e| panic!("write: {e}"));
    let secrets = Secrets::open_with(&paths, SecretStoreChoice::File).map_err(|e| e.to_string());
    let store = secrets.and_then(|s| AccountStore::open_with_secrets(&paths, s).map_err(|e| e.to_string()));
    (home, store)
}

fn good(name: &str) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "host": "mypurecloud.com",
        "client_id": "5f0c2b1e-1111-4222-8333-944455556666",
        "integration_id": "73cb7fb7-c2db-4996-88f3-0a83a4fea1da",
    })
}

/// A value a hand edit might leave in a field.
fn edited_value() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        ".{0,40}".prop_map(serde_json::Value::from),
        "[a-z./:-]{0,30}".prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        Just(serde_json::Value::Null),
        Just(serde_json::json!([])),
    ]
}

proptest! {
    #[test]
    fn any_bytes_open_or_fail_with_a_message(contents in proptest::collection::vec(any::<u8>(), 0..512)) {
        let (_home, store) = open(&contents);
        if let Err(message) = store {
            prop_assert!(message.contains("accounts"), "the message names the file: {}", message);
        }
    }

    #[test]
    fn one_edited_entry_never_hides_the_good_ones(
        field in prop::sample::select(vec!["name", "host", "client_id", "integration_id", "accept_unsigned"]),
        value in edited_value(),
        position in 0usize..3,
    ) {
        let mut edited = good("Edited");
        edited[field] = value;
        let mut list = vec![good("First"), good("Second")];
        list.insert(position.min(list.len()), edited);
        let file = serde_json::json!({"version": 1, "accounts": {"development": list}});
        let (_home, store) = open(file.to_string().as_bytes());
        match store {
            // A value of the wrong JSON type makes the whole file unreadable: said, not panicked.
            Err(message) => prop_assert!(message.contains("accounts"), "{}", message),
            Ok(store) => {
                let loaded = store.load_accounts(Environment::Development).unwrap_or_else(|e| panic!("{e}"));
                let names: Vec<&str> = loaded.accounts.iter().map(|a| a.name.as_str()).collect();
                prop_assert!(names.contains(&"First") && names.contains(&"Second"), "{:?} {:?}", names, loaded.broken);
                prop_assert_eq!(loaded.accounts.len() + loaded.broken.len(), 3);
            }
        }
    }
}
