//! Many `genesys-desk accounts add` processes at once on one home: every
//! account that was reported added is listed with its secrets, the
//! per-environment limit holds, and the rest are refused with the limit error.
#![expect(clippy::unwrap_used, reason = "a test fails loudly at the first surprise")]

use std::collections::BTreeSet;
use std::process::{Child, Command, Output, Stdio};

const CLIENT_ID: &str = "6f1c2b9e-3d4a-4c5b-9e8f-0a1b2c3d4e5f";
const INTEGRATION_ID: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
/// `defaults::MAX_ACCOUNTS_PER_ENVIRONMENT`.
const LIMIT: usize = 5;

fn cmd(home: &std::path::Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_genesys-desk"));
    cmd.args(args)
        .env("GENESYS_DESK_HOME", home)
        .env("GENESYS_DESK_SECRET_STORE", "file")
        .env("GENESYS_CLIENT_SECRET", "concurrency-client-secret")
        .env("GENESYS_WEBHOOK_SECRET", "concurrency-webhook-secret")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn list(home: &std::path::Path, env: &str) -> serde_json::Value {
    let out = cmd(home, &["accounts", "list", "--env", env, "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn parallel_adds_lose_nothing_and_keep_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    // Three tiers: Staging and Sandbox start empty, so each takes LIMIT accounts.
    let out = cmd(home, &["accounts", "set-tier", "three"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));

    let envs = ["staging", "sandbox"];
    let children: Vec<(String, &str, Child)> = (0..20)
        .map(|i| {
            let name = format!("Parallel {i:02}");
            let env = envs[i % 2];
            let args = ["accounts", "add", &name, "--host", "mypurecloud.ie", "--client-id", CLIENT_ID];
            let child = cmd(home, &args).args(["--integration-id", INTEGRATION_ID, "--env", env]).spawn().unwrap();
            (name, env, child)
        })
        .collect();
    let results: Vec<(String, &str, Output)> =
        children.into_iter().map(|(name, env, child)| (name, env, child.wait_with_output().unwrap())).collect();

    for env in envs {
        let mut added = BTreeSet::new();
        for (name, _, out) in results.iter().filter(|(_, e, _)| *e == env) {
            if out.status.success() {
                assert!(text(&out.stdout).contains("Added"), "{name}: {}", text(&out.stdout));
                added.insert(name.clone());
            } else {
                let err = text(&out.stderr);
                assert_eq!(out.status.code(), Some(2), "{name}: {err}");
                assert!(err.contains("the limit per environment"), "{name}: {err}");
            }
        }
        let doc = list(home, env);
        let listed = doc["accounts"].as_array().unwrap();
        let names: BTreeSet<String> = listed.iter().map(|a| a["name"].as_str().unwrap().to_string()).collect();
        assert_eq!(names, added, "{env}: every account reported added is listed, and only those");
        assert_eq!(names.len(), LIMIT, "{env}: the limit is reached, not passed");
        for a in listed {
            assert_eq!(a["webhook_secret_set"], true, "{env}: {} lost its webhook secret", a["name"]);
        }
    }
}
