//! `genesys-desk send --follow` end to end: the real binary against an emulator
//! child process, over loopback. The follow prints the agent's reply (from the
//! listener it starts) and the presence events (from the notifications socket)
//! and exits 0; with no reply it exits 1 and says where the webhook must point;
//! `--image PATH --follow` serves the file from the listener.
//!
//! The emulator's webhook URL is fixed when it starts and the send starts its
//! listener itself, so the test reserves a free port (bind 127.0.0.1:0, read,
//! drop) and passes it to both. Another process could take the port in between;
//! the send then fails with "cannot listen on", and the test retries on a new
//! port, which makes the race harmless.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly at the first surprise")]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use genesys_desk::config::defaults::{
    EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, EMULATOR_INTEGRATION_ID, EMULATOR_WEBHOOK_SECRET,
};

const BIN: &str = env!("CARGO_BIN_EXE_genesys-desk");

fn command(home: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("GENESYS_DESK_HOME", home)
        .env("GENESYS_DESK_SECRET_STORE", "file")
        .env("GENESYS_CLIENT_SECRET", EMULATOR_CLIENT_SECRET)
        .env("GENESYS_WEBHOOK_SECRET", EMULATOR_WEBHOOK_SECRET)
        .env_remove("RUST_LOG");
    cmd
}

/// An emulator child process, killed on drop.
struct Emulator {
    child: Child,
    url: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The child's stdout, line by line, read on a thread (waits use `recv_timeout`).
fn stdout_lines(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in stdout.lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    rx
}

fn start_emulator(home: &Path, webhook: &str) -> Emulator {
    start_emulator_with(home, webhook, &[]).0
}

/// An emulator child with extra arguments, and its stdout (the request log) after the first line.
fn start_emulator_with(home: &Path, webhook: &str, extra: &[&str]) -> (Emulator, mpsc::Receiver<String>) {
    let mut child = command(home)
        .args(["emulator", "--bind", "127.0.0.1:0", "--webhook", webhook])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Keeps draining the emulator's request log so it never blocks on a full pipe.
    let rx = stdout_lines(&mut child);
    let first = rx.recv_timeout(Duration::from_secs(20)).expect("the emulator's first line");
    let url = first.strip_prefix("emulator listening on ").unwrap_or_else(|| panic!("first line: {first:?}"));
    (Emulator { url: url.to_string(), child }, rx)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn send(home: &Path, emulator: &str, listen: &str, extra: &[&str]) -> Output {
    command(home)
        .args(["send", "--host", emulator, "--client-id", EMULATOR_CLIENT_ID, "--integration-id"])
        .arg(EMULATOR_INTEGRATION_ID)
        .args(["--email", "jane@example.com", "--name", "Jane Doe", "--follow", "--listen", listen])
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Emulator posting to a reserved port + `send --follow` listening on it (retried on a lost port).
fn follow_against_emulator(home: &Path, extra: &[&str]) -> (Output, Emulator) {
    for _ in 0..3 {
        let port = free_port();
        let emulator = start_emulator(home, &format!("http://127.0.0.1:{port}/hooks/Emulator"));
        let output = send(home, &emulator.url, &format!("127.0.0.1:{port}"), extra);
        if String::from_utf8_lossy(&output.stderr).contains("cannot listen on") {
            continue;
        }
        return (output, emulator);
    }
    panic!("could not get a free listener port three times");
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Byte offset of `needle` in `haystack`, failing with the whole output.
fn at(haystack: &str, needle: &str) -> usize {
    haystack.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the output:\n{haystack}"))
}

#[test]
fn follow_prints_the_reply_and_presence_events_then_exits_0() {
    let home = tempfile::tempdir().unwrap();
    let (output, _emulator) = follow_against_emulator(home.path(), &["--text", "Hello, bye", "--timeout", "30"]);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");

    assert!(stdout.starts_with("listening on http://127.0.0.1:"), "{stdout}");
    assert!(stdout.contains("webhook URL:"), "{stdout}");
    let sent = at(&stdout, "conversation id: ");
    let queued = at(&stdout, "Queued");
    let joined = at(&stdout, "Agent emulator-agent-0001 joined");
    let typing = at(&stdout, "agent is typing [signature valid]");
    let reply = at(&stdout, "agent: \"Thanks Jane Doe, glad I could help. Goodbye!\" [signature valid]");
    let left = at(&stdout, "Agent emulator-agent-0001 left");
    let wrap_up = at(&stdout, "Wrap-up: Resolved (");
    assert!(sent < queued && queued < joined && joined < reply && reply < left && left < wrap_up, "{stdout}");
    assert!(typing < reply, "{stdout}");
    assert!(stdout.trim_end().ends_with("conversation wrapped up; 1 agent reply"), "{stdout}");
    assert!(!stdout.contains(EMULATOR_WEBHOOK_SECRET) && !stderr.contains(EMULATOR_CLIENT_SECRET));

    // The listener kept what it received in this home's history.
    let paths = genesys_desk::config::Paths::resolve(Some(home.path())).unwrap();
    assert!(paths.history_db().is_file(), "no history at {}", paths.history_db().display());
}

#[test]
fn follow_json_prints_one_typed_object_per_line() {
    let home = tempfile::tempdir().unwrap();
    let (output, _emulator) =
        follow_against_emulator(home.path(), &["--text", "Thanks, bye", "--timeout", "30", "--json"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "stdout:\n{stdout}\nstderr:\n{}", text(&output.stderr));
    let lines: Vec<serde_json::Value> =
        stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}"))).collect();
    let types: Vec<&str> = lines.iter().map(|v| v["type"].as_str().expect("a type field")).collect();
    assert_eq!(types.first(), Some(&"listening"));
    assert_eq!(types.get(1), Some(&"sent"));
    assert_eq!(types.last(), Some(&"end"));
    let conversation = lines[1]["conversationId"].as_str().unwrap();
    let reply = lines.iter().find(|v| v["type"] == "delivery" && v["kind"] == "text").expect("a text delivery");
    assert_eq!(reply["verdict"], "valid");
    assert_eq!(reply["conversation_id"], conversation);
    let events: Vec<&str> =
        lines.iter().filter(|v| v["type"] == "presence").map(|v| v["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["queued", "agent_joined", "agent_left", "customer_left", "wrap_up"]);
    assert_eq!(lines.last().unwrap()["reason"], "wrap-up");
    assert_eq!(lines.last().unwrap()["agent_replies"], 1);
}

#[test]
fn follow_exits_1_when_no_reply_reaches_the_listener() {
    let home = tempfile::tempdir().unwrap();
    // The integration's webhook points at a port nobody listens on.
    let emulator = start_emulator(home.path(), &format!("http://127.0.0.1:{}/hooks/Emulator", free_port()));
    let started = std::time::Instant::now();
    let output = send(home.path(), &emulator.url, "127.0.0.1:0", &["--text", "Hello", "--timeout", "3"]);
    let stdout = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(started.elapsed() >= Duration::from_secs(3));
    assert!(stderr.contains("no agent reply within 3 s"), "{stderr}");
    assert!(stderr.contains("webhook URL points at this listener: http://127.0.0.1:"), "{stderr}");
    // Presence still came through the socket; only the webhook was missing.
    assert!(stdout.contains("Agent emulator-agent-0001 joined"), "{stdout}");
    assert!(!stdout.contains("agent: "), "{stdout}");
}

#[test]
fn follow_serves_a_local_image_and_prints_the_agents_image() {
    let home = tempfile::tempdir().unwrap();
    let image = home.path().join("photo.png");
    std::fs::write(&image, b"\x89PNG\r\n\x1a\n not really a png").unwrap();
    let (output, _emulator) = follow_against_emulator(
        home.path(),
        &["--text", "Here is a photo, bye", "--image", image.to_str().unwrap(), "--timeout", "30"],
    );
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "stdout:\n{stdout}\nstderr:\n{}", text(&output.stderr));
    let listen = stdout.lines().next().unwrap().strip_prefix("listening on ").unwrap().to_string();
    // Sent as a URL of the local listener (the emulator is a custom host).
    let sent = at(&stdout, &format!("image URL:       {listen}/media/"));
    let reply = at(&stdout, "agent: \"Thanks Jane Doe, glad I could help. Goodbye!\"");
    let agent_image = at(&stdout, "agent: [image ");
    assert!(sent < reply && reply < agent_image, "{stdout}");
    assert!(stdout[agent_image..].lines().next().unwrap().contains("/api/v2/downloads/"), "{stdout}");
    assert!(stdout.trim_end().ends_with("2 agent replies"), "{stdout}");
}

#[test]
fn local_image_and_follow_options_need_follow() {
    let home = tempfile::tempdir().unwrap();
    let image = home.path().join("photo.png");
    std::fs::write(&image, b"png").unwrap();
    let base = ["send", "--host", "http://127.0.0.1:9", "--client-id", EMULATOR_CLIENT_ID, "--integration-id"];
    let output = command(home.path())
        .args(base)
        .args([EMULATOR_INTEGRATION_ID, "--email", "jane@example.com", "--text", "hi", "--image"])
        .arg(&image)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("is a local file") && stderr.contains("--follow"), "{stderr}");

    let output = command(home.path())
        .args(base)
        .args([EMULATOR_INTEGRATION_ID, "--email", "jane@example.com", "--text", "hi", "--timeout", "3"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));

    let output = command(home.path())
        .args(base)
        .args([EMULATOR_INTEGRATION_ID, "--email", "jane@example.com", "--text", "hi", "--follow", "--image"])
        .arg(home.path().join("missing.png"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("no such file"), "{}", text(&output.stderr));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_following_cleanly() {
    let home = tempfile::tempdir().unwrap();
    let emulator = start_emulator(home.path(), &format!("http://127.0.0.1:{}/hooks/Emulator", free_port()));
    let mut child = command(home.path())
        .args(["send", "--host", &emulator.url, "--client-id", EMULATOR_CLIENT_ID, "--integration-id"])
        .arg(EMULATOR_INTEGRATION_ID)
        .args(["--email", "jane@example.com", "--text", "Hello", "--follow", "--listen", "127.0.0.1:0"])
        .args(["--timeout", "60"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = stdout_lines(&mut child);
    let mut seen = Vec::new();
    while !seen.iter().any(|l: &String| l.starts_with("conversation id: ")) {
        seen.push(rx.recv_timeout(Duration::from_secs(20)).unwrap_or_else(|_| panic!("no send line: {seen:?}")));
    }
    // SIGINT is what Ctrl-C sends.
    let signalled = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(signalled.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "send --follow did not stop on SIGINT");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(1));
    let rest: Vec<String> = rx.iter().collect();
    assert!(rest.iter().any(|l| l.starts_with("stopped (interrupted)")), "{rest:?}");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("stopped before an agent reply arrived"), "{stderr}");
}

#[test]
fn follow_names_a_withheld_permission_and_makes_no_more_channels() {
    let home = tempfile::tempdir().unwrap();
    let webhook = format!("http://127.0.0.1:{}/hooks/Emulator", free_port());
    let (emulator, log) = start_emulator_with(home.path(), &webhook, &["--withhold-detail-permission"]);
    let output = send(home.path(), &emulator.url, "127.0.0.1:0", &["--text", "hi", "--timeout", "4"]);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("analytics:conversationDetail:view"), "the permission is named:\n{stderr}");
    assert!(!stderr.contains("Permission  missing"), "{stderr}");
    drop(emulator);
    let requests: Vec<String> = log.iter().collect();
    let channels = requests.iter().filter(|l| l.starts_with("POST /api/v2/notifications/channels ")).count();
    assert_eq!(channels, 1, "one channel for the whole run:\n{}", requests.join("\n"));
    assert!(
        requests.iter().any(|l| l.contains("/subscriptions?ignoreErrors=true -> 200")),
        "subscribed with ignoreErrors:\n{}",
        requests.join("\n")
    );
}

#[test]
fn follow_numbers_a_menus_options_and_reply_with_answers_one() {
    let home = tempfile::tempdir().unwrap();
    let (output, _emulator) =
        follow_against_emulator(home.path(), &["--text", "menu", "--reply-with", "2", "--timeout", "4"]);
    let stdout = text(&output.stdout);
    assert!(stdout.contains("  1. \"Track my order\" (QuickReply, payload \"track\")"), "{stdout}");
    let picked = at(&stdout, "customer picks 2: Return an item");
    let answered = at(&stdout, "You wrote: \\\"Return an item\\\"");
    assert!(picked < answered, "the agent answers the pick:\n{stdout}");
}
