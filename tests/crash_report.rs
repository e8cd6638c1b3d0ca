//! A panic anywhere writes a redacted crash report next to the logs (this
//! test binary has one test: the panic hook is process-wide).

#[test]
fn a_panic_writes_a_redacted_report_that_the_next_start_offers_once() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let logs = dir.path().join("logs");
    genesys_desk::logging::crash::install(logs.clone());
    let secret = genesys_desk::config::SecretString::new("crash-test-secret-8812");
    let caught = std::thread::Builder::new()
        .name("worker-7".into())
        .spawn(move || panic!("token {} was refused", secret.expose()))
        .expect("a thread")
        .join();
    assert!(caught.is_err(), "the thread panicked");
    let offered = genesys_desk::logging::crash::take_unoffered(&logs).expect("a report to offer");
    let report = std::fs::read_to_string(&offered).expect("a readable report");
    assert!(report.contains("thread: worker-7"), "{report}");
    assert!(report.contains("message: token *** was refused"), "{report}");
    assert!(report.contains("tests/crash_report.rs"), "the place: {report}");
    assert!(!report.contains("crash-test-secret-8812"), "{report}");
    assert_eq!(genesys_desk::logging::crash::take_unoffered(&logs), None, "offered once");
}
