//! One logical request with retries, and one HTTP exchange reported to the
//! traffic sink (redacted) and traced (method, URL, status, latency only).

use std::time::{Duration, Instant};

use reqwest::Method;

use super::{Auth, CORRELATION_HEADER, Client, Raw};
use crate::genesys::error::{Error, Step};
use crate::model::traffic::{Direction, TrafficEntry, redact_body, redact_headers};

impl Client {
    /// Sends one logical request, retrying 429 (after `Retry-After`) and
    /// 502/503/504 (exponential backoff) up to `max_retries` times. Returns
    /// the last response whatever its status.
    pub(super) async fn with_retries(
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
        entry.latency_us = Some(crate::model::traffic::micros(started.elapsed()));
        if let Err(e) = &result {
            entry.error = Some(e.to_string());
        }
        // At info: the log file keeps every Genesys call (no headers, no bodies).
        tracing::info!(
            account = %self.inner.account,
            method = %method,
            url,
            status = entry.status,
            latency_us = entry.latency_us,
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
