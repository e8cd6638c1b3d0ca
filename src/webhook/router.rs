//! Routes and handlers. The state holds the accounts behind a lock so the GUI
//! can edit them while the listener runs.

use std::sync::{Arc, RwLock};
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use time::OffsetDateTime;

use super::media::MediaStore;
use super::message::OutboundMessage;
use super::signature::{self, SIGNATURE_HEADER};
use super::{ANY_ACCOUNT, Delivery, DeliverySink, ListenerConfig, WebhookAccount};
use crate::model::traffic::{redact_body, redact_headers};
use crate::model::{Direction, SignatureVerdict, TrafficEntry};
use crate::storage::{DeliveryRecord, WriterHandle};

/// Shared listener state (cheap to clone).
#[derive(Clone, Debug)]
pub struct ListenerState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    accounts: RwLock<Arc<Vec<WebhookAccount>>>,
    writer: WriterHandle,
    media: Arc<MediaStore>,
    sink: DeliverySink,
    max_body_bytes: usize,
}

impl ListenerState {
    /// State for `config`, storing through `writer` and reporting to `sink`.
    pub async fn new(
        config: ListenerConfig,
        writer: WriterHandle,
        sink: DeliverySink,
    ) -> Result<ListenerState, super::MediaError> {
        let media = MediaStore::load(config.media_dir.clone(), Some(writer.clone())).await?;
        Ok(ListenerState {
            inner: Arc::new(Inner {
                accounts: RwLock::new(Arc::new(config.accounts)),
                writer,
                media: Arc::new(media),
                sink,
                max_body_bytes: config.max_body_bytes,
            }),
        })
    }

    /// A handle to change accounts and register media while running.
    pub fn handle(&self) -> ListenerHandle {
        ListenerHandle { state: self.clone() }
    }

    fn accounts(&self) -> Arc<Vec<WebhookAccount>> {
        match self.inner.accounts.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

/// Changes a running listener.
#[derive(Clone, Debug)]
pub struct ListenerHandle {
    state: ListenerState,
}

impl ListenerHandle {
    /// Replaces the accounts; the next request sees the new set.
    pub fn set_accounts(&self, accounts: Vec<WebhookAccount>) {
        let new = Arc::new(accounts);
        match self.state.inner.accounts.write() {
            Ok(mut guard) => *guard = new,
            Err(poisoned) => *poisoned.into_inner() = new,
        }
    }

    /// The accounts currently listened for.
    pub fn accounts(&self) -> Vec<WebhookAccount> {
        self.state.accounts().as_ref().clone()
    }

    /// The media files served at `/media/{id}`.
    pub fn media(&self) -> Arc<MediaStore> {
        self.state.inner.media.clone()
    }
}

/// The listener's routes over `state`.
pub fn router(state: ListenerState) -> Router {
    let limit = state.inner.max_body_bytes;
    Router::new()
        .route("/hooks/{account}", post(receive))
        .route("/healthz", get(|| async { "ok" }))
        .route("/media/{id}", get(media))
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

fn find_account(accounts: &[WebhookAccount], name: &str) -> Option<WebhookAccount> {
    accounts
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(name))
        .or_else(|| accounts.iter().find(|a| a.name == ANY_ACCOUNT))
        .map(|a| WebhookAccount {
            name: if a.name == ANY_ACCOUNT { name.to_string() } else { a.name.clone() },
            ..a.clone()
        })
}

/// Handles one delivery; answers only after its traffic row is committed.
async fn receive(
    State(state): State<ListenerState>,
    Path(path_name): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let started = Instant::now();
    let received_at = OffsetDateTime::now_utc();
    let accounts = state.accounts();
    let found = find_account(&accounts, &path_name);
    let account_name = found.as_ref().map(|a| a.name.clone()).unwrap_or_else(|| path_name.clone());

    let mut traffic = TrafficEntry::new(Direction::Incoming, &account_name, "POST", &uri.to_string());
    traffic.at = received_at;
    traffic.request_headers = headers
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    redact_headers(&mut traffic.request_headers);

    let mut delivery = Delivery {
        account: account_name.clone(),
        traffic: TrafficEntry::new(Direction::Incoming, "", "", ""),
        message: None,
        chat_message: None,
        mistake: None,
        attempt: 1,
        duplicate: false,
        accepted_unsigned: false,
    };
    let mut record_key = None;
    let mut chat = None;
    let mut receipt = None;

    let (status, answer) = 'decide: {
        let Some(account) = found else {
            let known: Vec<&str> = accounts.iter().map(|a| a.name.as_str()).collect();
            break 'decide (
                StatusCode::NOT_FOUND,
                format!(
                    "no account named \"{path_name}\" on this listener (listening for: {}): \
                     check the webhook URL ends with /hooks/<account name>",
                    if known.is_empty() { "none".to_string() } else { known.join(", ") }
                ),
            );
        };
        let body = match body {
            Ok(body) => body,
            Err(rejection) => {
                let status = rejection.status();
                let text = if status == StatusCode::PAYLOAD_TOO_LARGE {
                    format!(
                        "body larger than {} bytes: Genesys messages are a few KB; this is not a Genesys delivery",
                        state.inner.max_body_bytes
                    )
                } else {
                    format!("could not read the body: {}", rejection.body_text())
                };
                break 'decide (status, text);
            }
        };
        traffic.request_body = redact_body(&String::from_utf8_lossy(&body));

        let secret = account.webhook_secret.as_ref().filter(|s| !s.is_empty());
        let ours: Vec<&str> = secret.map(|s| s.expose()).into_iter().collect();
        let others: Vec<(&str, &str)> = accounts
            .iter()
            .filter(|a| !a.name.eq_ignore_ascii_case(&account.name) && a.name != ANY_ACCOUNT)
            .filter_map(|a| a.webhook_secret.as_ref().filter(|s| !s.is_empty()).map(|s| (a.name.as_str(), s.expose())))
            .collect();
        let header = headers.get(SIGNATURE_HEADER).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let (verdict, mistake) = signature::check(&ours, &others, &body, header.as_deref());
        traffic.verdict = Some(verdict);
        traffic.explanation = signature::describe(verdict, mistake.as_ref());
        delivery.mistake = mistake;

        let signed_ok = matches!(verdict, SignatureVerdict::Valid | SignatureVerdict::NoSecretConfigured);
        if !signed_ok {
            if !account.accept_unsigned {
                break 'decide (
                    StatusCode::UNAUTHORIZED,
                    traffic.explanation.clone().unwrap_or_else(|| "signature rejected".into()),
                );
            }
            delivery.accepted_unsigned = true;
            traffic.explanation = Some(format!(
                "ACCEPTED UNSIGNED (debug switch on account \"{}\"): {}",
                account.name,
                traffic.explanation.as_deref().unwrap_or(verdict.as_str())
            ));
        }

        match OutboundMessage::parse(&body) {
            Err(err) => (StatusCode::BAD_REQUEST, err.to_string()),
            Ok(message) => {
                record_key = message.delivery_key();
                receipt = message.receipt_update();
                chat = Some(message.to_chat_message(&account.name, received_at));
                delivery.message = Some(message);
                (StatusCode::OK, String::new())
            }
        }
    };

    traffic.status = Some(status.as_u16());
    traffic.response_body = answer.clone();
    traffic.latency_ms = Some(started.elapsed().as_millis() as u64);
    let record = DeliveryRecord { traffic: traffic.clone(), key: record_key, message: chat.clone(), receipt };
    match state.inner.writer.insert_delivery(record).await {
        Ok(stored) => {
            traffic.id = Some(stored.traffic_id);
            delivery.attempt = stored.attempt;
            delivery.duplicate = stored.duplicate;
            delivery.chat_message = chat.map(|mut m| {
                m.id = stored.message_id;
                m
            });
        }
        Err(err) => {
            // Not stored means not acknowledged: 503 makes Genesys retry later.
            tracing::error!("webhook delivery for {account_name} not stored: {err}");
            return (StatusCode::SERVICE_UNAVAILABLE, format!("history not writable: {err}")).into_response();
        }
    }
    delivery.traffic = traffic;
    // Work after storing (showing it) never delays the answer.
    let _ = state.inner.sink.send(delivery);
    (status, answer).into_response()
}

/// Serves a registered media file read-only.
async fn media(State(state): State<ListenerState>, Path(id): Path<String>) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "no such media").into_response();
    let Some(path) = state.inner.media.path(&id) else {
        return not_found();
    };
    let Ok(bytes) = tokio::fs::read(&path).await else {
        return not_found();
    };
    let mime = mime_guess::from_path(&path).first_or_octet_stream();
    let mut response = Response::new(Body::from(bytes));
    if let Ok(value) = HeaderValue::from_str(mime.as_ref()) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response.headers_mut().insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}
