//! The traffic list driven by label: typing in the filter narrows the rows,
//! a row opens the detail pane, export goes through the replaceable dialog.

pub mod ui_support;

use egui_kittest::kittest::Queryable;
use genesys_desk::app::selection::View;
use genesys_desk::engine::command::{Command, Event, ExportFormat};
use genesys_desk::model::{Direction, SignatureVerdict, TrafficEntry};

fn entry(id: i64, direction: Direction, url: &str, status: u16) -> TrafficEntry {
    let mut e =
        TrafficEntry::new(direction, "Emulator", if direction == Direction::Incoming { "POST" } else { "GET" }, url);
    e.id = Some(id);
    e.status = Some(status);
    e.latency_us = Some(12_000);
    e
}

#[test]
fn typing_in_the_filter_narrows_the_rows() {
    let mut ui = ui_support::app_on(View::Traffic);
    ui.feed(Event::TrafficRecorded(entry(1, Direction::Outgoing, "http://127.0.0.1:8786/oauth/token", 200)));
    ui.feed(Event::TrafficRecorded(entry(
        2,
        Direction::Outgoing,
        "http://127.0.0.1:8786/api/v2/conversations/messaging/integrations/open",
        200,
    )));
    let mut hook = entry(3, Direction::Incoming, "/hooks/Emulator", 403);
    hook.verdict = Some(SignatureVerdict::Invalid);
    hook.explanation = Some("the secret has a trailing newline".into());
    ui.feed(Event::TrafficRecorded(hook));
    ui.harness.get_by_label("3 of 3 entries");
    ui.harness.get_by_label("/oauth/token");
    ui.harness.get_by_label("/hooks/Emulator");

    ui.harness.get_by_label("Filter").focus();
    ui.settle();
    ui.harness.get_by_label("Filter").type_text("hooks");
    ui.settle();
    assert_eq!(ui.app().views.traffic.rows().len(), 1);
    ui.harness.get_by_label("1 of 3 entries");
    assert!(ui.harness.query_by_label("/oauth/token").is_none(), "filtered rows are not laid out");
    ui.harness.get_by_label("/hooks/Emulator").click();
    ui.settle();
    assert!(ui.app().views.traffic.selected().is_some(), "row click selects");
    ui.harness.get_by_label_contains("Signature invalid");
    ui.harness.get_by_label("Likely cause: the secret has a trailing newline");
    ui.harness.get_by_label("Replay to listener").click();
    ui.settle();
    assert_eq!(ui.take_commands(), vec![Command::ReplayTraffic { id: 3 }]);
}

#[test]
fn export_sends_the_filtered_ids_to_the_path_from_the_dialog() {
    let mut ui = ui_support::app_on(View::Traffic);
    for i in 0..5 {
        ui.events
            .send(Event::TrafficRecorded(entry(
                i,
                Direction::Outgoing,
                &format!("http://x/api/{}", if i % 2 == 0 { "even" } else { "odd" }),
                200,
            )))
            .unwrap();
    }
    ui.settle();
    // The dialog is a replaceable function: here it answers with a fixed path.
    ui.harness
        .state_mut()
        .set_dialogs(Box::new(genesys_desk::ui::FixedDialogs::new(None, Some("/tmp/out.har".into()))));
    ui.harness.get_by_label("Filter").focus();
    ui.settle();
    ui.harness.get_by_label("Filter").type_text("even");
    ui.settle();
    ui.harness.get_by_label("Export HAR…").click();
    ui.settle();
    assert_eq!(
        ui.take_commands(),
        vec![Command::ExportTraffic { path: "/tmp/out.har".into(), format: ExportFormat::Har, ids: vec![0, 2, 4] }]
    );
}

#[test]
fn a_fault_mode_is_chosen_for_the_selected_account_and_announced_in_the_top_bar() {
    let mut ui = ui_support::app_on(View::Traffic);
    ui.harness.get_by_label("Fault mode for Emulator's webhook").click();
    ui.settle();
    ui.harness.get_by_label("fail the first 2 attempts, then accept").click();
    ui.settle();
    let fault = genesys_desk::webhook::fault::Fault::FailFirst { attempts: 2, status: 503 };
    assert_eq!(ui.take_commands(), vec![Command::SetFault { account: "Emulator".into(), fault: Some(fault) }]);
    ui.feed(Event::FaultSet { account: "Emulator".into(), fault: Some(fault) });
    ui.harness.get_by_label_contains("Fault mode on: Emulator: fail-first:2:503");
    ui.feed(Event::FaultSet { account: "Emulator".into(), fault: None });
    assert!(ui.harness.query_by_label_contains("Fault mode on:").is_none(), "off again: no banner");
}

#[test]
fn a_deliverys_attempts_are_shown_as_its_retry_chain() {
    let mut ui = ui_support::app_on(View::Traffic);
    let start = time::OffsetDateTime::now_utc();
    for (i, status) in [503, 503, 200].into_iter().enumerate() {
        let mut attempt = entry(10 + i as i64, Direction::Incoming, "/hooks/Emulator", status);
        attempt.request_body = r#"{"id":"m1","channel":{"time":"2026-11-28T10:00:00Z"}}"#.into();
        attempt.at = start + time::Duration::seconds(5 * i as i64);
        if status == 503 {
            attempt.explanation =
                Some(format!("fault mode fail-first:2:503: attempt {} answered 503 on purpose", i + 1));
        }
        ui.feed(Event::TrafficRecorded(attempt));
    }
    ui.feed(Event::TrafficRecorded(entry(20, Direction::Incoming, "/hooks/Emulator", 200)));
    // Newest first: the unrelated delivery, then the last attempt.
    ui.harness.get_all_by_label("/hooks/Emulator").nth(1).unwrap().click();
    ui.settle();
    ui.harness.get_by_label("Attempts of this delivery: 3");
    ui.harness.get_by_label("+5.0 s");
    ui.harness.get_by_label("+10.0 s");
    ui.harness.get_by_label("503 — fault mode fail-first:2:503: attempt 2 answered 503 on purpose");
}

#[test]
fn the_signature_lab_checks_a_captured_delivery_against_the_accounts_secret() {
    use genesys_desk::config::defaults::EMULATOR_WEBHOOK_SECRET;
    use genesys_desk::webhook::signature::{SIGNATURE_HEADER, sign};
    let mut ui = ui_support::app_on(View::Traffic);
    let body = r#"{"id":"m1","type":"Text","text":"hi"}"#;
    let mut hook = entry(30, Direction::Incoming, "/hooks/Emulator", 200);
    hook.request_body = body.into();
    hook.request_headers = vec![("x-hub-signature-256".into(), sign(EMULATOR_WEBHOOK_SECRET, body.as_bytes()))];
    ui.feed(Event::TrafficRecorded(hook));
    ui.harness.get_by_label("/hooks/Emulator").click();
    ui.settle();
    ui.harness.get_by_label("Signature lab").click();
    ui.settle();
    ui.harness.get_by_label("Signature valid");
    let expected = format!("{SIGNATURE_HEADER}: {}", sign(EMULATOR_WEBHOOK_SECRET, body.as_bytes()));
    ui.harness.get_by_label(&expected);
    ui.harness.state_mut().views.signature_lab.body = format!("{body}\n");
    ui.settle();
    ui.harness.get_by_label("Signature invalid");
    assert!(ui.harness.query_by_label_contains(EMULATOR_WEBHOOK_SECRET).is_none(), "the secret is never shown");
}

#[test]
fn send_as_genesys_posts_to_the_url_and_shows_each_attempt() {
    let mut ui = ui_support::app_on(View::Traffic);
    ui.harness.get_by_label("Send as Genesys…").click();
    ui.settle();
    ui.harness.state_mut().views.as_genesys.url = "http://127.0.0.1:9/webhook".into();
    ui.settle();
    ui.harness.get_by_label("Send").click();
    ui.settle();
    let commands = ui.take_commands();
    let [Command::DeliverAsGenesys(request)] = commands.as_slice() else { panic!("{commands:?}") };
    assert_eq!(
        (request.account.as_str(), request.url.as_str(), request.kind.as_str()),
        ("Emulator", "http://127.0.0.1:9/webhook", "text")
    );
    ui.feed(Event::AsGenesysAttempt { text: "attempt 1 +0.0 s: HTTP 503".into() });
    ui.feed(Event::AsGenesysDone { result: Ok("delivered: HTTP 200 on attempt 2".into()) });
    ui.harness.get_by_label("attempt 1 +0.0 s: HTTP 503");
    ui.harness.get_by_label("delivered: HTTP 200 on attempt 2");
}

#[test]
fn latencies_under_a_millisecond_are_shown_with_their_fraction() {
    let mut ui = ui_support::app_on(View::Traffic);
    let mut fast = entry(1, Direction::Outgoing, "http://127.0.0.1:8786/oauth/token", 200);
    fast.latency_us = Some(400);
    ui.feed(Event::TrafficRecorded(fast));
    ui.feed(Event::TrafficRecorded(entry(2, Direction::Outgoing, "http://127.0.0.1:8786/api/v2/x", 200)));
    ui.harness.get_by_label("0.40 ms");
    ui.harness.get_by_label("12 ms");
}

#[test]
fn a_har_file_is_imported_and_its_rows_are_marked() {
    let mut ui = ui_support::app_on(View::Traffic);
    let mut dialogs = genesys_desk::ui::FixedDialogs::default();
    dialogs.import = Some("/tmp/colleague.har".into());
    ui.harness.state_mut().set_dialogs(Box::new(dialogs));
    ui.harness.get_by_label("Import HAR…").click();
    ui.settle();
    assert_eq!(ui.take_commands(), vec![Command::ImportHar("/tmp/colleague.har".into())]);
    let mut row = entry(7, Direction::Outgoing, "https://api.mypurecloud.ie/api/v2/users/me", 200);
    row.account = "Postman".into();
    row.imported = true;
    ui.feed(Event::TrafficRecorded(row));
    ui.harness.get_by_label("Postman (imported)").click();
    ui.settle();
    ui.harness.get_by_label("Imported from a HAR file as outgoing traffic of Postman: not seen by this app.");
}
