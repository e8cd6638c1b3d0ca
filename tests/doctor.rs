//! The setup doctor against the emulator over loopback HTTP: each new check
//! in each of its states (pass, warn, fail, and warn when Genesys answers 403).

mod support;

use genesys_desk::emulator::{EmulatorConfig, Permission};
use genesys_desk::genesys::verify;
use genesys_desk::model::verify::{Check, CheckId, CheckStatus, VerifyReport};
use support::*;

fn status(report: &VerifyReport, id: CheckId) -> &Check {
    report.checks.iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no {id:?} check in {report:?}"))
}

async fn doctor(config: EmulatorConfig, deny: &[Permission]) -> VerifyReport {
    let emu = start_emulator(config).await;
    for permission in deny {
        emu.faults().deny(*permission);
    }
    let report = verify::run(&account_for(&emu.url()), fast_options(), false, |_| {}).await;
    emu.shutdown().await;
    report
}

#[tokio::test]
async fn a_complete_setup_passes_every_doctor_check() {
    let report = doctor(fast_config(), &[]).await;
    for &id in CheckId::DOCTOR {
        assert_eq!(status(&report, id).status, CheckStatus::Pass, "{}", report.to_text("t"));
    }
    assert!(status(&report, CheckId::Route).message.contains("Emulator inbound message flow"));
    assert!(status(&report, CheckId::Threading).message.contains("3 days"), "{}", report.to_text("t"));
    assert!(status(&report, CheckId::Permissions).message.contains("not probed"), "send was not asked for");
}

#[tokio::test]
async fn permissions_name_what_presence_needs_from_the_topic_catalogue() {
    let report = doctor(fast_config(), &[]).await;
    let message = &status(&report, CheckId::Permissions).message;
    // The emulator's catalogue lists this permission on the detail topics.
    assert!(message.contains("presence (agent joined/left) needs analytics:conversationDetail:view"), "{message}");
}

#[tokio::test]
async fn the_topic_catalogue_refuses_an_unknown_expand_value() {
    let emu = start_emulator(fast_config()).await;
    let token = emulator_token(&emu).await;
    let get = |query: &'static str| {
        let url = format!("{}/api/v2/notifications/availabletopics?{query}", emu.url());
        let token = token.clone();
        async move {
            let answer = reqwest::Client::new().get(url).bearer_auth(token).send().await.unwrap();
            (answer.status().as_u16(), answer.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (status, body) = get("expand=requiresPermission").await;
    assert_eq!(status, 400);
    assert!(body["message"].as_str().unwrap().contains("requiresPermission"), "{body}");
    let (status, body) = get("expand=description").await;
    assert_eq!(status, 200);
    assert!(body["entities"][0].get("requiresPermissions").is_none(), "not asked for: {body}");
    assert!(body["entities"][0]["description"].is_string(), "{body}");
    emu.shutdown().await;
}

#[tokio::test]
async fn no_message_flow_fails_route_with_the_admin_page() {
    let report = doctor(EmulatorConfig { message_flow: false, ..fast_config() }, &[]).await;
    let route = status(&report, CheckId::Route);
    assert_eq!(route.status, CheckStatus::Fail);
    assert!(route.hint.contains("Admin > Routing > Message Routing"), "{}", route.hint);
    assert!(!report.ok());
}

#[tokio::test]
async fn typing_switched_off_warns_that_agent_typing_is_not_shown() {
    let report = doctor(EmulatorConfig { outbound_typing: false, ..fast_config() }, &[]).await;
    let typing = status(&report, CheckId::Typing);
    assert_eq!(typing.status, CheckStatus::Warn);
    assert!(typing.message.contains("agent typing will not be shown"), "{}", typing.message);
    assert!(report.ok(), "a warning is not a failure");
}

#[tokio::test]
async fn images_not_allowed_warn_in_each_direction() {
    let report = doctor(EmulatorConfig { images_allowed: false, ..fast_config() }, &[]).await;
    let content = status(&report, CheckId::Content);
    assert_eq!(content.status, CheckStatus::Warn);
    for what in ["customer images", "agent images", "image/png", "image/jpeg", "image/gif"] {
        assert!(content.message.contains(what), "{what}: {}", content.message);
    }
}

#[tokio::test]
async fn a_creation_error_fails_integration_status_with_genesys_reason() {
    let report = doctor(EmulatorConfig { create_status: "Error".into(), ..fast_config() }, &[]).await;
    assert_eq!(status(&report, CheckId::Integration).status, CheckStatus::Pass, "the integration was found");
    let created = status(&report, CheckId::IntegrationStatus);
    assert_eq!(created.status, CheckStatus::Fail);
    assert!(created.message.contains("Integration creation failed (emulated)"), "{}", created.message);
}

#[tokio::test]
async fn an_integration_still_initiated_is_read_again_then_warns() {
    let emu = start_emulator(EmulatorConfig { create_status: "Initiated".into(), ..fast_config() }).await;
    let report = verify::run(&account_for(&emu.url()), fast_options(), false, |_| {}).await;
    let created = status(&report, CheckId::IntegrationStatus);
    assert_eq!(created.status, CheckStatus::Warn);
    assert!(created.message.contains("Initiated"), "{}", created.message);
    let reads = emu
        .requests()
        .iter()
        .filter(|r| r.path.ends_with(&format!("/open/{}", emu.state().config().integration_id)))
        .count();
    assert!(reads > 1, "polled: {reads} reads");
    emu.shutdown().await;
}

#[tokio::test]
async fn each_refused_probe_warns_with_its_permission_and_permissions_lists_them() {
    let denied = [
        (Permission::RoutingMessageManage, CheckId::Route),
        (Permission::MessagingSettingView, CheckId::Typing),
        (Permission::SupportedContentView, CheckId::Content),
        (Permission::ThreadingTimelineView, CheckId::Threading),
    ];
    let report = doctor(fast_config(), &denied.map(|(p, _)| p)).await;
    let permissions = status(&report, CheckId::Permissions);
    assert_eq!(permissions.status, CheckStatus::Warn);
    for (permission, id) in denied {
        let check = status(&report, id);
        assert_eq!(check.status, CheckStatus::Warn, "{id:?} on 403 is a warning");
        assert!(check.message.contains(permission.as_str()), "{id:?}: {}", check.message);
        assert!(permissions.message.contains(permission.as_str()), "{}", permissions.message);
    }
    assert!(report.ok(), "missing read permissions warn, they do not fail");
}

#[tokio::test]
async fn without_the_integration_the_doctor_is_skipped() {
    let report = doctor(fast_config(), &[Permission::IntegrationView]).await;
    for &id in CheckId::DOCTOR {
        let check = status(&report, id);
        assert_eq!(check.status, CheckStatus::Skip, "{id:?}");
        assert!(check.message.contains("integration"), "{}", check.message);
    }
}
