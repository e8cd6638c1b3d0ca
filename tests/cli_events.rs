//! `accounts set-events`: the switch is stored alone, listed, and a listener
//! started afterwards answers the account's deliveries 404.
#![expect(clippy::unwrap_used, reason = "a test fails loudly at the first surprise")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Output, Stdio};

use genesys_desk::webhook::signature::sign;

const WEBHOOK_SECRET: &str = "cli-events-webhook-secret-51d2e8";
const TEXT: &[u8] = include_bytes!("webhook_samples/outbound-text.json");

fn cmd(home: &std::path::Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_genesys-desk"));
    cmd.args(args)
        .env("GENESYS_DESK_HOME", home)
        .env("GENESYS_DESK_SECRET_STORE", "file")
        .env("GENESYS_CLIENT_SECRET", "cli-events-client-secret")
        .env("GENESYS_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .stdin(Stdio::null());
    cmd
}

fn run(home: &std::path::Path, args: &[&str]) -> Output {
    let out = cmd(home, args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// A home with "Acme Dev" (events switched off) beside the Emulator account.
fn home_with_events_off() -> tempfile::TempDir {
    let home = tempfile::tempdir().unwrap();
    run(
        home.path(),
        &[
            "accounts",
            "add",
            "Acme Dev",
            "--host",
            "mypurecloud.ie",
            "--client-id",
            "6f1c2b9e-3d4a-4c5b-9e8f-0a1b2c3d4e5f",
            "--integration-id",
            "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        ],
    );
    let out = run(home.path(), &["accounts", "set-events", "acme dev", "off"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("no longer receives events"));
    home
}

#[test]
fn set_events_off_is_listed_and_changes_only_that_account() {
    let home = home_with_events_off();
    let out = run(home.path(), &["accounts", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let receive = |name: &str| {
        list["accounts"].as_array().unwrap().iter().find(|a| a["name"] == name).unwrap()["receive_events"].clone()
    };
    assert_eq!(receive("Acme Dev"), false);
    assert_eq!(receive("Emulator"), true);
    assert_eq!(list["accounts"][1]["webhook_secret_set"], true, "the secret is kept");
    let missing = cmd(home.path(), &["accounts", "set-events", "Nobody", "on"]).output().unwrap();
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("Nobody"));
}

#[test]
fn a_listener_answers_404_for_an_account_with_events_off() {
    let home = home_with_events_off();
    let mut child = cmd(home.path(), &["listen", "Acme Dev", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let addr = first.trim().trim_start_matches("listening on http://").to_string();

    let mut stream = TcpStream::connect(&addr).unwrap();
    let head = format!(
        "POST /hooks/Acme%20Dev HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         X-Hub-Signature-256: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        sign(WEBHOOK_SECRET, TEXT),
        TEXT.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(TEXT).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    assert!(answer.contains("switched off"), "{answer}");
}
