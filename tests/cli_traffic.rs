//! `genesys-desk traffic export|import` over the history file: every row of a
//! 150,000-row history is written (streamed, counted, parsed back as HAR), and
//! a HAR exported here imports into another home with the same rows.
#![expect(clippy::unwrap_used, reason = "a test fails loudly at the first surprise")]

use std::path::Path;
use std::process::{Command, Output};

use genesys_desk::config::Paths;
use genesys_desk::model::{Direction, SignatureVerdict, TrafficEntry};
use genesys_desk::storage::Db;

fn cli(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_genesys-desk")).arg("--home").arg(home).args(args).output().unwrap()
}

fn row(i: usize) -> TrafficEntry {
    let incoming = i.is_multiple_of(3);
    let mut e = if incoming {
        TrafficEntry::new(Direction::Incoming, "Acme", "POST", "/hooks/Acme")
    } else {
        TrafficEntry::new(Direction::Outgoing, "Acme", "GET", &format!("https://api.mypurecloud.ie/api/v2/x/{i}"))
    };
    e.status = Some(if i.is_multiple_of(7) { 401 } else { 200 });
    e.latency_us = Some((i % 5000) as u64);
    e.verdict =
        incoming.then_some(if i.is_multiple_of(7) { SignatureVerdict::Invalid } else { SignatureVerdict::Valid });
    e.request_body = format!(r#"{{"n":{i}}}"#);
    e
}

fn seed(home: &Path, rows: usize) {
    let mut db = Db::open(&Paths::under(home).history_db()).unwrap();
    let entries: Vec<TrafficEntry> = (0..rows).map(row).collect();
    for chunk in entries.chunks(10_000) {
        db.insert_traffic_batch(chunk).unwrap();
    }
}

#[test]
fn a_har_export_of_150000_rows_writes_them_all() {
    let home = tempfile::tempdir().unwrap();
    seed(home.path(), 150_000);
    let file = home.path().join("all.har");
    let out = cli(home.path(), &["traffic", "export", "--har", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Exported 150000 entries"));
    let har: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let entries = har["log"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 150_000);
    assert_eq!(har["log"]["version"], "1.2");
    assert_eq!(entries[149_999]["request"]["postData"]["text"], r#"{"n":149999}"#, "oldest first, none lost");
}

#[test]
fn filters_narrow_the_export_and_a_har_imports_back_with_the_same_rows() {
    let source = tempfile::tempdir().unwrap();
    seed(source.path(), 30);
    let file = source.path().join("rejected.har");
    let args = ["traffic", "export", "--har", file.to_str().unwrap(), "--direction", "incoming", "--status", "4xx"];
    assert!(cli(source.path(), &args).status.success());

    let target = tempfile::tempdir().unwrap();
    let out = cli(target.path(), &["traffic", "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let strip = |rows: Vec<TrafficEntry>| -> Vec<TrafficEntry> {
        rows.into_iter().map(|e| TrafficEntry { id: None, imported: false, ..e }).collect()
    };
    let all = |home: &Path| {
        let db = Db::open(&Paths::under(home).history_db()).unwrap();
        let mut rows = Vec::new();
        db.for_each_traffic(&Default::default(), |e| -> Result<(), genesys_desk::storage::Error> {
            rows.push(e);
            Ok(())
        })
        .unwrap();
        rows
    };
    let imported = all(target.path());
    assert!(imported.iter().all(|e| e.imported), "every row is marked imported");
    let expected: Vec<TrafficEntry> = all(source.path())
        .into_iter()
        .filter(|e| e.direction == Direction::Incoming && e.status == Some(401))
        .collect();
    assert_eq!(expected.len(), 2, "rows 0 and 21 of 30");
    assert_eq!(strip(imported), strip(expected));
}

#[test]
fn a_file_that_is_not_har_is_refused_with_its_name() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("notes.har");
    std::fs::write(&file, "hello").unwrap();
    let out = cli(home.path(), &["traffic", "import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("notes.har: not a HAR file"), "{err}");
}
