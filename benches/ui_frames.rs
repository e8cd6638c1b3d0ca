//! Frame-time benchmark of the real views without a GPU: a bare
//! `egui::Context` runs the App's `show` and tessellates, as eframe would
//! before painting. Prints median and p99 CPU time per frame.
//!
//! Run: `cargo bench --bench ui_frames` (budget: p99 < 4 ms, median < 2 ms per
//! frame, on a 2-core machine). The last line times the release binary from
//! start to its first frame under the X display (DISPLAY, or an Xvfb it starts).
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

/// A quick-reply menu and a card, as the emulator's agent sends them.
const MENU: &str = r#"{"id":"m","type":"Structured","text":"How can I help you?","content":[
    {"contentType":"QuickReply","quickReply":{"text":"Track my order","payload":"track"}},
    {"contentType":"QuickReply","quickReply":{"text":"Return an item","payload":"return"}},
    {"contentType":"Card","card":{"title":"blue kettle","description":"1.7 l, steel","actions":[
        {"type":"Postback","text":"Choose blue kettle","payload":"kettle-blue"},
        {"type":"Link","text":"Details","url":"https://example.com/products"}]}}]}"#;

/// Every 5th message an image, every 7th a structured menu with a card, the rest text.
fn rich_message(i: usize, image: &str) -> ChatMessage {
    let mut msg = chat_message(i);
    if i.is_multiple_of(5) {
        msg.attachments = vec![genesys_desk::model::Attachment {
            media_type: "Image".into(),
            url: format!("http://127.0.0.1:8787/media/{i}"),
            mime: "image/png".into(),
            filename: Some("agent.png".into()),
            local_path: Some(image.to_string()),
        }];
    } else if i.is_multiple_of(7) {
        msg.sender = Sender::Agent;
        msg.kind = MessageKind::Structured;
        msg.raw = Some(MENU.replace("\"m\"", &format!("\"m-{i}\"")));
    }
    msg
}

fn run_rows(frame: usize) -> Vec<genesys_desk::scenario::live::CustomerRow> {
    use genesys_desk::scenario::live::{CustomerRow, RowState};
    (0..500)
        .map(|n| {
            let done = n < frame;
            CustomerRow {
                n,
                customer_id: format!("gd-bench-{n}"),
                state: if done {
                    RowState::Passed
                } else if n < frame + 100 {
                    RowState::Running
                } else {
                    RowState::Queued
                },
                step: if done { 6 } else { (n + frame) % 6 + 1 },
                step_name: "expect agent reply",
                took_ms: (n * 37 + frame * 16) as u64 % 9_000,
                reason: String::new(),
                agent_joined_ms: done.then_some(150.0 + (n % 40) as f64),
                first_reply_ms: done.then_some(120.0 + (n % 30) as f64),
            }
        })
        .collect()
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
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    println!("ui_frames ({profile} build, {cores} cores), 1280x800, CPU time per frame incl. tessellation");
    traffic_cases();
    chat_cases();
    rich_chat_cases();
    runs_case();
    startup_case();
}

fn traffic_cases() {
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
}

fn chat_cases() {
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

/// Text, images (decoded once, then from egui's texture cache) and structured cards.
fn rich_chat_cases() {
    let image = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/emulator/agent.png");
    let (mut chat_app, tx) = app(View::Chats);
    for i in 0..5_000 {
        chat_app.state.apply(Event::ChatMessageAdded(rich_message(i, image)));
    }
    chat_app.views.chat.select_thread(Some(genesys_desk::model::ThreadKey::new("Emulator", "cust-1")));
    let (first, times) = measure(&mut chat_app, |_| {});
    report("rich chat, 5,000 messages, idle", first, &times);
    let mut n = 5_000;
    let (first, times) = measure(&mut chat_app, |_| {
        tx.send(Event::ChatMessageAdded(rich_message(n, image))).unwrap();
        n += 1;
    });
    report("rich chat, 5,000 messages, +1 message per frame", first, &times);
}

fn runs_case() {
    let (mut runs_app, tx) = app(View::Runs);
    let run_id = "bench-run".to_string();
    runs_app.apply(Event::RunStarted {
        run_id: run_id.clone(),
        scenario: "damaged".into(),
        path: "scenarios/damaged.yaml".into(),
        customers: 500,
    });
    let mut frame = 0;
    let (first, times) = measure(&mut runs_app, |_| {
        frame += 1;
        let rows = run_rows(frame);
        let passed = rows.iter().filter(|r| r.first_reply_ms.is_some()).count();
        let progress = genesys_desk::scenario::run::RunProgress {
            total: 500,
            passed,
            failed: 0,
            errors: 0,
            running: 500 - passed,
        };
        tx.send(Event::RunUpdate { run_id: run_id.clone(), progress, rows }).unwrap();
    });
    report("runs, 500 customers, all updated every frame", first, &times);
}

/// The release binary from its start to the first frame it drew (its own
/// log line), 5 times; skipped without a display or Xvfb.
fn startup_case() {
    let Some((display, _xvfb)) = display() else {
        println!("{:<44} skipped: no DISPLAY and no Xvfb", "start-up to first frame");
        return;
    };
    let mut times = Vec::new();
    for _ in 0..5 {
        if let Some(t) = first_frame(&display) {
            times.push(t);
        }
    }
    times.sort();
    match (times.first(), times.get(times.len() / 2), times.last()) {
        (Some(min), Some(median), Some(max)) => println!(
            "{:<44} median {:>7.1} ms   min {:.1} ms   max {:.1} ms   ({} runs, from spawn)",
            "start-up to first frame (this build)",
            median.as_secs_f64() * 1e3,
            min.as_secs_f64() * 1e3,
            max.as_secs_f64() * 1e3,
            times.len()
        ),
        _ => println!("{:<44} failed: no first frame logged", "start-up to first frame"),
    }
}

/// Kills the Xvfb this bench started.
struct Xvfb(std::process::Child);

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn display() -> Option<(String, Option<Xvfb>)> {
    if let Ok(display) = std::env::var("DISPLAY") {
        return Some((display, None));
    }
    let child = std::process::Command::new("Xvfb")
        .args([":97", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    std::thread::sleep(Duration::from_millis(800));
    Some((":97".into(), Some(Xvfb(child))))
}

fn first_frame(display: &str) -> Option<Duration> {
    use std::io::BufRead as _;
    let home = tempfile::tempdir().ok()?;
    let started = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_genesys-desk"))
        .arg("--home")
        .arg(home.path())
        .env("DISPLAY", display)
        .env("GENESYS_DESK_LOG", "genesys_desk=info")
        .env("GENESYS_DESK_SECRET_STORE", "file")
        .env_remove("WAYLAND_DISPLAY")
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let stderr = std::io::BufReader::new(child.stderr.take()?);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        if stderr.lines().map_while(Result::ok).any(|line| line.contains("first frame drawn")) {
            let _ = tx.send(started.elapsed());
        }
    });
    let found = rx.recv_timeout(Duration::from_secs(30)).ok();
    let _ = child.kill();
    let _ = child.wait();
    found
}
