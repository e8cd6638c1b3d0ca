//! The CLI end to end: `genesys-desk emulator --bind 127.0.0.1:0` as a child
//! process, then `verify --json` (exit 0 / 1) and `send --json` against it.
#![expect(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

use genesys_desk::config::defaults;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_genesys-desk");

/// The emulator child; killed on drop.
struct EmulatorChild {
    child: Child,
    url: String,
    _home: tempfile::TempDir,
}

impl Drop for EmulatorChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_emulator_child() -> EmulatorChild {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["--home", home.path().to_str().unwrap(), "emulator", "--bind", "127.0.0.1:0"])
        .env_remove("GENESYS_CLIENT_SECRET")
        .env_remove("GENESYS_WEBHOOK_SECRET")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a first line").unwrap();
    let url = first.strip_prefix("emulator listening on ").unwrap_or_else(|| panic!("first line: {first}")).to_string();
    let mut banner = Vec::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.starts_with("Press Ctrl-C") {
            break;
        }
        banner.push(line);
    }
    let banner = banner.join("\n");
    assert!(banner.contains(defaults::EMULATOR_CLIENT_ID), "{banner}");
    assert!(banner.contains(defaults::EMULATOR_INTEGRATION_ID), "{banner}");
    assert!(banner.contains(defaults::EMULATOR_WEBHOOK_URL), "{banner}");
    assert!(banner.contains(defaults::EMULATOR_CLIENT_SECRET), "defaults are printed: {banner}");
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    EmulatorChild { child, url, _home: home }
}

fn cli(home: &std::path::Path, secret: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--home")
        .arg(home)
        .args(args)
        .env("GENESYS_CLIENT_SECRET", secret)
        .env_remove("GENESYS_WEBHOOK_SECRET")
        .output()
        .unwrap()
}

fn explicit<'a>(url: &'a str, head: &[&'a str]) -> Vec<&'a str> {
    let mut v = head.to_vec();
    v.extend([
        "--host",
        url,
        "--client-id",
        defaults::EMULATOR_CLIENT_ID,
        "--integration-id",
        defaults::EMULATOR_INTEGRATION_ID,
    ]);
    v
}

#[test]
fn verify_json_exits_0_when_ok_and_1_when_a_check_fails() {
    let emu = start_emulator_child();
    let home = tempfile::tempdir().unwrap();

    let out = cli(home.path(), defaults::EMULATOR_CLIENT_SECRET, &explicit(&emu.url, &["verify", "--json", "--send"]));
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true);
    let ids: Vec<&str> = v["checks"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    // The original six keep their ids and order; the setup doctor's follow.
    let doctor = ["integration-status", "route", "typing", "content", "threading", "permissions"];
    assert_eq!(ids, [["host", "token", "integration", "webhook", "secret", "send"], doctor].concat());
    for c in v["checks"].as_array().unwrap() {
        assert!(c["message"].is_string() && c["hint"].is_string() && c["status"].is_string());
    }
    assert_eq!(v["checks"][5]["status"], "pass");

    let out = cli(home.path(), "wrong-secret", &explicit(&emu.url, &["verify", "--json"]));
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["checks"][1]["status"], "fail");
    assert!(v["checks"][1]["message"].as_str().unwrap().contains("client secret"));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("wrong-secret"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("verify failed: token"));
}

#[test]
fn send_json_prints_message_and_conversation_ids() {
    let emu = start_emulator_child();
    let home = tempfile::tempdir().unwrap();
    let args = explicit(
        &emu.url,
        &[
            "send",
            "--json",
            "--email",
            "jane@example.com",
            "--name",
            "Jane Public",
            "--mobile",
            "+44 7700 900123",
            "--query",
            "Where is my order?",
            "--priority",
            "urgent!",
            "--attr",
            "orderId=42",
            "--image",
            "https://tunnel.example.com/media/a.png",
        ],
    );
    let out = cli(home.path(), defaults::EMULATOR_CLIENT_SECRET, &args);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["messageId"].as_str().unwrap().len(), 32);
    assert_eq!(v["conversationId"].as_str().unwrap().len(), 36);
    assert_eq!(v["customerId"], "jane@example.com");
    assert_eq!(v["customAttributes"]["priority"], "URGENT");

    // Text output names both ids.
    let mut text_args = args.clone();
    text_args.retain(|a| *a != "--json");
    let out = cli(home.path(), defaults::EMULATOR_CLIENT_SECRET, &text_args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("message id:") && stdout.contains("conversation id:"), "{stdout}");
}

#[test]
fn send_usage_errors_exit_2() {
    let home = tempfile::tempdir().unwrap();
    let url = "http://127.0.0.1:9";
    let out = cli(home.path(), "x", &explicit(url, &["send", "--email", "not-an-email", "--text", "hi"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Email \"not-an-email\""));

    let out =
        cli(home.path(), "x", &explicit(url, &["send", "--email", "a@b.co", "--text", "hi", "--image", "./a.png"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("public URL"));

    let out = Command::new(BIN)
        .arg("--home")
        .arg(home.path())
        .args(explicit(url, &["verify"]))
        .env_remove("GENESYS_CLIENT_SECRET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("GENESYS_CLIENT_SECRET"));
}

#[test]
fn verify_a_stored_account_by_name() {
    let emulator = start_emulator_child();
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .arg("--home")
            .arg(home.path())
            .args(args)
            .env("GENESYS_DESK_SECRET_STORE", "file")
            .env("GENESYS_CLIENT_SECRET", defaults::EMULATOR_CLIENT_SECRET)
            .env("GENESYS_WEBHOOK_SECRET", defaults::EMULATOR_WEBHOOK_SECRET)
            .output()
            .unwrap()
    };
    let added = run(&[
        "accounts",
        "add",
        "Local Emulator",
        "--host",
        &emulator.url,
        "--client-id",
        defaults::EMULATOR_CLIENT_ID,
        "--integration-id",
        defaults::EMULATOR_INTEGRATION_ID,
    ]);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    // The secrets come from the store now, not from the environment.
    let out = Command::new(BIN)
        .arg("--home")
        .arg(home.path())
        .args(["verify", "local emulator", "--json"])
        .env("GENESYS_DESK_SECRET_STORE", "file")
        .env_remove("GENESYS_CLIENT_SECRET")
        .env_remove("GENESYS_WEBHOOK_SECRET")
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert_eq!(report["ok"], true);
    let secret = report["checks"].as_array().unwrap().iter().find(|c| c["id"] == "secret").unwrap().clone();
    assert_eq!(secret["status"], "pass", "the stored webhook secret matches the emulator's: {secret}");
}
