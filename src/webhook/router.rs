//! Routes and handlers. The state holds the accounts behind a lock so the GUI
//! can edit them while the listener runs.

use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use axum::Extension;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use time::OffsetDateTime;

pub use super::caller::local_caller;
use super::limits::{RejectLimits, RejectSampler, Sample, cut_bytes, cut_chars};
use super::media::MediaStore;
use super::message::OutboundMessage;
pub use super::refusal::HookError;
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
    rejects: RejectSampler,
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
                rejects: RejectSampler::new(config.rejects),
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
        .find(|a| crate::config::account::same_name(&a.name, name))
        .or_else(|| accounts.iter().find(|a| a.name == ANY_ACCOUNT))
        .map(|a| WebhookAccount {
            name: if a.name == ANY_ACCOUNT { name.to_string() } else { a.name.clone() },
            ..a.clone()
        })
}

/// One webhook request as received.
struct Incoming<'a> {
    path_name: &'a str,
    /// The caller is on this machine and not behind a tunnel or proxy.
    local: bool,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    body: Result<Bytes, BodyError>,
    received_at: OffsetDateTime,
}

/// A request judged, before anything is stored: the traffic row (without its
/// answer), what to store with it, and the outcome.
struct Judged {
    traffic: TrafficEntry,
    delivery: Delivery,
    record_key: Option<crate::storage::DeliveryKey>,
    chat: Option<crate::model::ChatMessage>,
    receipt: Option<(String, crate::model::DeliveryStatus)>,
    outcome: Result<(), HookError>,
    /// The account's fault mode, for a delivery that was accepted.
    fault: Option<super::fault::Fault>,
}

/// Judges a request against the accounts (no I/O): account, body, signature, message.
fn judge(incoming: Incoming<'_>, accounts: &[WebhookAccount], max_body_bytes: usize, name_chars: usize) -> Judged {
    let found = find_account(accounts, incoming.path_name);
    // An unknown path is whatever the caller sent: kept (and echoed) cut short.
    let account_name = found.as_ref().map_or_else(|| cut_chars(incoming.path_name, name_chars), |a| a.name.clone());
    let mut traffic = TrafficEntry::new(Direction::Incoming, &account_name, "POST", &incoming.uri.to_string());
    traffic.at = incoming.received_at;
    traffic.request_headers = incoming
        .headers
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    redact_headers(&mut traffic.request_headers);
    let mut judged = Judged {
        traffic,
        delivery: Delivery {
            account: account_name,
            traffic: TrafficEntry::new(Direction::Incoming, "", "", ""),
            message: None,
            chat_message: None,
            mistake: None,
            attempt: 1,
            duplicate: false,
            accepted_unsigned: false,
        },
        record_key: None,
        chat: None,
        receipt: None,
        outcome: Ok(()),
        fault: None,
    };
    judged.outcome = judged.accept(found, &incoming, accounts, max_body_bytes);
    if let Err(HookError::UnknownAccount { name, .. }) = &mut judged.outcome {
        name.clone_from(&judged.delivery.account);
    }
    judged
}

impl Judged {
    fn accept(
        &mut self,
        found: Option<WebhookAccount>,
        incoming: &Incoming<'_>,
        accounts: &[WebhookAccount],
        max_body_bytes: usize,
    ) -> Result<(), HookError> {
        let Some(account) = found else {
            // The names are for the person setting up on this machine; a caller
            // through a public tunnel learns nothing about the accounts.
            let known = incoming.local.then(|| {
                let known: Vec<&str> = accounts.iter().map(|a| a.name.as_str()).collect();
                if known.is_empty() { "none".to_string() } else { known.join(", ") }
            });
            return Err(HookError::UnknownAccount { name: incoming.path_name.to_string(), known });
        };
        if account.events_off {
            self.traffic.explanation =
                Some(format!("Events are switched off for account \"{}\": not passed on to chats", account.name));
            return Err(HookError::EventsOff { name: account.name.clone(), local: incoming.local });
        }
        let body = match &incoming.body {
            Ok(body) => body,
            Err(BodyError::TooLarge) => return Err(HookError::TooLarge { limit: max_body_bytes }),
            Err(BodyError::Unreadable(text)) => {
                return Err(HookError::Body { status: StatusCode::BAD_REQUEST, text: text.clone() });
            }
        };
        self.traffic.request_body = redact_body(&String::from_utf8_lossy(body));
        self.check_signature(&account, accounts, incoming.headers, body)?;
        let message = OutboundMessage::parse(body)?;
        self.record_key = message.delivery_key();
        self.receipt = message.receipt_update();
        self.chat = Some(message.to_chat_message(&account.name, incoming.received_at));
        self.delivery.message = Some(message);
        self.fault = account.fault;
        Ok(())
    }

    /// The verdict, its explanation and mistake; refused unless valid, no
    /// secret configured, or the account's debug switch accepts it (marked).
    fn check_signature(
        &mut self,
        account: &WebhookAccount,
        accounts: &[WebhookAccount],
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(), HookError> {
        let secret = account.webhook_secret.as_ref().filter(|s| !s.is_empty());
        let ours: Vec<&str> = secret.map(|s| s.expose()).into_iter().collect();
        let others: Vec<(&str, &str)> = accounts
            .iter()
            .filter(|a| !a.name.eq_ignore_ascii_case(&account.name) && a.name != ANY_ACCOUNT)
            .filter_map(|a| a.webhook_secret.as_ref().filter(|s| !s.is_empty()).map(|s| (a.name.as_str(), s.expose())))
            .collect();
        let header = headers.get(SIGNATURE_HEADER).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let (verdict, mistake) = signature::check(&ours, &others, body, header.as_deref());
        self.traffic.verdict = Some(verdict);
        self.traffic.explanation = signature::describe(verdict, mistake.as_ref());
        self.delivery.mistake = mistake;
        if matches!(verdict, SignatureVerdict::Valid | SignatureVerdict::NoSecretConfigured) {
            return Ok(());
        }
        if !account.accept_unsigned {
            let explanation = self.traffic.explanation.clone().unwrap_or_else(|| "signature rejected".into());
            return Err(HookError::Signature(explanation));
        }
        self.delivery.accepted_unsigned = true;
        self.traffic.explanation = Some(format!(
            "ACCEPTED UNSIGNED (debug switch on account \"{}\"): {}",
            account.name,
            self.traffic.explanation.as_deref().unwrap_or(verdict.as_str())
        ));
        Ok(())
    }
}

/// Handles one delivery: judged, stored, reported, answered (as a fault mode
/// says, if one is on) — only after its traffic row is committed.
async fn receive(
    State(state): State<ListenerState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    hangup: Option<Extension<super::fault::Hangup>>,
    Path(path_name): Path<String>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, HookError> {
    let started = Instant::now();
    let body = read_body(&headers, body, state.inner.max_body_bytes).await;
    // From here on the delivery is a few microseconds from the writer's queue.
    let announced = state.inner.writer.on_its_way();
    let accounts = state.accounts();
    let local = local_caller(peer.map(|Extension(ConnectInfo(addr))| addr), &headers);
    let received_at = OffsetDateTime::now_utc();
    let incoming = Incoming { path_name: &path_name, local, uri: &uri, headers: &headers, body, received_at };
    let limits = state.inner.rejects.limits();
    let Judged { mut traffic, mut delivery, record_key, chat, receipt, outcome, fault } =
        judge(incoming, &accounts, state.inner.max_body_bytes, limits.name_chars);
    let (status, answer) = match &outcome {
        Ok(()) => (StatusCode::OK, String::new()),
        Err(e) => (e.status(), e.to_string()),
    };
    if outcome.is_err() {
        match state.inner.rejects.sample(&delivery.account, Instant::now()) {
            // Answered the same, not stored nor shown: counted on the next stored row.
            Sample::Skip => return outcome.map(|()| "".into_response()),
            Sample::Store { skipped } => cut_rejected(&mut traffic, &limits, skipped),
        }
    }
    traffic.status = Some(status.as_u16());
    traffic.response_body = answer;
    traffic.latency_us = Some(crate::model::traffic::micros(started.elapsed()));
    let record = DeliveryRecord { traffic, key: record_key, message: chat, receipt };
    let (stored, record) = state.inner.writer.insert_delivery(record, Some(announced)).await.map_err(|err| {
        tracing::error!("webhook delivery for {} not stored: {err}", delivery.account);
        HookError::NotStored(err)
    })?;
    let DeliveryRecord { mut traffic, message: chat, .. } = record;
    traffic.id = Some(stored.traffic_id);
    delivery.attempt = stored.attempt;
    delivery.duplicate = stored.duplicate;
    delivery.chat_message = chat.map(|mut m| {
        m.id = stored.message_id;
        m
    });
    let (answer, delay) = match fault.filter(|_| outcome.is_ok()) {
        Some(fault) => super::fault::answer(fault, stored.attempt, &mut traffic, &state.inner.writer).await,
        None => ("".into_response(), std::time::Duration::ZERO),
    };
    delivery.traffic = traffic;
    // Work after storing (showing it) never delays the answer.
    let _ = state.inner.sink.send(delivery);
    if let (Some(super::fault::Fault::Drop), Some(Extension(hangup))) = (fault.filter(|_| outcome.is_ok()), hangup) {
        hangup.0.cancel();
        std::future::pending::<()>().await;
    }
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    outcome.map(|()| answer)
}

/// Most request headers kept of a refused request.
const REJECTED_HEADERS: usize = 32;
/// Characters kept of each header value of a refused request.
const REJECTED_HEADER_CHARS: usize = 256;

/// A refused request as stored: body, URL, headers cut to `limits`, and the
/// count of the similar ones not stored since the last stored one.
fn cut_rejected(traffic: &mut TrafficEntry, limits: &RejectLimits, skipped: u64) {
    traffic.request_body = cut_bytes(&traffic.request_body, limits.body_bytes);
    traffic.url = cut_chars(&traffic.url, limits.url_chars);
    traffic.request_headers.truncate(REJECTED_HEADERS);
    for (name, value) in &mut traffic.request_headers {
        *name = cut_chars(name, REJECTED_HEADER_CHARS);
        *value = cut_chars(value, REJECTED_HEADER_CHARS);
    }
    if skipped > 0 {
        let note = format!("{skipped} more refused request(s) to this path were answered but not stored (rate limit)");
        traffic.explanation = Some(match traffic.explanation.take() {
            Some(text) => format!("{text}; {note}"),
            None => note,
        });
    }
}

/// Why a delivery's body could not be had.
#[derive(Debug)]
enum BodyError {
    /// Longer than the limit, announced by `Content-Length` or found while reading.
    TooLarge,
    /// The connection failed while the body was read.
    Unreadable(String),
}

/// Reads the body up to `limit` bytes. A `Content-Length` over the limit is
/// refused before a byte of the body is read, so an oversized delivery costs
/// the listener nothing.
async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, BodyError> {
    let announced =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let too_large = std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
        if too_large { BodyError::TooLarge } else { BodyError::Unreadable(format!("the body could not be read: {e}")) }
    })
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
