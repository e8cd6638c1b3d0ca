//! Frame-time benchmark of the real views without a GPU: a bare
//! `egui::Context` runs the App's `show` and tessellates, as eframe would
//! before painting. Prints median and p99 CPU time per frame.
//!
//! Run: `cargo bench --bench ui_frames` (target: < 4 ms per frame).
#![expect(clippy::unwrap_used, reason = "a benchmark: a failed set-up should stop it loudly")]

use std::collections::BTreeMap;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use genesys_desk::app::App;
use genesys_desk::app::selection::{Selection, View};
use genesys_desk::config::defaults::emulator_account_draft;
use genesys_desk::config::{Environment, Tier};
use genesys_desk::engine::command::Event;
use genesys_desk::model::{
    ChatMessage, DeliveryStatus, Direction, MessageKind, Sender, SignatureVerdict, TrafficEntry,
};
use genesys_desk::ui::FixedDialogs;

const FRAMES: usize = 300;

fn traffic_entry(i: usize) -> TrafficEntry {
    let direction = if i.is_multiple_of(3) { Direction::Incoming } else { Direction::Outgoing };
    let url = if direction == Direction::Incoming {
        "/hooks/Emulator".to_string()
    } else {
        format!("http://127.0.0.1:8786/api/v2/conversations/messages/e3a1/inbound/open/message?n={i}")
    };
    let mut e = TrafficEntry::new(direction, if i.is_multiple_of(2) { "Emulator" } else { "Acme Dev" }, "POST", &url);
    e.id = Some(i as i64);
    e.status = Some(if i.is_multiple_of(17) { 500 } else { 200 });
    e.latency_us = Some((i % 300) as u64 * 1000);
    e.verdict = (direction == Direction::Incoming).then_some(SignatureVerdict::Valid);
    e.request_body = format!(r#"{{"text":"message number {i}","channel":{{"from":{{"id":"cust-{}"}}}}}}"#, i % 50);
    e
}

fn chat_message(i: usize) -> ChatMessage {
    let sender = if i.is_multiple_of(2) { Sender::Customer } else { Sender::Agent };
    ChatMessage {
        id: Some(i as i64),
        account: "Emulator".into(),
        customer_id: "cust-1".into(),
        conversation_id: Some("conv-1".into()),
        genesys_id: Some(format!("g-{i}")),
        sender,
        sender_name: Some(if sender == Sender::Agent { "Alex".into() } else { "Ada".into() }),
        kind: MessageKind::Text,
        text: format!("Message {i}: the quick brown fox jumps over the lazy dog, again and again."),
        attachments: vec![],
        at: time::OffsetDateTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + i as u64),
        status: if sender == Sender::Agent { DeliveryStatus::Delivered } else { DeliveryStatus::Sent },
        raw: None,
    }
}

fn app(view: View) -> (App, mpsc::Sender<Event>) {
    let (tx, rx) = mpsc::channel();
    let selection = Selection { view, ..Selection::default() };
    let mut app = App::with_parts(selection, rx, Box::new(|_| {}), Box::new(FixedDialogs::default()));
    app.apply(Event::AccountsLoaded {
        tier: Tier::Two,
        accounts: BTreeMap::from([(Environment::Development, vec![emulator_account_draft().parse().unwrap()])]),
        secret_warning: None,
    });
    app.apply(Event::ListenerStarted { addr: "127.0.0.1:8787".parse().unwrap(), public_base: None });
    (app, tx)
}

/// Runs frames; `each` may feed events before a frame. Returns sorted frame times.
fn measure(app: &mut App, mut each: impl FnMut(usize)) -> (Duration, Vec<Duration>) {
    let ctx = egui::Context::default();
    let input = |i: usize| egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 800.0))),
        time: Some(i as f64 / 60.0),
        ..Default::default()
    };
    let frame = |i: usize, app: &mut App| {
        let start = Instant::now();
        let mut out = ctx.run_ui(input(i), |ui| app.show(ui));
        // No GPU: the font atlas updates are dropped on purpose.
        out.textures_delta.clear();
        let primitives = ctx.tessellate(out.shapes, out.pixels_per_point);
        std::hint::black_box(primitives);
        start.elapsed()
    };
    let first = frame(0, app);
    for i in 1..10 {
        frame(i, app);
    }
    let mut times = Vec::with_capacity(FRAMES);
    for i in 0..FRAMES {
        each(i);
        times.push(frame(10 + i, app));
    }
    times.sort();
    (first, times)
}

fn report(name: &str, first: Duration, times: &[Duration]) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let median = times[times.len() / 2];
    let p99 = times[(times.len() * 99 / 100).min(times.len() - 1)];
    let verdict = if p99 < Duration::from_millis(4) { "ok" } else { "OVER 4 ms" };
    println!(
        "{name:<44} first {:>7.2} ms   median {:>6.3} ms   p99 {:>6.3} ms   ({} frames, {verdict})",
        ms(first),
        ms(median),
        ms(p99),
        times.len()
    );
}

fn main() {
    let profile = if cfg!(debug_assertions) { "debug" } else { "optimised" };
    println!("ui_frames ({profile} build), 1280x800, CPU time per frame incl. tessellation");

    let (mut traffic_app, tx) = app(View::Traffic);
    let load = Instant::now();
    for i in 0..100_000 {
        traffic_app.state.apply(Event::TrafficRecorded(traffic_entry(i)));
    }
    println!("{:<44} {:>7.2} ms", "apply 100,000 TrafficRecorded", load.elapsed().as_secs_f64() * 1e3);
    let (first, times) = measure(&mut traffic_app, |_| {});
    report("traffic, 100,000 entries, idle", first, &times);
    let mut n = 100_000;
    let (first, times) = measure(&mut traffic_app, |_| {
        tx.send(Event::TrafficRecorded(traffic_entry(n))).unwrap();
        n += 1;
    });
    report("traffic, 100,000 entries, +1 entry per frame", first, &times);
    let mut filter = traffic_app.views.traffic.rows().filter().clone();
    filter.text = "cust-7".into();
    let start = Instant::now();
    traffic_app.views.traffic.set_filter(filter, &traffic_app.state.traffic);
    println!(
        "{:<44} {:>7.2} ms ({} rows match)",
        "refilter 100,000 entries by text",
        start.elapsed().as_secs_f64() * 1e3,
        traffic_app.views.traffic.rows().len()
    );
    let (first, times) = measure(&mut traffic_app, |_| {});
    report("traffic, 100,000 entries, filtered", first, &times);

    let (mut chat_app, tx) = app(View::Chats);
    for i in 0..5_000 {
        chat_app.state.apply(Event::ChatMessageAdded(chat_message(i)));
    }
    chat_app.views.chat.select_thread(Some(genesys_desk::model::ThreadKey::new("Emulator", "cust-1")));
    let (first, times) = measure(&mut chat_app, |_| {});
    report("chat, 5,000 messages, idle", first, &times);
    let mut n = 5_000;
    let (first, times) = measure(&mut chat_app, |_| {
        tx.send(Event::ChatMessageAdded(chat_message(n))).unwrap();
        n += 1;
    });
    report("chat, 5,000 messages, +1 message per frame", first, &times);
}
