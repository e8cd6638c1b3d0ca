//! The Runs view: Start sends the file and counts, the live table shows the
//! customers and a click opens one's chat, a finished run is compared.

pub mod ui_support;

use std::path::PathBuf;
use std::time::Duration;

use egui_kittest::kittest::Queryable;
use genesys_desk::app::selection::View;
use genesys_desk::config::Environment;
use genesys_desk::engine::command::{Command, Event};
use genesys_desk::engine::runs::RunRequest;
use genesys_desk::model::{ChatMessage, DeliveryStatus, MessageKind, Sender};
use genesys_desk::scenario::live::{CustomerRow, RowState};
use genesys_desk::scenario::report::{CustomerReport, Outcome, RunReport, Timings};
use genesys_desk::scenario::run::RunProgress;

fn row(n: usize, state: RowState, reason: &str) -> CustomerRow {
    CustomerRow {
        n,
        customer_id: format!("gd-r1-{n}"),
        state,
        step: 2,
        step_name: "expect_reply",
        took_ms: 1200,
        reason: reason.into(),
        agent_joined_ms: Some(300.0),
        first_reply_ms: Some(900.0),
    }
}

fn agent_reply(customer_id: &str) -> ChatMessage {
    ChatMessage {
        id: Some(7),
        account: "Emulator".into(),
        customer_id: customer_id.into(),
        conversation_id: Some("conv-1".into()),
        genesys_id: Some("msg-agent-1".into()),
        sender: Sender::Agent,
        sender_name: None,
        kind: MessageKind::Text,
        text: "Hi".into(),
        attachments: vec![],
        at: time::OffsetDateTime::now_utc(),
        status: DeliveryStatus::Received,
        raw: None,
    }
}

fn started(ui: &mut ui_support::Ui<'_>) {
    ui.feed(Event::RunStarted { run_id: "r1".into(), scenario: "damaged".into(), path: "d.yaml".into(), customers: 2 });
    let progress = RunProgress { total: 2, passed: 1, failed: 1, errors: 0, running: 0 };
    let rows = vec![row(1, RowState::Passed, ""), row(2, RowState::Failed, "step 2 (expect_reply): expected a reply")];
    ui.feed(Event::RunUpdate { run_id: "r1".into(), progress, rows });
}

#[test]
fn start_sends_the_file_the_counts_and_the_account() {
    let mut ui = ui_support::app_on(View::Runs);
    ui.harness.state_mut().views.runs.path = "scenarios/damaged.yaml".into();
    ui.settle();
    ui.harness.get_by_label("Start").click();
    ui.settle();
    let commands = ui.take_commands();
    let [Command::StartRun(request)] = commands.as_slice() else { panic!("{commands:?}") };
    let expected = RunRequest {
        run_id: request.run_id.clone(),
        path: PathBuf::from("scenarios/damaged.yaml"),
        env: Environment::Development,
        account: "Emulator".into(),
        customers: 10,
        concurrency: 5,
        rate_per_minute: None,
    };
    assert_eq!(*request, expected);
}

#[test]
fn the_table_shows_each_customer_and_a_click_opens_its_chat() {
    let mut ui = ui_support::app_on(View::Runs);
    started(&mut ui);
    ui.harness.get_by_label("2/2  passed 1  failed 1  errors 0  running 0");
    ui.harness.get_by_label("gd-r1-1");
    ui.harness.get_by_label("step 2 (expect_reply): expected a reply");
    ui.harness.get_by_label("gd-r1-1").click();
    ui.settle();
    ui.harness.get_by_label("gd-r1-1 has no chat yet: no agent message reached the listener for it.");
    assert_eq!(ui.selection().view, View::Runs, "nothing to open");
    ui.feed(Event::ChatMessageAdded(agent_reply("gd-r1-2")));
    ui.harness.get_by_label("gd-r1-2").click();
    ui.settle();
    assert_eq!(ui.selection().view, View::Chats);
    let open = ui.app().views.chat.selected().cloned();
    assert_eq!(open.map(|k| (k.account, k.customer_id)), Some(("Emulator".to_string(), "gd-r1-2".to_string())));
}

#[test]
fn a_finished_run_is_listed_for_comparing() {
    let mut ui = ui_support::app_on(View::Runs);
    started(&mut ui);
    let customer = |n: usize, outcome: Outcome| CustomerReport {
        n,
        customer_id: format!("gd-r1-{n}"),
        outcome,
        steps: Vec::new(),
        took: Duration::from_millis(1200),
        timings: Timings { first_reply: Some(Duration::from_millis(900)), ..Timings::default() },
    };
    let failed = Outcome::Fail { step: 1, name: "expect_reply".into(), expected: "a reply".into(), got: "none".into() };
    let report = RunReport {
        scenario: "damaged".into(),
        run_id: "r1".into(),
        took: Duration::from_secs(3),
        customers: vec![customer(1, Outcome::Pass), customer(2, failed)],
        ..RunReport::default()
    };
    ui.feed(Event::RunFinished { run_id: "r1".into(), report: Box::new(report) });
    ui.harness.get_by_label("Past runs");
    ui.harness.get_by_label("1 / 2");
    ui.harness.get_by_label("900 ms / 900 ms");
    assert!(ui.harness.query_by_label("Stop").is_none(), "the run is over");
}

#[test]
fn traffic_of_this_run_filters_the_traffic_by_the_runs_customer_ids() {
    let mut ui = ui_support::app_on(View::Runs);
    started(&mut ui);
    ui.harness.get_by_label("Traffic of this run").click();
    ui.settle();
    assert_eq!(ui.selection().view, View::Traffic);
    assert_eq!(ui.app().views.traffic.rows().filter().text, "gd-r1-");
}

#[test]
fn runs_kept_in_the_history_are_listed_at_start() {
    let mut ui = ui_support::app_on(View::Runs);
    let report = RunReport { scenario: "kept".into(), run_id: "old1".into(), ..RunReport::default() };
    let run = genesys_desk::storage::StoredRun { path: "kept.yaml".into(), account: "Emulator".into(), report };
    ui.feed(Event::RunsLoaded(vec![run]));
    ui.harness.get_by_label("Past runs");
    ui.harness.get_by_label("kept (old1)");
}
