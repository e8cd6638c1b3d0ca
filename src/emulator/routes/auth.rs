//! `POST /oauth/token` (client credentials, HTTP Basic) and the bearer-token
//! and permission check of the API routes.

use std::collections::HashMap;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::json;
use uuid::Uuid;

use super::super::{EmulatorState, Permission};
use super::errors::{ApiError, oauth_error};

/// Client credentials as the SDK sends them: HTTP Basic and
/// `grant_type=client_credentials`
/// (https://github.com/MyPureCloud/platform-client-sdk-python/blob/master/build/PureCloudPlatformClientV2/api_client.py).
pub(super) async fn token(State(state): State<EmulatorState>, headers: HeaderMap, body: Bytes) -> Response {
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let Some((id, secret)) = basic_credentials(&headers) else {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client authentication failed: send the client id and secret with HTTP Basic",
        );
    };
    let config = state.config();
    if !id.eq_ignore_ascii_case(&config.client_id) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Client not found");
    }
    if secret != config.client_secret {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Bad client secret");
    }
    if form.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "grant_type must be client_credentials");
    }
    let token = format!("emu-{}", Uuid::new_v4().simple());
    {
        let mut tokens = state.shared.tokens.lock();
        // A long-running emulator issues a token per verify: forget the expired ones.
        let now = Instant::now();
        tokens.retain(|_, expires| *expires > now);
        tokens.insert(token.clone(), now + config.token_lifetime);
    }
    axum::Json(json!({
        "access_token": token,
        "token_type": "bearer",
        "expires_in": config.token_lifetime.as_secs(),
    }))
    .into_response()
}

fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

/// Checks the bearer token, then the permission the operation needs.
pub(crate) fn authorize(state: &EmulatorState, headers: &HeaderMap, permission: Permission) -> Result<(), ApiError> {
    if !super::super::token_valid(&state.shared.tokens, headers) {
        return Err(ApiError::BadCredentials);
    }
    if !state.permitted(permission) {
        return Err(ApiError::MissingPermission(permission));
    }
    Ok(())
}
