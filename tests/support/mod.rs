//! Test helpers: an emulator on 127.0.0.1:0 with fast delays, an account
//! that points at it, fast client options, and a tiny webhook receiver.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use genesys_desk::config::{Account, AccountDraft, defaults};
use genesys_desk::emulator::{Emulator, EmulatorConfig, RunningEmulator};
use genesys_desk::genesys::ClientOptions;
use tokio::sync::mpsc;

/// Emulator defaults with test-speed delays.
pub fn fast_config() -> EmulatorConfig {
    EmulatorConfig {
        delivery_timeout: Duration::from_millis(500),
        delivery_retry_delay: Duration::from_millis(20),
        agent_typing_delay: Duration::from_millis(5),
        agent_reply_delay: Duration::from_millis(5),
        ..EmulatorConfig::default()
    }
}

pub async fn start_emulator(config: EmulatorConfig) -> RunningEmulator {
    Emulator::start("127.0.0.1:0".parse().unwrap(), config).await.expect("emulator starts on port 0")
}

/// Client options for tests: short timeouts and waits.
pub fn fast_options() -> ClientOptions {
    ClientOptions {
        connect_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(2),
        max_retries: 3,
        default_retry_after: Duration::from_millis(50),
        backoff_base: Duration::from_millis(20),
        ..ClientOptions::default()
    }
}

/// The Emulator account, pointed at `host` (e.g. the emulator's URL).
pub fn draft_for(host: &str) -> AccountDraft {
    let mut d = defaults::emulator_account_draft();
    d.host = host.to_string();
    d
}

pub fn account_for(host: &str) -> Account {
    draft_for(host).parse().expect("test account is valid")
}

/// One webhook delivery as received.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub body: Vec<u8>,
    pub signature: Option<String>,
    pub status: u16,
}

/// A webhook receiver on 127.0.0.1:0 answering `status` to every POST.
pub struct Hook {
    pub addr: SocketAddr,
    pub rx: mpsc::UnboundedReceiver<Delivery>,
    pub status: Arc<Mutex<u16>>,
}

impl Hook {
    pub fn url(&self) -> String {
        format!("http://{}/hooks/Emulator", self.addr)
    }

    /// The next delivery, or panic after `timeout`.
    pub async fn next(&mut self, timeout: Duration) -> Delivery {
        tokio::time::timeout(timeout, self.rx.recv()).await.expect("a delivery in time").expect("hook alive")
    }
}

pub async fn start_hook(status: u16) -> Hook {
    let (tx, rx) = mpsc::unbounded_channel();
    let status = Arc::new(Mutex::new(status));
    let state = (tx, status.clone());
    let app = axum::Router::new().route(
        "/hooks/{name}",
        post(
            |State((tx, status)): State<(mpsc::UnboundedSender<Delivery>, Arc<Mutex<u16>>)>,
             headers: HeaderMap,
             body: Bytes| async move {
                let code = *status.lock().unwrap();
                let signature = headers.get("x-hub-signature-256").and_then(|v| v.to_str().ok()).map(str::to_string);
                let _ = tx.send(Delivery { body: body.to_vec(), signature, status: code });
                StatusCode::from_u16(code).unwrap()
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app.with_state(state)).await;
    });
    Hook { addr, rx, status }
}

/// A port nothing listens on, held (bound, never listening) while the guard
/// lives: connecting is refused, and no other test can take the port meanwhile
/// (a port bound and released could go to another test's emulator).
pub struct DeadPort {
    pub port: u16,
    _held: tokio::net::TcpSocket,
}

pub async fn dead_port() -> DeadPort {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    DeadPort { port: socket.local_addr().unwrap().port(), _held: socket }
}

/// A bearer token from the emulator's `/oauth/token`, fetched with raw HTTP
/// (for tests that call the API without the client).
pub async fn emulator_token(emulator: &RunningEmulator) -> String {
    let body: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/oauth/token", emulator.url()))
        .basic_auth(defaults::EMULATOR_CLIENT_ID, Some(defaults::EMULATOR_CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

/// A temp home whose Emulator account points at `emulator` (secrets in the
/// 0600 file, as the command line finds them with GENESYS_DESK_SECRET_STORE=file).
pub fn home_for(emulator: &RunningEmulator) -> tempfile::TempDir {
    use genesys_desk::config::secrets::{SecretStoreChoice, Secrets};
    use genesys_desk::config::{AccountStore, Environment, Paths};
    let home = tempfile::tempdir().unwrap();
    let paths = Paths::under(home.path());
    let secrets = Secrets::open_with(&paths, SecretStoreChoice::File).unwrap();
    let mut store = AccountStore::open_with_secrets(&paths, secrets).unwrap();
    store.save(Environment::Development, Some(defaults::EMULATOR_ACCOUNT), &draft_for(&emulator.url())).unwrap();
    home
}
