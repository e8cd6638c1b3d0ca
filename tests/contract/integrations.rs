//! Token and integration calls.

use genesys_desk::genesys::Client;

use super::target::target;

#[tokio::test]
async fn a_token_is_issued_with_a_lifetime() {
    let t = target().await;
    let info = t.client().token().await.unwrap();
    assert!(info.expires_in_secs.is_some_and(|s| s > 0), "{info:?}");
}

#[tokio::test]
async fn the_integration_is_read_with_its_id_and_name() {
    let t = target().await;
    let integration = t.client().integration().await.unwrap();
    assert!(integration.id.eq_ignore_ascii_case(&t.account.integration_id.to_string()));
    assert!(!integration.name.is_empty(), "OpenIntegration.name is required");
}

#[tokio::test]
async fn the_integration_list_holds_the_integration() {
    let t = target().await;
    let list = t.client().integrations().await.unwrap();
    let id = t.account.integration_id.to_string();
    assert!(list.iter().any(|i| i.id.eq_ignore_ascii_case(&id)), "{list:?}");
}

#[tokio::test]
async fn an_unknown_integration_is_404() {
    let t = target().await;
    let mut account = t.account.clone();
    account.integration_id = "00000000-0000-4000-8000-000000000000".parse().unwrap();
    let client = Client::new(&account, genesys_desk::genesys::ClientOptions::default(), None).unwrap();
    let err = client.integration().await.unwrap_err();
    assert_eq!(err.status(), Some(404), "{err:?}");
}

#[tokio::test]
async fn pointing_the_webhook_keeps_the_name() {
    let t = target().await;
    let client = t.client();
    let before = client.integration().await.unwrap();
    // Against an org the webhook is set to what it already is.
    let url = match (&before.outbound_notification_webhook_url, t.is_org()) {
        (Some(current), true) => current.clone(),
        _ => "https://abc-123.trycloudflare.com/hooks/Emulator".to_string(),
    };
    let (after, _) = client.set_webhook_url(&url).await.unwrap();
    assert_eq!(after.name, before.name);
    assert_eq!(after.outbound_notification_webhook_url.as_deref(), Some(url.as_str()));
    assert_eq!(client.integration().await.unwrap().name, before.name);
}
