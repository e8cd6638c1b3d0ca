//! One HTTP client per account: OAuth token cache, retries (429 after
//! `Retry-After`, 502/503/504 with backoff, one token refresh on 401), and a
//! redacted traffic entry for every request.
//!
//! - `calls`: the Genesys operations (integration, inbound message, typing, receipt, download).
//! - `http`: one logical request with retries, and one exchange with its traffic entry.
//! - `messages`: what callers hand in and get back (`InboundMessage`, `SentMessage`, ...).

mod calls;
mod http;
mod messages;

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::{Error, Step};
use super::types::{OAuthErrorBody, TokenResponse};
use crate::config::{Account, SecretString};
use crate::model::traffic::TrafficSink;

pub use messages::{ImageRef, InboundMessage, IntegrationSummary, ReceiptStatus, SentMessage};

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
}

/// `login.mypurecloud.ie` or `127.0.0.1:8786`, for messages.
fn host_label(base: &str) -> String {
    url::Url::parse(base)
        .ok()
        .and_then(|u| u.host_str().map(|h| u.port().map(|p| format!("{h}:{p}")).unwrap_or_else(|| h.to_string())))
        .unwrap_or_else(|| base.to_string())
}

#[cfg(test)]
mod tests;
