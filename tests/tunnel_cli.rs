//! `listen --tunnel`: a stand-in `cloudflared` on PATH prints its URL the way
//! the real one does (no network here); the listener prints it, and the
//! child ends with the listener. With stored accounts the URL becomes their
//! public webhook base and `--point-webhook` points the integration at it,
//! then back when the listener stops.
#![expect(clippy::unwrap_used, reason = "a test fails loudly at the first surprise")]

mod support;

use genesys_desk::config::defaults;
use genesys_desk::webhook::signature::sign;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// A `cloudflared` that prints the quick-tunnel banner on stderr, writes its
/// pid where the test can see it, then runs until it is stopped.
fn stand_in(dir: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let script = format!(
        "#!/bin/sh\necho $$ > {pid}\necho \"INF Requesting new quick Tunnel on trycloudflare.com...\" >&2\n\
         echo \"INF |  https://odd-words-here.trycloudflare.com                                     |\" >&2\n\
         exec sleep 60\n",
        pid = dir.join("pid").display()
    );
    let path = dir.join("cloudflared");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn listen(home: &std::path::Path, path: &str) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_genesys-desk"))
        .arg("--home")
        .arg(home)
        .args(["listen", "--bind", "127.0.0.1:0", "--secret-env", "GD_TUNNEL_SECRET", "--tunnel", "cloudflared"])
        .env("GD_TUNNEL_SECRET", "tunnel-test-secret")
        .env("PATH", path)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn the_tunnel_url_is_printed_and_the_tool_ends_with_the_listener() {
    let home = tempfile::tempdir().unwrap();
    let tools = tempfile::tempdir().unwrap();
    stand_in(tools.path());
    let path = format!("{}:{}", tools.path().display(), std::env::var("PATH").unwrap_or_default());
    let mut child = listen(home.path(), &path);
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().starts_with("listening on http://127.0.0.1:"));
    assert_eq!(lines.next().unwrap().unwrap(), "public URL https://odd-words-here.trycloudflare.com");
    let tool = std::fs::read_to_string(tools.path().join("pid")).unwrap().trim().to_string();
    assert!(std::path::Path::new(&format!("/proc/{tool}")).exists(), "the tool runs while listening");

    // SIGTERM: the listener stops cleanly and takes the tool with it.
    let stopped = Command::new("kill").arg(child.id().to_string()).status().unwrap();
    assert!(stopped.success());
    assert!(child.wait().unwrap().success());
    let mut reaped = false;
    for _ in 0..100 {
        let state = std::fs::read_to_string(format!("/proc/{tool}/stat")).unwrap_or_default();
        if state.is_empty() || state.split_whitespace().nth(2) == Some("Z") {
            reaped = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(reaped, "the stand-in tunnel {tool} still runs after the listener stopped");
}

#[test]
fn a_missing_tool_is_named_with_the_fix() {
    let home = tempfile::tempdir().unwrap();
    let empty = tempfile::tempdir().unwrap();
    let out = listen(home.path(), &empty.path().display().to_string()).wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cloudflared is not installed"), "{stderr}");
}

/// The account's public webhook base as the accounts file stores it.
fn stored_base(home: &std::path::Path) -> Option<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_genesys-desk"))
        .arg("--home")
        .arg(home)
        .args(["accounts", "list", "--json"])
        .env("GENESYS_DESK_SECRET_STORE", "file")
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let account = list["accounts"].as_array().unwrap().iter().find(|a| a["name"] == "Emulator").unwrap().clone();
    account["public_webhook_base"].as_str().map(str::to_string)
}

/// An emulator org, a home whose Emulator account points at it, and the stand-in tunnel tool.
struct Org {
    emulator: genesys_desk::emulator::RunningEmulator,
    home: tempfile::TempDir,
    tools: tempfile::TempDir,
}

async fn org() -> Org {
    let emulator = support::start_emulator(support::fast_config()).await;
    let home = support::home_for(&emulator);
    let tools = tempfile::tempdir().unwrap();
    stand_in(tools.path());
    Org { emulator, home, tools }
}

impl Org {
    /// `listen Emulator --tunnel cloudflared` with `extra`, and its stdout lines.
    fn listen(&self, extra: &[&str]) -> (std::process::Child, std::io::Lines<BufReader<std::process::ChildStdout>>) {
        let path = format!("{}:{}", self.tools.path().display(), std::env::var("PATH").unwrap_or_default());
        let mut child = Command::new(env!("CARGO_BIN_EXE_genesys-desk"))
            .arg("--home")
            .arg(self.home.path())
            .args(["listen", "Emulator", "--bind", "127.0.0.1:0", "--tunnel", "cloudflared"])
            .args(extra)
            .env("GENESYS_DESK_SECRET_STORE", "file")
            .env("PATH", path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        (child, lines)
    }
}

/// SIGTERM, then the rest of stdout and whether it exited 0.
async fn stop(
    mut child: std::process::Child,
    lines: std::io::Lines<BufReader<std::process::ChildStdout>>,
) -> (Vec<String>, bool) {
    assert!(Command::new("kill").arg(child.id().to_string()).status().unwrap().success());
    tokio::task::spawn_blocking(move || {
        let rest: Vec<String> = lines.map_while(Result::ok).collect();
        (rest, child.wait().unwrap().success())
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn point_webhook_uses_the_tunnel_and_restores_the_old_url_on_exit() {
    const OLD: &str = "https://bot.example.com/hooks/Emulator";
    const TUNNEL: &str = "https://odd-words-here.trycloudflare.com";
    let org = org().await;
    org.emulator.update_config(|c| c.webhook_url = Some(OLD.into()));
    let (child, mut lines) = org.listen(&["--point-webhook", "--yes"]);
    let (first, lines) = tokio::task::spawn_blocking(move || {
        let first: Vec<String> = (0..3).map(|_| lines.next().unwrap().unwrap()).collect();
        (first, lines)
    })
    .await
    .unwrap();
    assert_eq!(first[1], format!("public URL {TUNNEL}"));
    assert_eq!(first[2], format!("pointed Emulator's webhook at {TUNNEL}/hooks/Emulator"));
    let webhook = || org.emulator.state().config().webhook_url;
    assert_eq!(webhook().as_deref(), Some(format!("{TUNNEL}/hooks/Emulator").as_str()));
    assert_eq!(stored_base(org.home.path()).as_deref(), Some(TUNNEL));

    let (rest, success) = stop(child, lines).await;
    assert!(success);
    assert_eq!(rest, [format!("restored Emulator's webhook to {OLD}")]);
    assert_eq!(webhook().as_deref(), Some(OLD));
}

/// With stored accounts (the tunnel saves its URL with them) the engine
/// knows their clients; `listen` still must not watch presence, which it never prints.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_opens_no_notification_channel_for_a_delivery() {
    const TEXT: &[u8] = include_bytes!("webhook_samples/outbound-text.json");
    let org = org().await;
    let (child, mut lines) = org.listen(&[]);
    let (base, lines) = tokio::task::spawn_blocking(move || {
        let first = lines.next().unwrap().unwrap();
        assert!(lines.next().unwrap().unwrap().starts_with("public URL"));
        (first.strip_prefix("listening on ").unwrap().to_string(), lines)
    })
    .await
    .unwrap();
    let answer = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("{base}/hooks/Emulator"))
        .header("X-Hub-Signature-256", sign(defaults::EMULATOR_WEBHOOK_SECRET, TEXT))
        .body(TEXT.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
    // A clean stop waits for the engine's tasks: a watch would have asked for a channel by then.
    let (printed, success) = stop(child, lines).await;
    assert!(success && printed.len() == 1, "{printed:?}");
    let asked: Vec<String> = org.emulator.requests().into_iter().map(|r| r.path).collect();
    assert!(!asked.iter().any(|p| p.starts_with("/api/v2/notifications")), "listen asked Genesys for {asked:?}");
}

#[test]
fn point_webhook_needs_stored_accounts() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_genesys-desk"))
        .arg("--home")
        .arg(home.path())
        .args(["listen", "--secret-env", "GD_TUNNEL_SECRET", "--tunnel", "cloudflared", "--point-webhook"])
        .env("GD_TUNNEL_SECRET", "tunnel-test-secret")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--point-webhook: needs stored accounts"));
}
