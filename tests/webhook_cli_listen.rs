//! `genesys-desk listen` as a child process: first line, `--json` lines with
//! exactly the README's fields, retries as attempts, SIGTERM stops it cleanly,
//! control characters from a request never reach the terminal raw.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "a test fails loudly at the first surprise")]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use genesys_desk::config::Paths;
use genesys_desk::storage::Db;
use genesys_desk::webhook::signature::sign;

const SECRET: &str = "cli-secret";
const TEXT: &[u8] = include_bytes!("webhook_samples/outbound-text.json");

fn post(base: &str, path: &str, body: &[u8], signature: &str) -> u16 {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        reqwest::Client::builder()
            .no_proxy()
            .build()
            .unwrap()
            .post(format!("{base}{path}"))
            .header("X-Hub-Signature-256", signature)
            .body(body.to_vec())
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    })
}

fn line(rx: &mpsc::Receiver<String>) -> String {
    rx.recv_timeout(Duration::from_secs(20)).expect("a line from listen")
}

#[test]
fn listen_prints_json_lines_and_stops_on_sigterm() {
    let home = tempfile::tempdir().unwrap();
    let (mut child, base, rx) = spawn_listen(home.path(), &["--json"]);

    assert_eq!(post(&base, "/hooks/acme%20dev", TEXT, &sign(SECRET, TEXT)), 200);
    let v: serde_json::Value = serde_json::from_str(&line(&rx)).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "account",
            "attachments",
            "attempt",
            "conversation_id",
            "customer_id",
            "id",
            "kind",
            "received_at",
            "status",
            "text",
            "verdict"
        ]
    );
    assert_eq!(v["account"], "Acme Dev");
    assert_eq!(v["status"], 200);
    assert_eq!(v["verdict"], "valid");
    assert_eq!(v["kind"], "text");
    assert_eq!(v["customer_id"], "test-customer-0001");
    assert_eq!(v["conversation_id"], "d06cb41e-f938-4dcf-b823-c8af1a39d7e5");
    assert_eq!(v["text"], "Hi, this is the agent. How can I help?");
    assert_eq!(v["id"], "c327c2078ca056db130c55ce648d9fa2");
    assert_eq!(v["attempt"], 1);

    assert_eq!(post(&base, "/hooks/Acme%20Dev", TEXT, &sign(SECRET, TEXT)), 200);
    let retry: serde_json::Value = serde_json::from_str(&line(&rx)).unwrap();
    assert_eq!(retry["attempt"], 2);

    assert_eq!(post(&base, "/hooks/Acme%20Dev", TEXT, &sign("wrong", TEXT)), 401);
    let rejected: serde_json::Value = serde_json::from_str(&line(&rx)).unwrap();
    assert_eq!((rejected["status"].as_u64(), rejected["verdict"].as_str()), (Some(401), Some("invalid")));
    assert_eq!(post(&base, "/hooks/Other", TEXT, &sign(SECRET, TEXT)), 404);

    // SIGTERM: a clean stop with exit code 0.
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < deadline, "listen did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status:?}");

    let db = Db::open(&Paths::under(home.path()).history_db()).unwrap();
    assert_eq!(db.list_messages("Acme Dev", "test-customer-0001").unwrap().len(), 1);
    assert_eq!(db.count_traffic(&Default::default()).unwrap(), 4);
}

#[test]
fn listen_usage_errors_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_genesys-desk"))
        .arg("--home")
        .arg(home.path())
        .args(["listen", "--bind", "127.0.0.1:0", "--secret-env", "GD_SURELY_UNSET_VAR_42"])
        .env_remove("GD_SURELY_UNSET_VAR_42")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("GD_SURELY_UNSET_VAR_42"));

    let out = Command::new(env!("CARGO_BIN_EXE_genesys-desk"))
        .arg("--home")
        .arg(home.path())
        .args(["listen", "--bind", "nonsense", "--secret-env", "PATH"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--bind"));
}

/// `genesys-desk listen` for "Acme Dev" on a free loopback port, `extra` args added.
fn listen_command(program: &mut Command, home: &std::path::Path, extra: &[&str]) {
    program
        .arg("--home")
        .arg(home)
        .args(["listen", "--bind", "127.0.0.1:0", "--secret-env", "GD_CLI_SECRET", "Acme Dev"])
        .args(extra)
        .env("GD_CLI_SECRET", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
}

/// Spawns the prepared `listen` and returns the child, its base URL and its stdout lines.
fn spawn(mut command: Command) -> (std::process::Child, String, mpsc::Receiver<String>) {
    let mut child = command.spawn().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for l in stdout.lines().map_while(Result::ok) {
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    let first = line(&rx);
    let base = first.strip_prefix("listening on http://127.0.0.1:").map(|port| format!("http://127.0.0.1:{port}"));
    let base = base.unwrap_or_else(|| panic!("first line: {first:?}"));
    (child, base, rx)
}

/// Starts `genesys-desk listen` for "Acme Dev" (`extra` args added).
fn spawn_listen(home: &std::path::Path, extra: &[&str]) -> (std::process::Child, String, mpsc::Receiver<String>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_genesys-desk"));
    listen_command(&mut command, home, extra);
    spawn(command)
}

const EVIL_PATH: &str = "/hooks/evil%0Aforged%1B%5B31m%C2%9B";

#[test]
fn listen_escapes_control_characters_from_the_request() {
    let home = tempfile::tempdir().unwrap();
    let (mut child, base, rx) = spawn_listen(home.path(), &[]);
    assert_eq!(post(&base, EVIL_PATH, TEXT, &sign(SECRET, TEXT)), 404);
    let printed = line(&rx);
    assert!(printed.contains("evil") && printed.contains("forged"), "a newline split the line: {printed:?}");
    assert!(!printed.contains('\u{1b}'), "an ESC reached the terminal: {printed:?}");
    assert!(!printed.chars().any(char::is_control), "a control character reached the terminal: {printed:?}");
    // The next line is the next delivery, not a forged one.
    assert_eq!(post(&base, "/hooks/acme%20dev", TEXT, &sign(SECRET, TEXT)), 200);
    let next = line(&rx);
    assert!(next.contains(" 200 valid Acme Dev "), "{next:?}");
    child.kill().unwrap();
    child.wait().unwrap();

    // --json keeps the account as it came, escaped by JSON.
    let (mut child, base, rx) = spawn_listen(home.path(), &["--json"]);
    assert_eq!(post(&base, EVIL_PATH, TEXT, &sign(SECRET, TEXT)), 404);
    let printed = line(&rx);
    let v: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(v["account"], "evil\nforged\u{1b}[31m\u{9b}");
    assert!(!printed.contains('\u{1b}'), "{printed:?}");
    child.kill().unwrap();
    child.wait().unwrap();
}

/// `listen` under a 256 open-files limit: 300 idle sockets fill the connection
/// cap (below the limit), are closed by the header timeout (10 s), and a real
/// delivery is then answered instead of the listener failing to accept.
#[cfg(target_os = "linux")]
#[test]
fn listen_survives_more_idle_sockets_than_open_files() {
    let home = tempfile::tempdir().unwrap();
    let mut command = Command::new("sh");
    command.arg("-c").arg("ulimit -n 256 && exec \"$0\" \"$@\"").arg(env!("CARGO_BIN_EXE_genesys-desk"));
    listen_command(&mut command, home.path(), &[]);
    let (mut child, base, _lines) = spawn(command);
    let addr = base.trim_start_matches("http://").to_string();
    let idle: Vec<std::net::TcpStream> = (0..300).map(|_| std::net::TcpStream::connect(&addr).unwrap()).collect();

    let (answered, answer) = mpsc::channel();
    std::thread::spawn(move || {
        // Panics (and so sends nothing) if the child is killed before it answers.
        let _ = answered.send(post(&base, "/hooks/acme%20dev", TEXT, &sign(SECRET, TEXT)));
    });
    let status = answer.recv_timeout(Duration::from_secs(40)).ok();
    child.kill().unwrap();
    child.wait().unwrap();
    drop(idle);
    assert_eq!(status, Some(200), "the delivery was not answered while idle sockets held the listener");
}

#[test]
fn listen_fault_fails_the_first_attempt_then_accepts_the_retry() {
    let home = tempfile::tempdir().unwrap();
    let (mut child, base, rx) = spawn_listen(home.path(), &["--fault", "fail-first:1"]);
    let signature = sign(SECRET, TEXT);
    assert_eq!(post(&base, "/hooks/acme%20dev", TEXT, &signature), 503);
    assert!(line(&rx).contains(" 503 valid "), "the failed attempt is printed with its answer");
    assert_eq!(post(&base, "/hooks/acme%20dev", TEXT, &signature), 200, "Genesys' retry is accepted");
    assert!(line(&rx).contains("(attempt 2, duplicate)"));
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn a_bad_fault_mode_is_a_usage_error_naming_the_flag() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_genesys-desk"))
        .arg("--home")
        .arg(home.path())
        .args(["listen", "--secret-env", "GD_CLI_SECRET", "--fault", "200"])
        .env("GD_CLI_SECRET", SECRET)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--fault: fault \"200\""));
}
