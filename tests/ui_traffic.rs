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
    e.latency_ms = Some(12);
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
