//! `listen --tunnel`: a stand-in `cloudflared` on PATH prints its URL the way
//! the real one does (no network here); the listener prints it, and the
//! child ends with the listener.
#![expect(clippy::unwrap_used, reason = "a test fails loudly at the first surprise")]

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
