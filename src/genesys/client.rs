//! One HTTP client per account: OAuth token cache, retries (429 after
//! `Retry-After`, 502/503/504 with backoff, one token refresh on 401), and a
//! redacted traffic entry for every request.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use super::customer::Customer;
use super::error::{Error, Step};
use super::types::{
    AttachmentBody, ChannelMetadata, EventItem, InboundChannel, InboundContent, InboundEventBody, InboundMessageBody,
    InboundReceiptBody, Integration, IntegrationListing, NormalizedMessage, OAuthErrorBody, Party, Reason,
    ReceiptChannel, TokenResponse, now_iso,
};
use crate::config::{Account, SecretString};
use crate::model::traffic::{Direction, TrafficEntry, TrafficSink, redact_body, redact_headers};

/// Response header Genesys puts its correlation id in.
pub const CORRELATION_HEADER: &str = "ININ-Correlation-ID";

/// Timeouts and retry policy. `Default` is what the issue asks for; tests use
/// small values so they stay fast.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Retries after 429 and 502/503/504 (the first attempt is not counted).
    pub max_retries: u32,
    /// Wait after a 429 without a usable `Retry-After` header.
    pub default_retry_after: Duration,
    /// First backoff after 502/503/504; then ×3 each time (as the Java SDK).
    pub backoff_base: Duration,
    /// Longest wait we accept from a `Retry-After` header.
    pub max_retry_after: Duration,
    /// Refresh the token this long before Genesys says it expires.
    pub token_refresh_margin: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_retries: 3,
            default_retry_after: Duration::from_secs(3),
            backoff_base: Duration::from_secs(3),
            max_retry_after: Duration::from_secs(120),
            token_refresh_margin: Duration::from_secs(60),
        }
    }
}

/// An image (or other file) the customer sends, by public URL (`OpenContentAttachment`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub url: String,
    pub mime: String,
    pub filename: Option<String>,
}

impl ImageRef {
    /// From a public URL; mime and filename are guessed from its path.
    pub fn from_url(url: &str) -> Result<ImageRef, Error> {
        let parsed = url::Url::parse(url.trim()).map_err(|e| Error::Invalid {
            field: None,
            message: format!("Image URL \"{url}\" is not a URL ({e}): give a public http(s) URL Genesys can download"),
        })?;
        if parsed.scheme() != "https" && parsed.scheme() != "http" {
            return Err(Error::Invalid {
                field: None,
                message: format!("Image URL \"{url}\" must start with https:// so Genesys can download it"),
            });
        }
        let filename =
            parsed.path_segments().and_then(|mut s| s.next_back()).filter(|s| !s.is_empty()).map(str::to_string);
        let mime = filename
            .as_deref()
            .and_then(|f| mime_guess::from_path(f).first())
            .map(|m| m.essence_str().to_string())
            .unwrap_or_else(|| "image/jpeg".to_string());
        Ok(ImageRef { url: parsed.to_string(), mime, filename })
    }

    /// `Image`, `Video`, `Audio` or `File`, from the mime type.
    pub fn media_type(&self) -> &'static str {
        match self.mime.split('/').next().unwrap_or("") {
            "image" => "Image",
            "video" => "Video",
            "audio" => "Audio",
            _ => "File",
        }
    }
}

/// A customer message to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    pub customer: Customer,
    pub text: Option<String>,
    pub image: Option<ImageRef>,
    /// Sent as `channel.metadata.customAttributes` (strings only).
    pub custom_attributes: BTreeMap<String, String>,
}

impl InboundMessage {
    pub fn text(customer: Customer, text: impl Into<String>) -> InboundMessage {
        InboundMessage { customer, text: Some(text.into()), image: None, custom_attributes: BTreeMap::new() }
    }
}

/// What Genesys answered to an inbound message.
#[derive(Debug, Clone, PartialEq)]
pub struct SentMessage {
    /// Genesys message id.
    pub id: String,
    /// Present because we always ask `prefetchConversationId=true`.
    pub conversation_id: Option<String>,
    pub correlation_id: Option<String>,
    /// The `channel.messageId` we generated.
    pub message_id: String,
    /// The full response.
    pub response: NormalizedMessage,
}

/// The outcome of an agent message, reported back to Genesys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptStatus {
    Delivered,
    /// A `ConversationReason` code (e.g. `GeneralError`), and a free message.
    Failed {
        code: String,
        message: String,
    },
}

/// Id and name of an integration, for a picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationSummary {
    pub id: String,
    pub name: String,
}

struct CachedToken {
    token: SecretString,
    refresh_at: Instant,
    expires_in: Option<u64>,
}

/// A token as shown to people: never the value, only its lifetime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub expires_in_secs: Option<u64>,
}

struct Inner {
    http: reqwest::Client,
    account: String,
    api_base: String,
    login_base: String,
    client_id: String,
    client_secret: SecretString,
    integration_id: String,
    /// Where the bearer token may go besides the API base (attachment downloads).
    token_origins: Vec<String>,
    options: ClientOptions,
    traffic: Option<TrafficSink>,
    token: tokio::sync::Mutex<Option<CachedToken>>,
}

/// The Genesys Cloud client of one account. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("account", &self.inner.account)
            .field("api_base", &self.inner.api_base)
            .field("client_id", &self.inner.client_id)
            .field("integration_id", &self.inner.integration_id)
            .finish_non_exhaustive()
    }
}

/// A response read completely.
struct Raw {
    status: u16,
    body: Vec<u8>,
    correlation_id: Option<String>,
    retry_after: Option<Duration>,
}

enum Auth {
    None,
    Basic,
    Bearer(SecretString),
}

impl Client {
    /// Builds the client (rustls, keep-alive, timeouts from `options`).
    pub fn new(account: &Account, options: ClientOptions, traffic: Option<TrafficSink>) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .pool_idle_timeout(Duration::from_secs(90))
            .user_agent(concat!("genesys-desk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Invalid { field: None, message: format!("cannot build the HTTP client: {e}") })?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                account: account.name.clone(),
                api_base: account.host.api_base(),
                login_base: account.host.login_base(),
                client_id: account.client_id.to_string(),
                client_secret: account.client_secret.clone(),
                integration_id: account.integration_id.to_string(),
                token_origins: account.host.token_origins(),
                options,
                traffic,
                token: tokio::sync::Mutex::new(None),
            }),
        })
    }

    pub fn options(&self) -> &ClientOptions {
        &self.inner.options
    }

    pub fn api_base(&self) -> &str {
        &self.inner.api_base
    }

    pub fn login_base(&self) -> &str {
        &self.inner.login_base
    }

    /// Gets a token (from the cache while it is fresh).
    pub async fn token(&self) -> Result<TokenInfo, Error> {
        let mut guard = self.inner.token.lock().await;
        if let Some(cached) = guard.as_ref()
            && Instant::now() < cached.refresh_at
        {
            return Ok(TokenInfo { expires_in_secs: cached.expires_in });
        }
        let fresh = self.fetch_token().await?;
        let info = TokenInfo { expires_in_secs: fresh.expires_in };
        *guard = Some(fresh);
        Ok(info)
    }

    /// Forgets the cached token (next call fetches a new one).
    pub async fn forget_token(&self) {
        *self.inner.token.lock().await = None;
    }

    async fn bearer(&self) -> Result<SecretString, Error> {
        let mut guard = self.inner.token.lock().await;
        if let Some(cached) = guard.as_ref()
            && Instant::now() < cached.refresh_at
        {
            return Ok(cached.token.clone());
        }
        let fresh = self.fetch_token().await?;
        let token = fresh.token.clone();
        *guard = Some(fresh);
        Ok(token)
    }

    async fn fetch_token(&self) -> Result<CachedToken, Error> {
        let url = format!("{}/oauth/token", self.inner.login_base);
        let raw = self.with_retries(Step::Token, Method::POST, &url, Auth::Basic, None).await?;
        if !(200..300).contains(&raw.status) {
            let body: OAuthErrorBody = serde_json::from_slice(&raw.body).unwrap_or_default();
            return Err(Error::OAuth {
                step: Step::Token,
                status: raw.status,
                login_host: host_label(&self.inner.login_base),
                error: body.error,
                description: body.error_description.or(body.description),
                correlation_id: raw.correlation_id,
            });
        }
        let body: TokenResponse = serde_json::from_slice(&raw.body).map_err(|e| Error::Decode {
            step: Step::Token,
            url: url.clone(),
            detail: format!("no access_token in the token response ({e})"),
        })?;
        let lifetime = body.expires_in.map(Duration::from_secs).unwrap_or(Duration::from_secs(300));
        let margin = self.inner.options.token_refresh_margin.min(lifetime / 10);
        Ok(CachedToken {
            token: SecretString::new(body.access_token),
            refresh_at: Instant::now() + lifetime.saturating_sub(margin),
            expires_in: body.expires_in,
        })
    }

    /// The account's integration.
    pub async fn integration(&self) -> Result<Integration, Error> {
        let path = format!("/api/v2/conversations/messaging/integrations/open/{}", self.inner.integration_id);
        self.api_json(Step::Integration, Method::GET, &path, None::<&()>).await.map(|(v, _)| v)
    }

    /// Integrations of the org (first page of 100), for a picker.
    pub async fn integrations(&self) -> Result<Vec<IntegrationSummary>, Error> {
        let path = "/api/v2/conversations/messaging/integrations/open?pageSize=100&pageNumber=1";
        let (list, _): (IntegrationListing, _) =
            self.api_json(Step::Integrations, Method::GET, path, None::<&()>).await?;
        Ok(list.entities.into_iter().map(|i| IntegrationSummary { id: i.id, name: i.name }).collect())
    }

    /// Points the integration's webhook at `url` (PATCH). The GUI calls this
    /// only after the user confirmed. `OpenIntegrationUpdateRequest.name` is
    /// required even on PATCH, so the current name is read first and sent
    /// back unchanged; fields left out keep their values.
    pub async fn set_webhook_url(&self, url: &str) -> Result<Integration, Error> {
        let current = self.integration().await?;
        let path = format!("/api/v2/conversations/messaging/integrations/open/{}", self.inner.integration_id);
        let body = serde_json::json!({ "name": current.name, "outboundNotificationWebhookUrl": url });
        self.api_json(Step::SetWebhook, Method::PATCH, &path, Some(&body)).await.map(|(v, _)| v)
    }

    /// Posts a customer message (text and/or image by URL, custom attributes).
    pub async fn send_message(&self, message: &InboundMessage) -> Result<SentMessage, Error> {
        let text = message.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        if text.is_none() && message.image.is_none() {
            return Err(Error::Invalid {
                field: None,
                message: "Message is empty: type a text or attach an image".into(),
            });
        }
        let message_id = Uuid::new_v4().to_string();
        let body = InboundMessageBody {
            channel: InboundChannel {
                message_id: Some(message_id.clone()),
                from: message.customer.to_party(),
                time: now_iso(),
                metadata: (!message.custom_attributes.is_empty())
                    .then(|| ChannelMetadata { custom_attributes: message.custom_attributes.clone() }),
            },
            text: text.map(str::to_string),
            content: message
                .image
                .iter()
                .map(|img| InboundContent {
                    attachment: AttachmentBody {
                        id: None,
                        media_type: img.media_type().to_string(),
                        url: img.url.clone(),
                        mime: img.mime.clone(),
                        filename: img.filename.clone(),
                        text: None,
                    },
                })
                .collect(),
        };
        let path = format!(
            "/api/v2/conversations/messages/{}/inbound/open/message?prefetchConversationId=true",
            self.inner.integration_id
        );
        let (response, correlation_id): (NormalizedMessage, _) =
            self.api_json(Step::SendMessage, Method::POST, &path, Some(&body)).await?;
        Ok(SentMessage {
            id: response.id.clone(),
            conversation_id: response.conversation_id.clone(),
            correlation_id,
            message_id,
            response,
        })
    }

    /// Posts a typing event for the customer.
    pub async fn send_typing(&self, customer: &Customer) -> Result<NormalizedMessage, Error> {
        let body = InboundEventBody {
            channel: InboundChannel { message_id: None, from: customer.to_party(), time: now_iso(), metadata: None },
            events: vec![EventItem { event_type: "Typing".into(), typing: None }],
        };
        let path = format!("/api/v2/conversations/messages/{}/inbound/open/event", self.inner.integration_id);
        self.api_json(Step::SendTyping, Method::POST, &path, Some(&body)).await.map(|(v, _)| v)
    }

    /// Tells Genesys what happened to agent message `message_id` (the webhook
    /// payload `id`) at customer `customer_id`. Every receipt is final
    /// (`isFinalReceipt: true`): the app offers "Mark failed" only before a
    /// receipt was sent. A 2xx answer whose `status` is `Failed` while we
    /// reported something else is a failure, with Genesys' reasons.
    pub async fn send_receipt(
        &self,
        customer_id: &str,
        message_id: &str,
        status: &ReceiptStatus,
    ) -> Result<NormalizedMessage, Error> {
        let (status, reasons) = match status {
            ReceiptStatus::Delivered => ("Delivered", Vec::new()),
            ReceiptStatus::Failed { code, message } => {
                ("Failed", vec![Reason { code: code.clone(), message: message.clone() }])
            }
        };
        let body = InboundReceiptBody {
            id: message_id.to_string(),
            channel: ReceiptChannel {
                to: Party {
                    id: customer_id.to_string(),
                    id_type: Some(super::customer::IdType::detect(customer_id).as_str().to_string()),
                    ..Party::default()
                },
                time: now_iso(),
            },
            status: status.to_string(),
            reasons,
            is_final_receipt: true,
        };
        let path = format!("/api/v2/conversations/messages/{}/inbound/open/receipt", self.inner.integration_id);
        let (answer, _): (NormalizedMessage, _) =
            self.api_json(Step::SendReceipt, Method::POST, &path, Some(&body)).await?;
        let answered = answer.status.as_deref().unwrap_or(status);
        if answered.eq_ignore_ascii_case("failed") && status != "Failed" {
            let reasons = answer.reasons.iter().flatten().map(|r| r.describe()).collect();
            return Err(Error::Refused { step: Step::SendReceipt, status: answered.to_string(), reasons });
        }
        Ok(answer)
    }

    /// Downloads an agent attachment (at most `max_bytes`). Whether Genesys'
    /// download URLs need a token is not documented: try without, then, on
    /// 401/403, with the bearer token, but only when `may_send_token` (the
    /// delivery's signature was verified) and the URL is on one of the
    /// account's own Genesys hosts: a token never goes to a host a webhook
    /// payload merely named.
    pub async fn download(&self, url: &str, max_bytes: usize, may_send_token: bool) -> Result<Vec<u8>, Error> {
        let mut raw = self.with_retries(Step::Download, Method::GET, url, Auth::None, None).await?;
        if (raw.status == 401 || raw.status == 403) && may_send_token && self.is_token_host(url) {
            let token = self.bearer().await?;
            raw = self.with_retries(Step::Download, Method::GET, url, Auth::Bearer(token), None).await?;
        }
        if !(200..300).contains(&raw.status) {
            return Err(Error::Api {
                step: Step::Download,
                status: raw.status,
                url: url.to_string(),
                code: None,
                message: None,
                correlation_id: raw.correlation_id,
            });
        }
        if raw.body.len() > max_bytes {
            return Err(Error::Decode {
                step: Step::Download,
                url: url.to_string(),
                detail: format!("the attachment is larger than {max_bytes} bytes"),
            });
        }
        Ok(raw.body)
    }

    /// True when `url`'s origin is one the account's token may be sent to.
    pub fn is_token_host(&self, url: &str) -> bool {
        let Ok(parsed) = url::Url::parse(url) else { return false };
        let origin = parsed.origin().ascii_serialization();
        self.inner.token_origins.iter().any(|o| o.eq_ignore_ascii_case(&origin))
    }

    /// An authenticated API call that returns JSON. On 401 it fetches a new
    /// token once and tries again (an expired or revoked token).
    pub(crate) async fn api_json<B: Serialize, T: DeserializeOwned>(
        &self,
        step: Step,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<(T, Option<String>), Error> {
        let url = format!("{}{}", self.inner.api_base, path);
        let body = match body {
            Some(b) => Some(serde_json::to_vec(b).map_err(|e| Error::Invalid {
                field: None,
                message: format!("cannot encode the {} request: {e}", step.as_str()),
            })?),
            None => None,
        };
        let token = self.bearer().await?;
        let mut raw = self.with_retries(step, method.clone(), &url, Auth::Bearer(token), body.clone()).await?;
        if raw.status == 401 {
            tracing::debug!(step = step.as_str(), "401 from the API: fetching a new token once");
            self.forget_token().await;
            let token = self.bearer().await?;
            raw = self.with_retries(step, method, &url, Auth::Bearer(token), body).await?;
        }
        if !(200..300).contains(&raw.status) {
            let err: super::types::ErrorBody = serde_json::from_slice(&raw.body).unwrap_or_default();
            return Err(Error::Api {
                step,
                status: raw.status,
                url,
                code: err.code,
                message: err.message,
                correlation_id: raw.correlation_id,
            });
        }
        let value =
            serde_json::from_slice(if raw.body.is_empty() { b"{}" } else { &raw.body }).map_err(|e| Error::Decode {
                step,
                url: url.clone(),
                detail: format!("the JSON does not have the expected fields ({e})"),
            })?;
        Ok((value, raw.correlation_id))
    }

    /// Sends one logical request, retrying 429 (after `Retry-After`) and
    /// 502/503/504 (exponential backoff) up to `max_retries` times. Returns
    /// the last response whatever its status.
    async fn with_retries(
        &self,
        step: Step,
        method: Method,
        url: &str,
        auth: Auth,
        body: Option<Vec<u8>>,
    ) -> Result<Raw, Error> {
        let opts = &self.inner.options;
        let mut attempt = 0u32;
        let mut backoff = opts.backoff_base;
        loop {
            let raw = self.send_once(step, method.clone(), url, &auth, body.clone()).await?;
            let wait = match raw.status {
                429 => raw.retry_after.unwrap_or(opts.default_retry_after).min(opts.max_retry_after),
                502..=504 => {
                    let w = backoff;
                    backoff = backoff.saturating_mul(3);
                    w
                }
                _ => return Ok(raw),
            };
            if attempt >= opts.max_retries {
                return Ok(raw);
            }
            attempt += 1;
            tracing::debug!(
                step = step.as_str(),
                status = raw.status,
                wait_ms = wait.as_millis() as u64,
                attempt,
                "retrying after a retryable status"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// One HTTP exchange, reported to the traffic sink (redacted) and traced
    /// (method, URL, status, latency only: no headers, no bodies).
    async fn send_once(
        &self,
        step: Step,
        method: Method,
        url: &str,
        auth: &Auth,
        body: Option<Vec<u8>>,
    ) -> Result<Raw, Error> {
        let mut builder = self.inner.http.request(method.clone(), url).header("Accept", "application/json");
        let mut request_body = String::new();
        match auth {
            Auth::None => {}
            Auth::Basic => {
                builder = builder
                    .basic_auth(&self.inner.client_id, Some(self.inner.client_secret.expose()))
                    .form(&[("grant_type", "client_credentials")]);
                request_body = "grant_type=client_credentials".into();
            }
            Auth::Bearer(token) => {
                builder = builder.header("Authorization", format!("bearer {}", token.expose()));
            }
        }
        if let Some(body) = body {
            request_body = String::from_utf8_lossy(&body).into_owned();
            builder = builder.header("Content-Type", "application/json").body(body);
        }
        let request = builder.build().map_err(|e| Error::Invalid {
            field: Some(crate::config::Field::Host),
            message: format!("cannot build a request to {url}: {e}: check the Host URL"),
        })?;
        let mut entry = TrafficEntry::new(Direction::Outgoing, &self.inner.account, method.as_str(), url);
        entry.request_headers = header_pairs(request.headers());
        redact_headers(&mut entry.request_headers);
        entry.request_body = redact_body(&request_body);
        let started = Instant::now();
        let outcome = self.inner.http.execute(request).await;
        let result = match outcome {
            Ok(response) => {
                let status = response.status().as_u16();
                let headers = header_pairs(response.headers());
                let correlation_id =
                    response.headers().get(CORRELATION_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
                let retry_after = response
                    .headers()
                    .get("Retry-After")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<f64>().ok())
                    .filter(|s| s.is_finite() && *s >= 0.0)
                    .map(Duration::from_secs_f64);
                match response.bytes().await {
                    Ok(bytes) => {
                        entry.status = Some(status);
                        entry.correlation_id = correlation_id.clone();
                        entry.response_headers = headers;
                        redact_headers(&mut entry.response_headers);
                        entry.response_body = redact_body(&String::from_utf8_lossy(&bytes));
                        Ok(Raw { status, body: bytes.to_vec(), correlation_id, retry_after })
                    }
                    Err(e) => Err(self.transport_error(step, url, e)),
                }
            }
            Err(e) => Err(self.transport_error(step, url, e)),
        };
        entry.latency_ms = Some(started.elapsed().as_millis() as u64);
        if let Err(e) = &result {
            entry.error = Some(e.to_string());
        }
        tracing::debug!(
            account = %self.inner.account,
            method = %method,
            url,
            status = entry.status,
            latency_ms = entry.latency_ms,
            correlation_id = entry.correlation_id.as_deref(),
            error = entry.error.as_deref(),
            "genesys request"
        );
        if let Some(sink) = &self.inner.traffic {
            sink(entry);
        }
        result
    }

    fn transport_error(&self, step: Step, url: &str, e: reqwest::Error) -> Error {
        // reqwest's Display repeats the URL; the source chain has the cause.
        let detail = error_chain(&e);
        if e.is_timeout() {
            Error::Timeout { step, url: url.to_string(), after: self.inner.options.request_timeout }
        } else if e.is_connect() {
            Error::Connect { step, url: url.to_string(), detail }
        } else {
            Error::Transport { step, url: url.to_string(), detail }
        }
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    if parts.is_empty() { e.to_string() } else { parts.join(": ") }
}

fn header_pairs(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    headers.iter().map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect()
}

/// `login.mypurecloud.ie` or `127.0.0.1:8786`, for messages.
fn host_label(base: &str) -> String {
    url::Url::parse(base)
        .ok()
        .and_then(|u| u.host_str().map(|h| u.port().map(|p| format!("{h}:{p}")).unwrap_or_else(|| h.to_string())))
        .unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn image_refs_guess_mime_and_media_type() {
        let i = ImageRef::from_url("https://x.example/media/cat.png").unwrap();
        assert_eq!(i.mime, "image/png");
        assert_eq!(i.media_type(), "Image");
        assert_eq!(i.filename.as_deref(), Some("cat.png"));
        assert!(ImageRef::from_url("/tmp/cat.png").is_err());
        assert!(ImageRef::from_url("ftp://x.example/a.png").is_err());
    }

    #[test]
    fn the_token_goes_only_to_the_accounts_own_hosts() {
        let mut draft = crate::config::defaults::emulator_account_draft();
        draft.host = "mypurecloud.ie".into();
        let c = Client::new(&draft.parse().unwrap(), ClientOptions::default(), None).unwrap();
        assert!(c.is_token_host("https://api.mypurecloud.ie/api/v2/downloads/x"));
        assert!(c.is_token_host("https://api-downloads.mypurecloud.ie/x"));
        assert!(!c.is_token_host("https://api.mypurecloud.ie.evil.example/x"));
        assert!(!c.is_token_host("http://api.mypurecloud.ie/x"), "never over plain http");
        assert!(!c.is_token_host("https://api.mypurecloud.com/x"), "another region is another org");
        assert!(!c.is_token_host("https://cdn.example.com/a.png"));
        let emu = crate::config::defaults::emulator_account_draft().parse().unwrap();
        let c = Client::new(&emu, ClientOptions::default(), None).unwrap();
        assert!(c.is_token_host("http://127.0.0.1:8786/api/v2/downloads/x"));
        assert!(!c.is_token_host("http://127.0.0.1:9999/x"), "another port is another server");
    }

    #[test]
    fn default_options_are_the_documented_ones() {
        let o = ClientOptions::default();
        assert_eq!(o.connect_timeout, Duration::from_secs(10));
        assert_eq!(o.request_timeout, Duration::from_secs(30));
        assert_eq!(o.max_retries, 3);
        assert_eq!(o.default_retry_after, Duration::from_secs(3));
    }

    #[test]
    fn client_debug_hides_the_secret() {
        let account = crate::config::defaults::emulator_account_draft().parse().unwrap();
        let c = Client::new(&account, ClientOptions::default(), None).unwrap();
        let text = format!("{c:?}");
        assert!(!text.contains(crate::config::defaults::EMULATOR_CLIENT_SECRET), "{text}");
    }
}
