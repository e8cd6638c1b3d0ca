//! One rule for account names everywhere (`config::account::same_name`):
//! the listener finds "Émile" under any case of its percent-encoded path, and
//! the store refuses "ÉMILE" beside "Émile".

use axum::body::Body;
use axum::http::{Request, StatusCode};
use genesys_desk::config::secrets::{SecretStoreChoice, Secrets};
use genesys_desk::config::{AccountDraft, AccountStore, Environment, Paths, SecretString, StoreError};
use genesys_desk::storage::{Db, Writer};
use genesys_desk::webhook::signature::sign;
use genesys_desk::webhook::{ListenerConfig, ListenerState, WebhookAccount, router};
use tower::ServiceExt;

const SECRET: &str = "emile-webhook-secret";
const TEXT: &[u8] = include_bytes!("webhook_samples/outbound-text.json");

#[tokio::test]
async fn the_listener_matches_non_ascii_names_in_any_case() {
    let dir = tempfile::tempdir().unwrap();
    let writer = Writer::spawn(Db::open_in_memory().unwrap()).unwrap();
    let (sink, mut deliveries) = tokio::sync::mpsc::unbounded_channel();
    let account = WebhookAccount {
        name: "Émile".into(),
        webhook_secret: Some(SecretString::from(SECRET)),
        accept_unsigned: false,
        events_off: false,
        fault: None,
    };
    let config = ListenerConfig::new(vec![account], dir.path().join("media"));
    let state = ListenerState::new(config, writer, sink).await.unwrap();
    // "Émile" as typed, and "émile" (lowercase É, as a URL may carry it).
    for path in ["/hooks/%C3%89mile", "/hooks/%C3%A9mile", "/hooks/%C3%A9MILE"] {
        let req = Request::post(path)
            .header("content-type", "application/json")
            .header("x-hub-signature-256", sign(SECRET, TEXT))
            .body(Body::from(TEXT.to_vec()))
            .unwrap();
        let status = router(state.clone()).oneshot(req).await.unwrap().status();
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(deliveries.recv().await.expect("a delivery").account, "Émile", "{path}");
    }
}

#[test]
fn the_store_treats_non_ascii_names_by_the_same_rule() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::under(dir.path());
    let secrets = Secrets::open_with(&paths, SecretStoreChoice::File).unwrap();
    let mut store = AccountStore::open_with_secrets(&paths, secrets).unwrap();
    let draft = |name: &str| AccountDraft {
        name: name.into(),
        host: "mypurecloud.ie".into(),
        client_id: "6f1c2b9e-3d4a-4c5b-9e8f-0a1b2c3d4e5f".into(),
        client_secret: "names-test-secret".into(),
        integration_id: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
        webhook_secret: SECRET.into(),
        ..AccountDraft::default()
    };
    store.save(Environment::Development, None, &draft("Émile")).unwrap();
    let err = store.save(Environment::Development, None, &draft("ÉMILE")).unwrap_err();
    let StoreError::Invalid(errors) = &err else { panic!("{err:?}") };
    assert!(errors[0].message.contains("already used by \"Émile\""), "{err}");
    let found = store.account(Environment::Development, "émile").unwrap();
    assert_eq!(found.name, "Émile");
    assert_eq!(found.webhook_secret.unwrap().expose(), SECRET);
    // A name that only differs by the accent is another account.
    store.save(Environment::Development, None, &draft("Emile")).unwrap();
}
