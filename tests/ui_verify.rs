//! Verify driven by label: the button emits `Command::Verify`; check events
//! appear one by one; a webhook mismatch offers the confirmed PATCH.

pub mod ui_support;

use egui_kittest::kittest::Queryable;
use genesys_desk::app::selection::View;
use genesys_desk::config::Field;
use genesys_desk::engine::command::{Command, Event};
use genesys_desk::model::{Check, CheckId, CheckStatus, VerifyReport};

fn check(id: CheckId, status: CheckStatus) -> Check {
    let field = (status == CheckStatus::Fail).then_some(Field::ClientSecret);
    Check { id, status, message: format!("{} looks {}", id.title(), status.as_str()), hint: String::new(), field }
}

#[test]
fn pressing_verify_sends_the_command_and_checks_arrive_until_all_pass() {
    let mut ui = ui_support::app_on(View::Verify);
    ui.harness.get_all_by_label("Verify").last().unwrap().click(); // the first is the side navigation
    ui.settle();
    let request = match ui.take_commands().as_slice() {
        [Command::Verify { request, account, include_send: false, .. }] => {
            assert_eq!(account, "Emulator");
            *request
        }
        other => panic!("expected one Verify, got {other:?}"),
    };
    ui.feed(Event::VerifyStarted { request, account: "Emulator".into() });
    ui.feed(Event::CheckFinished { request, check: check(CheckId::Host, CheckStatus::Pass) });
    // The first check is shown, the rest are still spinning.
    ui.harness.get_by_label("Host / region looks pass");
    assert!(ui.harness.query_by_label("All checks passed").is_none());
    // Every other check but send (not asked for) is still running.
    assert_eq!(ui.harness.get_all_by_label("checking…").count(), CheckId::ALL.len() - 2);

    let checks: Vec<Check> =
        CheckId::ALL.iter().filter(|id| **id != CheckId::Send).map(|id| check(*id, CheckStatus::Pass)).collect();
    for c in &checks[1..] {
        ui.feed(Event::CheckFinished { request, check: c.clone() });
    }
    ui.feed(Event::VerifyFinished { request, report: VerifyReport { checks } });
    ui.harness.get_by_label("All checks passed");
    ui.harness.get_by_label("Copy report");
    assert_eq!(ui.harness.get_all_by_label("PASS").count(), CheckId::ALL.len() - 1);
    let run = ui.state().verify.run(ui.selection().env, "Emulator").unwrap();
    assert!(run.result.latest().unwrap().ok());
}

#[test]
fn a_failed_check_is_highlighted_and_a_webhook_mismatch_can_be_fixed_after_confirmation() {
    let mut ui = ui_support::app_on(View::Verify);
    ui.harness.get_all_by_label("Verify").last().unwrap().click(); // the first is the side navigation
    ui.settle();
    let Some(Command::Verify { request, .. }) = ui.take_commands().pop() else { panic!("no Verify") };
    let report = VerifyReport {
        checks: vec![
            check(CheckId::Host, CheckStatus::Pass),
            check(CheckId::Token, CheckStatus::Fail),
            check(CheckId::Webhook, CheckStatus::Warn),
        ],
    };
    ui.feed(Event::VerifyFinished { request, report });
    ui.harness.get_by_label("Some checks failed");
    let run = ui.state().verify.run(ui.selection().env, "Emulator").unwrap();
    assert_eq!(run.failed_fields(), vec![Field::ClientSecret]);

    ui.harness.get_by_label("Point the integration's webhook at this listener").click();
    ui.settle();
    assert!(ui.take_commands().is_empty(), "nothing is changed before the confirmation");
    ui.harness.get_by_label("Point webhook").click();
    ui.settle();
    match ui.take_commands().as_slice() {
        [Command::PointWebhook { account, url, .. }] => {
            assert_eq!(account, "Emulator");
            assert_eq!(url, "http://127.0.0.1:8787/hooks/Emulator");
        }
        other => panic!("expected PointWebhook, got {other:?}"),
    }
}

#[test]
fn the_webhook_patch_is_never_offered_in_a_read_only_environment() {
    let mut ui = ui_support::app_on(View::Verify);
    ui.harness.get_by_label("Live").click();
    ui.settle();
    ui.harness.get_all_by_label("Verify").last().unwrap().click();
    ui.settle();
    let Some(Command::Verify { request, env, .. }) = ui.take_commands().pop() else { panic!("no Verify") };
    assert_eq!(env, genesys_desk::config::Environment::Live, "verifying is allowed, editing is not");
    let report = VerifyReport { checks: vec![check(CheckId::Webhook, CheckStatus::Warn)] };
    ui.feed(Event::VerifyFinished { request, report });
    ui.harness.get_by_label("No check failed, 1 warning");
    assert!(ui.harness.query_by_label("Point the integration's webhook at this listener").is_none());
}

/// The setup doctor's checks are rows of the same list, with their titles.
#[test]
fn the_doctor_checks_show_with_their_titles_and_a_warning_is_not_a_failure() {
    let mut ui = ui_support::app_on(View::Verify);
    ui.harness.get_all_by_label("Verify").last().unwrap().click(); // the first is the side navigation
    ui.settle();
    let Some(Command::Verify { request, .. }) = ui.take_commands().pop() else { panic!("no Verify") };
    let mut checks: Vec<Check> = CheckId::ALL.iter().map(|id| check(*id, CheckStatus::Pass)).collect();
    checks[7] = check(CheckId::Route, CheckStatus::Fail);
    checks[8] = check(CheckId::Typing, CheckStatus::Warn);
    ui.feed(Event::VerifyFinished { request, report: VerifyReport { checks: checks.clone() } });
    for title in [
        "Integration status",
        "Message route",
        "Typing events",
        "Attachments allowed",
        "Threading timeline",
        "Permissions",
    ] {
        ui.harness.get_by_label(title);
    }
    ui.harness.get_by_label("Message route looks fail");
    ui.harness.get_by_label("Some checks failed");

    checks[7] = check(CheckId::Route, CheckStatus::Pass);
    ui.harness.get_all_by_label("Verify").last().unwrap().click();
    ui.settle();
    let Some(Command::Verify { request, .. }) = ui.take_commands().pop() else { panic!("no second Verify") };
    ui.feed(Event::VerifyFinished { request, report: VerifyReport { checks } });
    ui.harness.get_by_label("No check failed, 1 warning");
    ui.harness.get_by_label("Typing events looks warn");
}

#[test]
fn a_secret_mismatch_offers_a_confirmed_rotation() {
    let mut ui = ui_support::app_on(View::Verify);
    ui.harness.get_all_by_label("Verify").last().unwrap().click(); // the first is the side navigation
    ui.settle();
    let Some(Command::Verify { request, .. }) = ui.take_commands().pop() else { panic!("no Verify") };
    let report = VerifyReport { checks: vec![check(CheckId::Secret, CheckStatus::Fail)] };
    ui.feed(Event::VerifyFinished { request, report });
    ui.harness.get_by_label("Fix it: set a new webhook secret in Genesys and here…").click();
    ui.settle();
    assert!(ui.take_commands().is_empty(), "nothing is changed before the confirmation");
    ui.harness.get_by_label("Rotate secret").click();
    ui.settle();
    match ui.take_commands().as_slice() {
        [Command::RotateSecret { account, env, .. }] => {
            assert_eq!((account.as_str(), *env), ("Emulator", genesys_desk::config::Environment::Development));
        }
        other => panic!("expected RotateSecret, got {other:?}"),
    }
}
