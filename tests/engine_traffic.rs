//! Traffic replay and export through the real engine: a stored signed
//! delivery is sent to the listener again and arrives as attempt 2; the JSON
//! and HAR exports parse, hold the chosen entries and no secrets.
#![expect(clippy::unwrap_used, reason = "a test fails loudly at the first surprise")]

mod engine_support;

use std::time::Duration;

use base64::Engine as _;
use genesys_desk::config::defaults::{EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, EMULATOR_WEBHOOK_SECRET};
use genesys_desk::config::{Environment, defaults};
use genesys_desk::engine::command::{ExportFormat, ToastLevel};
use genesys_desk::engine::{self, Command, EngineConfig, Event, HeadlessEngine, HeadlessEvent, RequestId};
use genesys_desk::model::Direction;
use genesys_desk::webhook::Delivery;
use genesys_desk::webhook::signature::sign;

const TEXT: &[u8] = include_bytes!("webhook_samples/outbound-text.json");

/// Reads events until one matches `pick` (fails after 15 s), keeping every traffic row id seen.
async fn wait<T>(
    engine: &mut HeadlessEngine,
    ids: &mut Vec<i64>,
    what: &str,
    mut pick: impl FnMut(&Event) -> Option<T>,
) -> T {
    let found = tokio::time::timeout(Duration::from_secs(15), async {
        while let Some(event) = engine.next().await {
            if let Event::TrafficRecorded(entry) = &event {
                ids.extend(entry.id);
            }
            if let Some(found) = pick(&event) {
                return found;
            }
        }
        panic!("the engine stopped while waiting for {what}");
    })
    .await;
    found.unwrap_or_else(|_| panic!("timed out waiting for {what}"))
}

fn delivery(event: &Event) -> Option<Delivery> {
    match event {
        Event::Headless(HeadlessEvent::WebhookReceived(d)) => Some((**d).clone()),
        _ => None,
    }
}

fn toast(event: &Event, level: ToastLevel) -> Option<String> {
    match event {
        Event::Toast { level: l, text } if *l == level => Some(text.clone()),
        _ => None,
    }
}

/// The engine on a temp home with the Emulator account; posts one signed delivery to its listener.
async fn engine_with_one_delivery(
    setup: &engine_support::Setup,
) -> (HeadlessEngine, std::net::SocketAddr, Delivery, Vec<i64>) {
    engine_reporting_one_delivery(setup, setup.engine_config(true)).await
}

/// [`engine_with_one_delivery`] with `config`; also the traffic row ids reported before the delivery.
async fn engine_reporting_one_delivery(
    setup: &engine_support::Setup,
    config: EngineConfig,
) -> (HeadlessEngine, std::net::SocketAddr, Delivery, Vec<i64>) {
    let mut engine = engine::spawn_headless(&tokio::runtime::Handle::current(), config);
    let mut ids = Vec::new();
    let addr = wait(&mut engine, &mut ids, "the listener", |e| match e {
        Event::ListenerStarted { addr, .. } => Some(*addr),
        _ => None,
    })
    .await;
    // As in the app: the emulator's agent would answer to this listener.
    setup.deliver_to(addr);
    let status = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("http://{addr}/hooks/Emulator"))
        .header("X-Hub-Signature-256", sign(EMULATOR_WEBHOOK_SECRET, TEXT))
        .header("Content-Type", "application/json")
        .body(TEXT.to_vec())
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 200);
    let first = wait(&mut engine, &mut ids, "the delivery", delivery).await;
    (engine, addr, first, ids)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_delivery_reaches_the_listener_again_as_attempt_2() {
    let setup = engine_support::emulator_and_home().await;
    let (mut engine, _, first, mut ids) = engine_with_one_delivery(&setup).await;
    assert_eq!((first.attempt, first.duplicate, first.traffic.status), (1, false, Some(200)));
    let id = first.traffic.id.expect("the delivery's row id");
    assert!(ids.contains(&id), "a window's engine shows the delivery in Traffic");

    engine.send(Command::ReplayTraffic { id });
    // The toast (after the listener's answer) and the delivery (through the engine) may come in either order.
    let (mut again, mut replayed) = (None, None);
    while again.is_none() || replayed.is_none() {
        match wait(&mut engine, &mut ids, "the replayed delivery and its toast", |e| {
            delivery(e).map(Ok).or_else(|| toast(e, ToastLevel::Info).map(Err))
        })
        .await
        {
            Ok(d) => again = Some(d),
            Err(text) => replayed = Some(text),
        }
    }
    let again = again.unwrap();
    assert_eq!((again.attempt, again.duplicate, again.traffic.status), (2, true, Some(200)), "{again:#?}");
    assert_eq!(again.traffic.request_body, first.traffic.request_body, "replayed byte for byte");
    assert_eq!(again.traffic.verdict, first.traffic.verdict, "the signature header went along");
    assert_eq!(replayed.unwrap(), format!("Replayed delivery {id} to the listener: HTTP 200"));

    engine.send(Command::ReplayTraffic { id: 999_999 });
    let text = wait(&mut engine, &mut ids, "the missing-row toast", |e| toast(e, ToastLevel::Error)).await;
    assert_eq!(text, "Traffic entry 999999 is not in the history");
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exports_parse_and_hold_the_entries_without_secrets() {
    let setup = engine_support::emulator_and_home().await;
    let (mut engine, _, _, mut ids) = engine_with_one_delivery(&setup).await;
    // Verify makes API calls with the client secret (OAuth) and a bearer token.
    let request = RequestId(7);
    let (env, account) = (Environment::Development, defaults::EMULATOR_ACCOUNT.to_string());
    engine.send(Command::Verify { request, env, account, include_send: false });
    wait(&mut engine, &mut ids, "verify", |e| matches!(e, Event::VerifyFinished { .. }).then_some(())).await;
    // Verify's calls are reported once their rows are stored, which may be
    // after its result: the delivery and at least two calls (token, integration).
    while ids.len() < 3 {
        wait(&mut engine, &mut ids, "verify's traffic rows", |e| matches!(e, Event::TrafficRecorded(_)).then_some(()))
            .await;
    }
    // Every row reported so far is committed (its id came from the insert).
    let count = ids.len();
    let dir = tempfile::tempdir().unwrap();
    let basic =
        base64::engine::general_purpose::STANDARD.encode(format!("{EMULATOR_CLIENT_ID}:{EMULATOR_CLIENT_SECRET}"));

    for format in [ExportFormat::Json, ExportFormat::Har] {
        let path = dir.path().join(format!("traffic.{}", format.extension()));
        engine.send(Command::ExportTraffic { path: path.clone(), format, ids: ids.clone() });
        let text = wait(&mut engine, &mut ids.clone(), "the export toast", |e| toast(e, ToastLevel::Success)).await;
        assert_eq!(text, format!("Exported {count} entries to {}", path.display()));

        let raw = std::fs::read_to_string(&path).unwrap();
        for secret in [EMULATOR_CLIENT_SECRET, EMULATOR_WEBHOOK_SECRET, basic.as_str()] {
            assert!(!raw.contains(secret), "{format:?} export holds a secret");
        }
        assert!(!raw.to_lowercase().contains("bearer ey"), "{format:?} export holds a token");
        let value: serde_json::Value = serde_json::from_str(&raw).unwrap();
        let entries = match format {
            ExportFormat::Json => value.as_array().unwrap().clone(),
            ExportFormat::Har => {
                assert_eq!(value["log"]["version"], "1.2");
                value["log"]["entries"].as_array().unwrap().clone()
            }
        };
        assert_eq!(entries.len(), count, "{format:?}");
        let incoming = match format {
            ExportFormat::Json => {
                entries.iter().filter(|e| e["direction"] == serde_json::json!(Direction::Incoming)).count()
            }
            ExportFormat::Har => entries
                .iter()
                .filter(|e| e["request"]["url"].as_str().unwrap().starts_with("http://listener/hooks/"))
                .count(),
        };
        assert_eq!(incoming, 1, "{format:?}: the one delivery");
    }
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_line_engine_reports_a_delivery_only_as_the_delivery() {
    let setup = engine_support::emulator_and_home().await;
    let config = EngineConfig { window_events: false, ..setup.engine_config(true) };
    let (engine, _, first, ids) = engine_reporting_one_delivery(&setup, config).await;
    let id = first.traffic.id.expect("the delivery's row id");
    assert!(!ids.contains(&id), "no Traffic row event for a front end without a window");
    engine.shutdown().await;
}

/// A fault mode switched on from the window reaches the running listener at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_mode_from_the_window_changes_the_listeners_answer() {
    let setup = engine_support::emulator_and_home().await;
    let mut engine = engine::spawn_headless(&tokio::runtime::Handle::current(), setup.engine_config(true));
    let addr = loop {
        if let Some(Event::ListenerStarted { addr, .. }) = engine.next().await {
            break addr;
        }
    };
    let fault = genesys_desk::webhook::fault::Fault::Status(503);
    engine.send(Command::SetFault { account: "Emulator".into(), fault: Some(fault) });
    while !matches!(engine.next().await, Some(Event::FaultSet { .. })) {}
    let body = include_bytes!("webhook_samples/outbound-text.json");
    let signature =
        genesys_desk::webhook::signature::sign(genesys_desk::config::defaults::EMULATOR_WEBHOOK_SECRET, body);
    let status = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .post(format!("http://{addr}/hooks/Emulator"))
        .header("X-Hub-Signature-256", signature)
        .body(body.to_vec())
        .send()
        .await
        .unwrap()
        .status();
    engine.shutdown().await;
    assert_eq!(status.as_u16(), 503);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_imported_har_file_is_stored_and_reported_marked_imported() {
    let setup = engine_support::emulator_and_home().await;
    let har = setup.home.path().join("capture.har");
    let text = r#"{"log":{"version":"1.2","creator":{"name":"Postman","version":"11"},"entries":[
        {"startedDateTime":"2026-11-28T09:15:02Z","time":0.4,"request":{"method":"GET","url":"https://api.mypurecloud.ie/a",
         "headers":[{"name":"Authorization","value":"Bearer tok-abc-123456"}]},"response":{"status":200}},
        {"startedDateTime":"2026-11-28T09:15:03Z","time":3,"request":{"method":"GET","url":"https://api.mypurecloud.ie/b"},
         "response":{"status":404}}]}}"#;
    std::fs::write(&har, text).unwrap();
    let mut engine = engine::spawn_headless(&tokio::runtime::Handle::current(), setup.engine_config(false));
    engine.send(Command::ImportHar(har.clone()));
    let mut ids = Vec::new();
    let mut rows = Vec::new();
    let done = wait(&mut engine, &mut ids, "the import toast", |event| {
        if let Event::TrafficRecorded(entry) = event
            && entry.imported
        {
            rows.push(entry.clone());
        }
        toast(event, ToastLevel::Success).filter(|t| t.starts_with("Imported"))
    })
    .await;
    assert_eq!(done, format!("Imported 2 entries from {} (marked imported)", har.display()));
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.id.is_some() && r.account == "Postman"));
    assert_eq!(rows[0].request_headers, vec![("Authorization".to_string(), "Bearer ***".to_string())]);
    assert_eq!(rows[0].latency_us, Some(400));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_from_the_window_saves_all_accounts_with_their_typed_secrets_or_none() {
    use genesys_desk::config::share::{SharedAccount, env_var_name};
    use genesys_desk::engine::share::ImportChoice;
    let setup = engine_support::emulator_and_home().await;
    let shared = |name: &str| SharedAccount {
        name: name.into(),
        host: "mypurecloud.ie".into(),
        client_id: EMULATOR_CLIENT_ID.into(),
        integration_id: "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d".into(),
        public_webhook_base: None,
        receive_events: false,
        accept_unsigned: false,
        client_secret_env: env_var_name(name, "CLIENT_SECRET"),
        webhook_secret_env: Some(env_var_name(name, "WEBHOOK_SECRET")),
    };
    let choice = |name: &str, webhook: &str| ImportChoice {
        account: shared(name),
        client_secret: format!("typed-client-of-{name}"),
        webhook_secret: webhook.into(),
    };
    let mut engine = engine::spawn_headless(&tokio::runtime::Handle::current(), setup.engine_config(true));
    let mut ids = Vec::new();
    // Beta lacks its webhook secret (and no variable holds it): nothing is saved.
    let accounts = vec![choice("Alpha", "typed-webhook-secret-a"), choice("Beta", "")];
    engine.send(Command::ImportAccounts { env: Environment::Development, accounts });
    let refused = wait(&mut engine, &mut ids, "the refusal", |e| toast(e, ToastLevel::Error)).await;
    assert!(refused.contains("webhook secret of \"Beta\"") && refused.contains("nothing imported"), "{refused}");
    let accounts = vec![choice("Alpha", "typed-webhook-secret-a"), choice("Beta", "typed-webhook-secret-b")];
    engine.send(Command::ImportAccounts { env: Environment::Development, accounts });
    let done = wait(&mut engine, &mut ids, "the import", |e| toast(e, ToastLevel::Success)).await;
    assert_eq!(done, "Imported \"Alpha\", \"Beta\" into Development");
    engine.send(Command::Shutdown);
    let paths = setup.paths.clone();
    let stored = genesys_desk::config::AccountStore::open_with_secrets(
        &paths,
        genesys_desk::config::secrets::Secrets::open_with(
            &paths,
            genesys_desk::config::secrets::SecretStoreChoice::File,
        )
        .unwrap(),
    )
    .unwrap()
    .account(Environment::Development, "Beta")
    .unwrap();
    assert_eq!(stored.client_secret.expose(), "typed-client-of-Beta");
    assert_eq!(stored.webhook_secret.unwrap().expose(), "typed-webhook-secret-b");
    assert!(stored.events_off, "the file's receive_events: false is kept");
}
