//! verify against the emulator over real loopback HTTP: passes with the
//! defaults; each wrong field fails the right check and names the field.

mod support;

use genesys_desk::config::Field;
use genesys_desk::emulator::{EmulatorConfig, Permission};
use genesys_desk::genesys::verify;
use genesys_desk::model::verify::{Check, CheckId, CheckStatus, VerifyReport};
use support::*;

fn status(report: &VerifyReport, id: CheckId) -> &Check {
    report.checks.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no {id:?} check in {report:?}"))
}

fn ids(report: &VerifyReport) -> Vec<CheckId> {
    report.checks.iter().map(|c| c.id).collect()
}

#[tokio::test]
async fn verify_passes_against_a_default_emulator() {
    let emu = start_emulator(fast_config()).await;
    let account = account_for(&emu.url());
    let mut seen = Vec::new();
    let report = verify::run(&account, fast_options(), true, |c| seen.push(c.id)).await;
    assert!(report.ok(), "{}", report.to_text("t"));
    assert_eq!(ids(&report), CheckId::ALL.to_vec());
    assert_eq!(seen, CheckId::ALL.to_vec(), "progress sees every check in order");
    for id in CheckId::ALL {
        assert_eq!(status(&report, id).status, CheckStatus::Pass, "{}", report.to_text("t"));
    }
    assert!(status(&report, CheckId::Integration).message.contains("Emulator Open Messaging"));
    // The typing event really reached the inbound event endpoint.
    assert!(emu.requests().iter().any(|r| r.path.ends_with("/inbound/open/event") && r.status == 202));
    emu.shutdown().await;
}

#[tokio::test]
async fn send_is_skipped_unless_asked() {
    let emu = start_emulator(fast_config()).await;
    let report = verify::run(&account_for(&emu.url()), fast_options(), false, |_| {}).await;
    assert!(report.ok());
    assert_eq!(status(&report, CheckId::Send).status, CheckStatus::Skip);
    assert!(!emu.requests().iter().any(|r| r.path.contains("/inbound/")));
}

#[tokio::test]
async fn wrong_client_secret_fails_token_and_names_the_secret() {
    let emu = start_emulator(fast_config()).await;
    let mut draft = draft_for(&emu.url());
    draft.client_secret = "not-the-secret".into();
    let report = verify::run(&draft.parse().unwrap(), fast_options(), true, |_| {}).await;
    assert!(!report.ok());
    let token = status(&report, CheckId::Token);
    assert_eq!(token.status, CheckStatus::Fail);
    assert_eq!(token.field, Some(Field::ClientSecret));
    assert!(token.message.contains("client secret"), "{}", token.message);
    assert!(token.message.contains("region"), "{}", token.message);
    assert!(!token.message.contains("not-the-secret"));
    for id in [CheckId::Integration, CheckId::Webhook, CheckId::Secret, CheckId::Send] {
        assert_eq!(status(&report, id).status, CheckStatus::Skip);
    }
}

#[tokio::test]
async fn wrong_client_id_fails_token_and_names_the_client_id() {
    let emu = start_emulator(fast_config()).await;
    let mut draft = draft_for(&emu.url());
    draft.client_id = "11111111-2222-4333-8444-555555555555".into();
    let report = verify::run(&draft.parse().unwrap(), fast_options(), false, |_| {}).await;
    let token = status(&report, CheckId::Token);
    assert_eq!(token.status, CheckStatus::Fail);
    assert_eq!(token.field, Some(Field::ClientId));
    assert!(token.message.contains("Client ID"), "{}", token.message);
}

#[tokio::test]
async fn wrong_integration_id_fails_integration() {
    let emu = start_emulator(fast_config()).await;
    let mut draft = draft_for(&emu.url());
    draft.integration_id = "99999999-2222-4333-8444-555555555555".into();
    let report = verify::run(&draft.parse().unwrap(), fast_options(), true, |_| {}).await;
    assert_eq!(status(&report, CheckId::Token).status, CheckStatus::Pass);
    let integ = status(&report, CheckId::Integration);
    assert_eq!(integ.status, CheckStatus::Fail);
    assert_eq!(integ.field, Some(Field::IntegrationId));
    assert!(integ.message.starts_with("Integration ID not found"), "{}", integ.message);
    for id in [CheckId::Webhook, CheckId::Secret, CheckId::Send] {
        assert_eq!(status(&report, id).status, CheckStatus::Skip, "{id:?}");
    }
}

#[tokio::test]
async fn a_host_where_nothing_listens_fails_host() {
    let dead = dead_port().await;
    let port = dead.port;
    let account = account_for(&format!("http://127.0.0.1:{port}"));
    let report = verify::run(&account, fast_options(), false, |_| {}).await;
    let host = status(&report, CheckId::Host);
    assert_eq!(host.status, CheckStatus::Fail);
    assert_eq!(host.field, Some(Field::Host));
    assert!(host.hint.contains("Host URL"), "{}", host.hint);
    for id in [CheckId::Token, CheckId::Integration, CheckId::Webhook, CheckId::Secret, CheckId::Send] {
        assert_eq!(status(&report, id).status, CheckStatus::Skip);
    }
}

#[tokio::test]
async fn another_org_or_region_fails_token_and_mentions_the_region() {
    // A different "region": another emulator that does not know this client.
    let other = start_emulator(EmulatorConfig {
        client_id: "aaaaaaaa-2222-4333-8444-555555555555".into(),
        client_secret: "other-secret".into(),
        ..fast_config()
    })
    .await;
    let report = verify::run(&account_for(&other.url()), fast_options(), false, |_| {}).await;
    assert_eq!(status(&report, CheckId::Host).status, CheckStatus::Pass);
    let token = status(&report, CheckId::Token);
    assert_eq!(token.status, CheckStatus::Fail);
    assert!(token.message.contains("Host URL region"), "{}", token.message);
}

#[tokio::test]
async fn missing_view_permission_fails_integration_with_403() {
    let emu = start_emulator(fast_config()).await;
    emu.faults().deny(Permission::IntegrationView);
    let report = verify::run(&account_for(&emu.url()), fast_options(), false, |_| {}).await;
    let integ = status(&report, CheckId::Integration);
    assert_eq!(integ.status, CheckStatus::Fail);
    assert!(integ.message.contains("messaging:integration:view"), "{}", integ.message);
    assert!(integ.message.contains("403"), "{}", integ.message);
    assert!(integ.hint.contains("role"), "{}", integ.hint);
}

#[tokio::test]
async fn missing_receive_permission_fails_send_with_403() {
    let emu = start_emulator(fast_config()).await;
    emu.faults().deny(Permission::MessageReceive);
    let report = verify::run(&account_for(&emu.url()), fast_options(), true, |_| {}).await;
    assert_eq!(status(&report, CheckId::Integration).status, CheckStatus::Pass);
    let send = status(&report, CheckId::Send);
    assert_eq!(send.status, CheckStatus::Fail);
    assert!(send.message.contains("conversation:message:receive"), "{}", send.message);
}

#[tokio::test]
async fn webhook_and_secret_checks_compare_with_the_account() {
    let emu = start_emulator(EmulatorConfig { webhook_url: None, ..fast_config() }).await;
    let mut draft = draft_for(&emu.url());
    draft.webhook_secret = "a-different-secret".into();
    let report = verify::run(&draft.parse().unwrap(), fast_options(), false, |_| {}).await;
    assert_eq!(status(&report, CheckId::Webhook).status, CheckStatus::Warn);
    let secret = status(&report, CheckId::Secret);
    assert_eq!(secret.status, CheckStatus::Fail);
    assert_eq!(secret.field, Some(Field::WebhookSecret));
    assert!(!format!("{report:?}").contains("a-different-secret"));
    assert!(!format!("{report:?}").contains(genesys_desk::config::defaults::EMULATOR_WEBHOOK_SECRET));

    // A public webhook base that does not match the integration's URL warns.
    emu.update_config(|c| c.webhook_url = Some("https://old.example.com/hooks/Emulator".into()));
    let mut draft = draft_for(&emu.url());
    draft.public_webhook_base = "https://new.example.com".into();
    let report = verify::run(&draft.parse().unwrap(), fast_options(), false, |_| {}).await;
    let webhook = status(&report, CheckId::Webhook);
    assert_eq!(webhook.status, CheckStatus::Warn);
    assert!(webhook.message.contains("https://new.example.com/hooks/Emulator"), "{}", webhook.message);
    assert_eq!(status(&report, CheckId::Secret).status, CheckStatus::Pass);

    // Unknown when the integration does not return its secret.
    emu.update_config(|c| c.expose_webhook_secret = false);
    let report = verify::run(&account_for(&emu.url()), fast_options(), false, |_| {}).await;
    assert_eq!(status(&report, CheckId::Secret).status, CheckStatus::Warn);
    assert!(status(&report, CheckId::Secret).message.contains("unknown"));
}
