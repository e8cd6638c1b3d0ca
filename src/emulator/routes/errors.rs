//! Error answers of the API routes, all built by [`error_body`] in the shape
//! of the SDK's `ErrorBody`
//! (https://github.com/MyPureCloud/platform-client-sdk-python/blob/master/build/docs/ErrorBody.md),
//! and the OAuth error shape of `/oauth/token`.
//!
//! The SDK documents the fields, not the values: the `code` strings below
//! (`bad.request`, `bad.credentials`, `missing.permissions`, `not.found`) and
//! the messages are unconfirmed. The 429 body follows Genesys' announcement of
//! normalized 429 answers (code `too.many.requests.retry.after`, `Retry-After`
//! always set: https://developer.genesys.cloud/forum/t/normalized-platform-api-429-responses/12028). `bad.credentials`
//! with "Invalid login credentials." is what third-party test code records.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::super::Permission;
use super::super::validate::Invalid;

/// Why an API call failed; answered as an `ErrorBody`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ApiError {
    /// 400: a body or field does not match the request model.
    BadRequest(Invalid),
    /// 401: no token, or one this emulator did not issue or that expired.
    BadCredentials,
    /// 403: the OAuth client's roles lack this permission.
    MissingPermission(Permission),
    /// 404: no such integration, setting or route; the message says which.
    NotFound(String),
    /// 429: over the budget (or an injected rate-limit fault).
    TooManyRequests(RateLimited),
    /// An injected server error (500, 502, 503, 504...).
    Injected(u16),
}

/// The details of a 429.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RateLimited {
    /// Seconds until the window frees (`Retry-After`).
    pub retry_after: u64,
    /// The budget that was exceeded (`None` for an injected fault).
    pub allowed: Option<u32>,
    /// Requests counted in the window, this one included.
    pub count: u32,
    /// Also send the `inin-ratelimit-*` headers.
    pub legacy_headers: bool,
}

/// An `ErrorBody` answer (see [`error_json`]).
pub(crate) fn error_body(
    status: StatusCode,
    code: &str,
    message: &str,
    message_params: Map<String, Value>,
    details: Vec<Value>,
) -> Response {
    (status, axum::Json(error_json(status, code, message, message_params, details))).into_response()
}

/// The one builder of `ErrorBody` JSON. `messageParams` is always an object
/// (may be empty); `details` names the offending fields of a 400.
pub(crate) fn error_json(
    status: StatusCode,
    code: &str,
    message: &str,
    message_params: Map<String, Value>,
    details: Vec<Value>,
) -> Value {
    json!({
        "message": message,
        "code": code,
        "status": status.as_u16(),
        "messageParams": message_params,
        "contextId": Uuid::new_v4().to_string(),
        "details": details,
        "errors": [],
    })
}

fn params(pairs: &[(&str, &str)]) -> Map<String, Value> {
    pairs.iter().map(|(k, v)| (k.to_string(), json!(v))).collect()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::BadRequest(invalid) => error_body(
                StatusCode::BAD_REQUEST,
                "bad.request",
                &invalid.message,
                params(&[("field", &invalid.field)]),
                vec![json!({"errorCode": "invalid.value", "fieldName": invalid.field})],
            ),
            ApiError::BadCredentials => error_body(
                StatusCode::UNAUTHORIZED,
                "bad.credentials",
                "Invalid login credentials.",
                Map::new(),
                vec![],
            ),
            ApiError::MissingPermission(p) => error_body(
                StatusCode::FORBIDDEN,
                "missing.permissions",
                &format!(
                    "Unable to perform the requested action. You are missing the following permission(s): {}",
                    p.as_str()
                ),
                params(&[("permissions", p.as_str())]),
                vec![],
            ),
            ApiError::NotFound(message) => error_body(StatusCode::NOT_FOUND, "not.found", &message, Map::new(), vec![]),
            ApiError::TooManyRequests(limit) => too_many_requests(&limit),
            ApiError::Injected(status) => error_body(
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                "internal.server.error",
                "Injected server error (emulator fault)",
                Map::new(),
                vec![],
            ),
        }
    }
}

/// 429 with `Retry-After` in seconds, which Genesys documents for its rate
/// limits (https://developer.genesys.cloud/platform/api/rate-limits).
fn too_many_requests(limit: &RateLimited) -> Response {
    let status = StatusCode::TOO_MANY_REQUESTS;
    let message = format!("Rate limit exceeded the maximum. Retry the request in [{}] seconds", limit.retry_after);
    let mut body = error_json(status, "too.many.requests.retry.after", &message, Map::new(), vec![]);
    if let Some(allowed) = limit.allowed {
        // `limit` is an ErrorBody field; the key is the documented per-client
        // limit name (https://developer.genesys.cloud/organization/organization/limits#platform-api).
        // Its namespace value is unconfirmed.
        body["limit"] =
            json!({"key": "client.credentials.token.rate.per.minute", "namespace": "platform.api", "value": allowed});
    }
    let mut response = (status, axum::Json(body)).into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&limit.retry_after.to_string()) {
        headers.insert(header::RETRY_AFTER, v);
    }
    if limit.legacy_headers {
        legacy_headers(headers, limit.count, limit.allowed.unwrap_or(0), limit.retry_after);
    }
    response
}

/// `inin-ratelimit-count`, `-allowed`, `-reset`: Genesys announced their
/// removal from every response after 2021-06-05
/// (https://developer.genesys.cloud/forum/t/removal-of-inin-ratelimit-response-headers/10506),
/// so they are sent only when the emulator is asked to.
pub(crate) fn legacy_headers(headers: &mut axum::http::HeaderMap, count: u32, allowed: u32, reset_secs: u64) {
    for (name, value) in [
        ("inin-ratelimit-count", count.to_string()),
        ("inin-ratelimit-allowed", allowed.to_string()),
        ("inin-ratelimit-reset", reset_secs.to_string()),
    ] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
}

/// An OAuth error (`/oauth/token`): `error`, `error_description` and the
/// duplicate `description` a captured Genesys answer carries
/// (https://github.com/GForceIndustries/GCCX-Utils/blob/main/README.md).
pub(crate) fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = json!({"error": error, "description": description, "error_description": description});
    (status, axum::Json(body)).into_response()
}
