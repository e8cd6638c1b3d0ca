//! The log file: a `verify` and a test chat through the real binary against
//! an emulator write their story to `<data>/logs`, and no secret reaches it
//! (client secret, webhook secret, every token the emulator issued), even at
//! the most verbose level.

#![expect(clippy::expect_used, reason = "a test fails loudly at the first surprise")]

mod support;

use std::process::Command;

use genesys_desk::config::Paths;
use genesys_desk::config::defaults::{EMULATOR_ACCOUNT, EMULATOR_CLIENT_SECRET, EMULATOR_WEBHOOK_SECRET};

const BIN: &str = env!("CARGO_BIN_EXE_genesys-desk");

fn run(home: &std::path::Path, args: &[&str]) {
    let out = Command::new(BIN)
        .arg("--home")
        .arg(home)
        .args(args)
        .env("GENESYS_DESK_SECRET_STORE", "file")
        .env("GENESYS_DESK_LOG", "trace")
        .env_remove("GENESYS_CLIENT_SECRET")
        .env_remove("GENESYS_WEBHOOK_SECRET")
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn read_logs(paths: &Paths) -> String {
    let mut text = String::new();
    for entry in std::fs::read_dir(paths.log_dir()).expect("a log folder") {
        text.push_str(&std::fs::read_to_string(entry.expect("an entry").path()).expect("a readable log"));
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verify_and_a_chat_are_logged_without_any_secret() {
    let emulator = support::start_emulator(support::fast_config()).await;
    let home = support::home_for(&emulator);
    let path = home.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        run(&path, &["verify", EMULATOR_ACCOUNT]);
        run(&path, &["send", EMULATOR_ACCOUNT, "--email", "ada@example.com", "--text", "hello"]);
    })
    .await
    .expect("the commands ran");
    let log = read_logs(&Paths::under(home.path()));
    assert!(log.contains("command=\"verify\"") && log.contains("command=\"send\""), "{log}");
    assert!(log.contains("verify: "), "each check is logged: {log}");
    assert!(log.contains("/oauth/token") && log.contains("genesys request"), "{log}");
    let tokens = emulator.state().issued_tokens();
    assert!(!tokens.is_empty(), "the commands fetched tokens");
    for secret in
        [EMULATOR_CLIENT_SECRET, EMULATOR_WEBHOOK_SECRET].iter().copied().chain(tokens.iter().map(String::as_str))
    {
        assert!(!log.contains(secret), "a secret is in the log:\n{log}");
    }
}
