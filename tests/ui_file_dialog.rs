//! genesys-desk's own file dialog (used when the desktop has none): it lists
//! the folder's files of the request's kind, answers a choice with the
//! request's command, proposes the export's name, and a cancel leaves
//! nothing behind (the next dialog opens).

pub mod ui_support;

use egui_kittest::kittest::Queryable;
use genesys_desk::app::selection::View;
use genesys_desk::engine::command::{Command, ExportFormat};
use genesys_desk::ui::DesktopDialogs;

fn traffic_with_in_app_dialogs(dir: &std::path::Path) -> ui_support::Ui<'static> {
    let mut ui = ui_support::app_on(View::Traffic);
    ui.harness.state_mut().set_dialogs(Box::new(DesktopDialogs::in_app_only(dir.to_path_buf())));
    ui
}

#[test]
fn choosing_a_file_answers_with_the_requests_command() {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join("capture.har"), "{}").expect("a file");
    std::fs::write(dir.path().join("notes.txt"), "").expect("a file");
    let mut ui = traffic_with_in_app_dialogs(dir.path());
    ui.harness.get_by_label("Import HAR…").click();
    ui.settle();
    ui.harness.get_by_label_contains("Import a HAR file");
    assert!(ui.harness.query_by_label_contains("notes.txt").is_none(), "only HAR and JSON files are listed");
    ui.harness.get_by_label_contains("capture.har").click();
    ui.settle();
    ui.harness.get_by_label("Open").click();
    ui.settle();
    assert_eq!(ui.take_commands(), vec![Command::ImportHar(dir.path().join("capture.har"))]);
    assert!(ui.harness.query_by_label_contains("Import a HAR file").is_none(), "the dialog closed");
}

#[test]
fn a_save_dialog_proposes_the_name_and_a_cancel_leaves_nothing_behind() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut ui = traffic_with_in_app_dialogs(dir.path());
    ui.harness.get_by_label("Export JSON…").click();
    ui.settle();
    ui.harness.get_by_label_contains("Export traffic as JSON");
    ui.harness.get_by_label("Cancel").click();
    ui.settle();
    assert!(ui.take_commands().is_empty(), "a cancelled dialog sends nothing");
    assert!(ui.harness.query_by_label_contains("Export traffic as JSON").is_none());

    ui.harness.get_by_label("Export HAR…").click();
    ui.settle();
    ui.harness.get_by_label("Save").click();
    ui.settle();
    let path = dir.path().join("genesys-traffic.har");
    assert_eq!(ui.take_commands(), vec![Command::ExportTraffic { path, format: ExportFormat::Har, ids: vec![] }]);
}
