//! The real views on the real engine, against a running emulator over
//! loopback: press Verify and see every check pass; start a test chat and see
//! the scripted agent's reply appear in the thread.

mod engine_support;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use genesys_desk::app::App;
use genesys_desk::app::selection::{Selection, View};
use genesys_desk::app::state::ServiceStatus;
use genesys_desk::engine;
use genesys_desk::ui::FixedDialogs;

/// Runs frames until `done` holds (the engine works on its own threads).
fn run_until(harness: &mut Harness<'_, App>, what: &str, done: impl Fn(&Harness<'_, App>) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done(harness) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        harness.run_steps(1);
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn type_into(harness: &mut Harness<'_, App>, label: &str, text: &str) {
    harness.get_by_label(label).focus();
    harness.run_steps(2);
    harness.get_by_label(label).type_text(text);
    harness.run_steps(2);
}

#[test]
fn verify_passes_and_a_test_chat_gets_the_agent_reply() {
    let runtime = genesys_desk::runtime::build().unwrap();
    let setup = runtime.block_on(engine_support::emulator_and_home());
    let config = setup.engine_config(true);
    let (engine, events, task) = engine::spawn(runtime.handle(), config, Arc::new(|| {}));
    let sent = Rc::new(RefCell::new(0usize));
    let counter = sent.clone();
    let sink = Box::new(move |command| {
        *counter.borrow_mut() += 1;
        engine.send(command);
    });
    let selection = Selection { view: View::Verify, ..Selection::default() };
    let app = App::with_parts(selection, events, sink, Box::new(FixedDialogs::default()));
    let mut harness =
        Harness::builder().with_size([1280.0, 800.0]).build_ui_state(|ui, app: &mut App| app.show(ui), app);

    // The engine loads the accounts and starts the listener; point the emulator at it.
    run_until(&mut harness, "the listener", |h| {
        matches!(h.state().state.services.listener, ServiceStatus::Running { .. })
    });
    let ServiceStatus::Running { addr, .. } = harness.state().state.services.listener.clone() else { unreachable!() };
    setup.deliver_to(addr);
    run_until(&mut harness, "the Emulator account", |h| h.state().selection.account.as_deref() == Some("Emulator"));

    harness.get_all_by_label("Verify").last().unwrap().click(); // the first is the side navigation
    run_until(&mut harness, "all checks to pass", |h| h.query_by_label("All checks passed").is_some());
    // Every check but send (not asked for): host, token, integration, webhook, secret and the doctor's six.
    assert_eq!(harness.get_all_by_label("PASS").count(), 11);

    harness.get_by_label("Chats").click();
    harness.run_steps(2);
    type_into(&mut harness, "Name", "Ada Lovelace");
    type_into(&mut harness, "Email", "ada@example.com");
    type_into(&mut harness, "Query", "Where is my order?");
    harness.get_by_label("Start chat").click();
    let reply = "this is the emulator agent. You wrote: \"Where is my order?\"";
    run_until(&mut harness, "the agent's reply", |h| h.query_all_by_label_contains(reply).next().is_some());
    assert!(harness.query_all_by_label("Where is my order?").next().is_some(), "the customer's bubble");
    assert!(*sent.borrow() >= 2, "Verify and StartChat went through the engine");

    // Dropping the app drops the engine handle: the engine sees its command
    // channel close and shuts the listener down.
    drop(harness);
    let stopped = runtime.block_on(async { tokio::time::timeout(Duration::from_secs(5), task).await });
    assert!(matches!(stopped, Ok(Ok(()))), "the engine stops within 5 s of its command channel closing: {stopped:?}");
}
