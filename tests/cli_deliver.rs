//! `genesys-desk deliver URL`: genesys-desk acting as Genesys toward a
//! receiver that checks the signature, and one that fails twice first.
#![expect(clippy::unwrap_used, reason = "a test fails loudly at the first surprise")]

mod support;

use std::process::{Command, Output};
use std::time::Duration;

const SECRET: &str = "middleware-secret-1234";

fn deliver(url: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_genesys-desk"))
        .args(["deliver", url, "--secret-env", "GD_DELIVER_SECRET"])
        .args(extra)
        .env("GD_DELIVER_SECRET", SECRET)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_checking_the_signature_accepts_the_delivery() {
    let mut hook = support::start_hook(200).await;
    let url = hook.url();
    let out = tokio::task::spawn_blocking(move || deliver(&url, &["--kind", "structured"])).await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let got = hook.next(Duration::from_secs(5)).await;
    let signature = got.signature.unwrap();
    assert!(genesys_desk::webhook::signature::is_valid(SECRET, &got.body, &signature), "Genesys' signature");
    let body: serde_json::Value = serde_json::from_slice(&got.body).unwrap();
    assert_eq!(body["type"], "Structured");
    assert_eq!(body["content"][0]["contentType"], "QuickReply");
    assert!(String::from_utf8_lossy(&out.stdout).contains("delivered: HTTP 200 on attempt 1"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_503s_are_retried_with_genesys_spacing_until_accepted() {
    let mut hook = support::start_hook(503).await;
    let url = hook.url();
    let child = tokio::task::spawn_blocking(move || deliver(&url, &["--retry-delay", "0.4"]));
    hook.next(Duration::from_secs(5)).await;
    hook.next(Duration::from_secs(5)).await;
    *hook.status.lock().unwrap() = 200;
    let out = child.await.unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let starts: Vec<f64> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("attempt "))
        .map(|l| l.split(" +").nth(1).unwrap().split(" s:").next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(starts.len(), 3, "{stdout}");
    assert!(starts[1] - starts[0] >= 0.4 && starts[2] - starts[1] >= 0.4, "spaced by the retry delay: {starts:?}");
    assert!(
        stdout.contains("attempt 1 +0.0 s: HTTP 503") && stdout.contains("delivered: HTTP 200 on attempt 3"),
        "{stdout}"
    );
}
