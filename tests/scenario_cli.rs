//! `genesys-desk scenario run` as a child process against an in-process
//! emulator: exit 0 and the reports when all pass, exit 1 with the reason
//! when one fails, exit 2 naming file and line for a bad file.
#![expect(clippy::unwrap_used, reason = "a test fails loudly at the first surprise")]

mod support;

use std::path::Path;
use std::process::{Command, Output};

use genesys_desk::config::Paths;

const SCENARIO: &str =
    "name: cli\nsteps:\n  - say: \"hello {n}\"\n  - expect_reply: { contains: \"hello\", within: 2s }\n";

/// A free loopback port for the listener (the emulator must know it first).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn scenario_run(home: &Path, file: &Path, port: u16, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_genesys-desk"))
        .arg("--home")
        .arg(home)
        .args(["scenario", "run"])
        .arg(file)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(extra)
        .env("GENESYS_DESK_SECRET_STORE", "file")
        .output()
        .unwrap()
}

struct Org {
    emulator: genesys_desk::emulator::RunningEmulator,
    home: tempfile::TempDir,
    port: u16,
}

async fn org() -> Org {
    let emulator = support::start_emulator(support::fast_config()).await;
    let port = free_port();
    emulator.update_config(|c| c.webhook_url = Some(format!("http://127.0.0.1:{port}/hooks/Emulator")));
    let home = support::home_for(&emulator);
    std::fs::write(home.path().join("s.yaml"), SCENARIO).unwrap();
    Org { emulator, home, port }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_pass_exits_0_and_writes_both_reports() {
    let org = org().await;
    let (home, port) = (org.home.path().to_path_buf(), org.port);
    let out = tokio::task::spawn_blocking(move || {
        let (json, xml) = (home.join("r.json"), home.join("r.xml"));
        let extra = ["--customers", "3", "--json", json.to_str().unwrap(), "--junit", xml.to_str().unwrap()];
        scenario_run(&home, &home.join("s.yaml"), port, &extra)
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("cli: 3 customers: 3 passed, 0 failed, 0 errors"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(org.home.path().join("r.json")).unwrap()).unwrap();
    assert_eq!((json["passed"].as_u64(), json["customers"].as_u64()), (Some(3), Some(3)));
    let xml = std::fs::read_to_string(org.home.path().join("r.xml")).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 3);
    // The run is kept in the home's history.
    let db = genesys_desk::storage::Db::open(&Paths::under(org.home.path()).history_db()).unwrap();
    let runs = db.recent_runs(10).unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!((runs[0].report.customers.len(), runs[0].report.count("pass")), (3, 3));
    drop(org.emulator);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_expectation_exits_1_with_the_reason() {
    let org = org().await;
    org.emulator.update_config(|c| c.script.answers = false);
    let (home, port) = (org.home.path().to_path_buf(), org.port);
    let out =
        tokio::task::spawn_blocking(move || scenario_run(&home, &home.join("s.yaml"), port, &["--customers", "2"]))
            .await
            .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "step 2 (expect_reply): expected an agent reply containing \"hello\" within 2s; got no agent reply"
        ),
        "{stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 of 2 customers did not pass"));
}

#[test]
fn a_bad_file_exits_2_naming_file_and_line() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("bad.yaml");
    std::fs::write(&file, "name: bad\nsteps:\n  - say: hi\n  - expect_reply: { contain: hi }\n").unwrap();
    let out = scenario_run(home.path(), &file, free_port(), &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:4: steps[1].expect_reply: unknown field `contain`", file.display())),
        "{stderr}"
    );
}
