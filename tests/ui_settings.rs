//! Settings and the real eframe constructor.

pub mod ui_support;

use std::sync::mpsc;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use genesys_desk::app::App;
use genesys_desk::app::selection::{ThemeChoice, View};
use genesys_desk::app::state::ServiceStatus;
use genesys_desk::config::Tier;
use genesys_desk::engine::command::{Command, Event};

#[test]
fn settings_switch_tier_theme_listener_and_receipts() {
    let mut ui = ui_support::app_on(View::Settings);
    ui.harness.get_by_label("Dark").click();
    ui.settle();
    assert_eq!(ui.selection().theme, ThemeChoice::Dark);
    ui.harness.get_by_label("Three: Staging, Sandbox, Production").click();
    ui.settle();
    ui.harness.get_by_label("Auto Delivered receipts for agent messages").click();
    ui.settle();
    assert_eq!(ui.take_commands(), vec![Command::SetTier(Tier::Three), Command::SetAutoDelivered(false)]);

    ui.harness.get_by_label("Listener address").focus();
    ui.settle();
    ui.harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    ui.harness.get_by_label("Listener address").type_text("127.0.0.1:9999");
    ui.settle();
    ui.harness.get_by_label("Restart listener").click();
    ui.settle();
    assert_eq!(ui.take_commands(), vec![Command::SetListenerAddr("127.0.0.1:9999".into())]);
    // "starting…" comes from the view until the engine reports; the state keeps what it reported.
    ui.feed(Event::EmulatorStarted { addr: "127.0.0.1:8786".parse().unwrap() });
    ui.harness.get_by_label("starting…");
    assert!(matches!(ui.state().services.listener, ServiceStatus::Running { .. }));
    ui.feed(Event::ListenerStarted { addr: "127.0.0.1:9999".parse().unwrap(), public_base: None });
    ui.harness.get_by_label("running on 127.0.0.1:9999");
}

#[test]
fn the_eframe_constructor_builds_and_sends_shutdown_once_on_exit() {
    let (_tx, rx) = mpsc::channel();
    let sent = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let recorder = sent.clone();
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_eframe(move |cc| App::new(cc, rx, Box::new(move |c| recorder.borrow_mut().push(c))));
    harness.run_steps(3);
    harness.get_by_label("Accounts");
    eframe::App::on_exit(harness.state_mut(), None);
    eframe::App::on_exit(harness.state_mut(), None);
    assert_eq!(*sent.borrow(), vec![Command::Shutdown], "Shutdown is sent exactly once");
}

#[test]
fn a_running_tunnel_is_shown_can_be_the_accounts_public_base_and_stopped() {
    let mut ui = ui_support::app_on(View::Settings);
    let url = "https://odd-words-here.trycloudflare.com";
    ui.feed(Event::TunnelStarted { url: url.into() });
    ui.harness.get_by_label(url);
    ui.harness.get_by_label("Use as Emulator's public webhook base").click();
    ui.settle();
    match ui.take_commands().as_slice() {
        [Command::SaveAccount { draft, original_name, .. }] => {
            assert_eq!((draft.public_webhook_base.as_str(), original_name.as_deref()), (url, Some("Emulator")));
        }
        other => panic!("expected SaveAccount, got {other:?}"),
    }
    ui.harness.get_by_label("Stop tunnel").click();
    ui.settle();
    assert!(matches!(ui.take_commands().as_slice(), [Command::StopTunnel]));
    ui.feed(Event::TunnelStopped);
    assert!(ui.harness.query_by_label(url).is_none());
}

/// Pointed at the tunnel after a confirmation; when the tunnel stops, offered to point back.
#[test]
fn the_webhook_is_pointed_at_the_tunnel_and_offered_back_when_it_stops() {
    let mut ui = ui_support::app_on(View::Settings);
    let url = "https://odd-words-here.trycloudflare.com";
    let mut account = ui.state().accounts.of(genesys_desk::config::Environment::Development)[0].clone();
    account.public_webhook_base = Some(url.into());
    let tier = ui.state().accounts.tier;
    let accounts = std::collections::BTreeMap::from([(genesys_desk::config::Environment::Development, vec![account])]);
    ui.feed(Event::AccountsLoaded { tier, accounts, secret_warning: None });
    ui.feed(Event::TunnelStarted { url: url.into() });
    ui.harness.get_by_label("Point Emulator's integration here…").click();
    ui.settle();
    assert!(ui.take_commands().is_empty(), "nothing is changed before the confirmation");
    ui.harness.get_by_label("Point webhook").click();
    ui.settle();
    let hook = format!("{url}/hooks/Emulator");
    assert!(matches!(ui.take_commands().as_slice(), [Command::PointWebhook { url: u, .. }] if *u == hook));
    let old = "https://old.example.com/hooks/Emulator";
    ui.feed(Event::WebhookPointed {
        account: "Emulator".into(),
        url: hook,
        previous: Some(old.into()),
        result: Ok(()),
    });

    ui.harness.get_by_label("Stop tunnel").click();
    ui.settle();
    assert!(matches!(ui.take_commands().as_slice(), [Command::StopTunnel]));
    ui.harness.get_by_label("Restore webhook").click();
    ui.settle();
    assert!(matches!(ui.take_commands().as_slice(), [Command::PointWebhook { url: u, .. }] if u == old));
}

#[test]
fn the_emulator_agent_knobs_are_applied_with_one_command() {
    let mut ui = ui_support::app_on(View::Settings);
    assert!(ui.harness.query_by_label("Apply to the emulator").is_none(), "only while the emulator runs");
    ui.feed(Event::EmulatorStarted { addr: "127.0.0.1:8786".parse().unwrap() });
    ui.harness.get_by_label("answers").click();
    ui.harness.get_by_label("transfers after the first reply").click();
    ui.settle();
    ui.harness.get_by_label("Apply to the emulator").click();
    ui.settle();
    let commands = ui.take_commands();
    let [Command::SetEmulatorAgent { reply_delay, script }] = commands.as_slice() else { panic!("{commands:?}") };
    assert_eq!(*reply_delay, std::time::Duration::from_millis(800), "the emulator's default");
    assert!(!script.answers && script.transfers && script.wraps_up, "{script:?}");
    assert_eq!(script.reply_delay_max, None, "a fixed delay");
}

fn support_info(crash_report: Option<&str>) -> Event {
    Event::Support(Box::new(genesys_desk::engine::support::SupportInfo {
        log_dir: "/tmp/gd-home/data/logs".into(),
        crash_report: crash_report.map(Into::into),
        secret_store: Some("0600 file".into()),
        os: "Debian GNU/Linux 12 (bookworm), linux x86_64".into(),
    }))
}

#[test]
fn settings_show_the_log_folder_and_open_it() {
    let mut ui = ui_support::app_on(View::Settings);
    ui.feed(support_info(None));
    ui.harness.get_by_label("/tmp/gd-home/data/logs");
    ui.harness.get_by_label("Open folder").click();
    ui.settle();
    assert_eq!(ui.take_commands(), vec![Command::OpenPath("/tmp/gd-home/data/logs".into())]);
    ui.harness.get_by_label("Copy diagnostics").click();
    ui.settle();
    assert!(ui.take_commands().is_empty(), "copying is the window's own business");
}

#[test]
fn a_crash_report_from_the_last_run_is_offered_until_dismissed() {
    let mut ui = ui_support::app_on(View::Accounts);
    let report = "/tmp/gd-home/data/logs/crash-20261128-101500.offered.txt";
    ui.feed(support_info(Some(report)));
    ui.harness.get_by_label("genesys-desk closed unexpectedly last time. A report without secrets was saved:");
    ui.harness.get_by_label("Open report").click();
    ui.settle();
    assert_eq!(ui.take_commands(), vec![Command::OpenPath(report.into())]);
    ui.harness.get_by_label("Dismiss").click();
    ui.settle();
    assert!(ui.harness.query_by_label("Open report").is_none(), "dismissed for this run");
}
