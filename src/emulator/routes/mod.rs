//! The emulator's HTTP surface: token, integrations (get/list/patch),
//! messaging settings, threading timeline, the four inbound endpoints, agent
//! downloads; faults, the rate limit and the request log in one middleware.

mod auth;
pub(crate) use auth::authorize;
pub(crate) mod errors;
mod inbound;
mod integrations;
mod limits;
mod setup;

use std::time::Instant;

use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{EmulatorEvent, EmulatorState, RequestRecord};
use crate::genesys::CORRELATION_HEADER;
use errors::{ApiError, RateLimited};

pub(crate) const INTEGRATIONS: &str = "/api/v2/conversations/messaging/integrations/open";
const INBOUND: &str = "/api/v2/conversations/messages/{id}/inbound/open";

/// The emulator's router. Serve it with `axum::serve` or test it with `oneshot`.
pub fn router(state: EmulatorState) -> Router {
    Router::new()
        .route("/oauth/token", post(auth::token))
        .route(INTEGRATIONS, get(integrations::list).post(integrations::create))
        .route(&format!("{INTEGRATIONS}/{{id}}"), get(integrations::get_one).patch(integrations::patch))
        .route("/api/v2/conversations/messaging/settings/{id}", get(integrations::messaging_setting))
        .route("/api/v2/conversations/messaging/threadingtimeline", get(integrations::threading_timeline))
        .route("/api/v2/routing/message/recipients/{id}", get(setup::recipient))
        .route("/api/v2/conversations/messaging/supportedcontent/{id}", get(setup::supported_content))
        .route("/api/v2/conversations/messages/{id}/details", get(super::sent::details))
        .route(&format!("{INBOUND}/message"), post(inbound::message))
        .route(&format!("{INBOUND}/event"), post(inbound::event))
        .route(&format!("{INBOUND}/receipt"), post(inbound::receipt))
        .route(&format!("{INBOUND}/structured/response"), post(inbound::structured_response))
        .route("/api/v2/downloads/{id}", get(download))
        .with_state(state.clone())
        .merge(state.notifications().routes())
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state, faults_and_log))
}

async fn not_found(req: Request) -> ApiError {
    ApiError::NotFound(format!("No resource at {} {}", req.method(), req.uri().path()))
}

/// Applies injected faults and the rate limit, stamps
/// `ININ-Correlation-ID`, logs the request.
async fn faults_and_log(State(state): State<EmulatorState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let path = req.uri().path_and_query().map(|p| p.to_string()).unwrap_or_else(|| req.uri().path().to_string());
    let is_api =
        req.uri().path().starts_with("/api/v2/conversations/") || req.uri().path().starts_with("/api/v2/routing/");
    let (delay, fault) = {
        let mut f = state.shared.faults.lock();
        let fault = if !is_api {
            None
        } else if f.rate_limited > 0 {
            f.rate_limited -= 1;
            Some(ApiError::TooManyRequests(RateLimited {
                retry_after: f.retry_after_secs,
                allowed: None,
                count: 0,
                legacy_headers: false,
            }))
        } else if f.server_errors > 0 {
            f.server_errors -= 1;
            Some(ApiError::Injected(f.server_error_status))
        } else {
            if f.expire_token_once {
                f.expire_token_once = false;
                state.shared.tokens.lock().clear();
            }
            None
        };
        (f.delay, fault)
    };
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    let mut response = match fault {
        Some(error) => error.into_response(),
        None => match limits::count(&state, &req) {
            Err(limited) => ApiError::TooManyRequests(limited).into_response(),
            Ok(budget) => {
                let mut response = next.run(req).await;
                if let Some(budget) = budget {
                    errors::legacy_headers(response.headers_mut(), budget.count, budget.allowed, budget.reset_secs);
                }
                response
            }
        },
    };
    if let Ok(v) = HeaderValue::from_str(&Uuid::new_v4().to_string()) {
        response.headers_mut().insert(CORRELATION_HEADER, v);
    }
    let record = RequestRecord {
        method,
        path,
        status: response.status().as_u16(),
        latency_ms: started.elapsed().as_millis() as u64,
    };
    tracing::debug!(method = %record.method, path = %record.path, status = record.status, "emulator request");
    state.emit(EmulatorEvent::Request(record));
    response
}

/// `integrationId` path values are compared case-insensitively (UUIDs).
fn same_id(state: &EmulatorState, id: &str) -> bool {
    id.eq_ignore_ascii_case(&state.config().integration_id)
}

fn integration_not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!("Open messaging integration {id} not found"))
}

/// `{"id": integrationId}`: the integration as a recipient.
fn integration_party(state: &EmulatorState) -> Value {
    json!({"id": state.config().integration_id})
}

/// The agent's image (any id serves the same small PNG).
async fn download(Path(_id): Path<String>) -> Response {
    ([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "max-age=3600")], super::AGENT_IMAGE).into_response()
}
