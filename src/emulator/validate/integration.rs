//! `OpenIntegrationUpdateRequest`, the body of
//! `PATCH /api/v2/conversations/messaging/integrations/open/{integrationId}`
//! (https://github.com/MyPureCloud/platform-client-sdk-python/blob/master/build/docs/OpenIntegrationUpdateRequest.md).

use serde_json::Value;

use super::{Check, bad, get, non_empty, object, opt_string, required, string, string_map};

/// What a valid update changes; `None` keeps the current value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationUpdate {
    pub name: String,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
}

/// `name` is required even though the method is PATCH (it is not marked
/// optional in the model). Everything else is optional.
pub fn integration_update(body: &Value) -> Check<IntegrationUpdate> {
    let root = object(body, "body")?;
    let (name, np) = required(root, "", "name")?;
    let name = non_empty(name, &np)?.to_string();
    for key in ["id", "selfUri"] {
        opt_string(root, "", key)?;
    }
    // SupportedContentReference and MessagingSettingRequestReference both
    // require `id`.
    for key in ["supportedContent", "messagingSetting"] {
        if let Some((reference, rp)) = get(root, "", key) {
            let reference = object(reference, &rp)?;
            let (id, ip) = required(reference, &rp, "id")?;
            non_empty(id, &ip)?;
        }
    }
    if let Some((headers, hp)) = get(root, "", "webhookHeaders") {
        string_map(headers, &hp)?;
    }
    let webhook_url = match get(root, "", "outboundNotificationWebhookUrl") {
        Some((url, up)) => Some(webhook_url(string(url, &up)?, &up)?),
        None => None,
    };
    let webhook_secret = match get(root, "", "outboundNotificationWebhookSignatureSecretToken") {
        Some((secret, sp)) => {
            let secret = string(secret, &sp)?;
            // "must be longer than 15 characters" is stated for create
            // (https://github.com/MyPureCloud/platform-client-sdk-python/blob/master/build/docs/OpenIntegrationRequest.md);
            // the update doc states no rule, so applying it here is assumed.
            if secret.chars().count() <= 15 {
                return Err(bad(&sp, "must be longer than 15 characters"));
            }
            Some(secret.to_string())
        }
        None => None,
    };
    Ok(IntegrationUpdate { name, webhook_url, webhook_secret })
}

/// Genesys posts only to https on the default port 443
/// (https://help.mypurecloud.com/articles/configure-an-open-messaging-integration/).
/// Loopback URLs (127.0.0.0/8, ::1, localhost) are accepted on any scheme
/// and port: a local emulator must be able to post to its own listener, and
/// a live org could never reach them anyway.
fn webhook_url(url: &str, field: &str) -> Check<String> {
    let parsed = url::Url::parse(url).map_err(|_| bad(field, format!("\"{url}\" is not a URL")))?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if loopback && matches!(parsed.scheme(), "http" | "https") {
        return Ok(url.to_string());
    }
    if parsed.scheme() != "https" || parsed.port_or_known_default() != Some(443) || parsed.host().is_none() {
        return Err(bad(field, format!("\"{url}\" must be an https URL on port 443")));
    }
    Ok(url.to_string())
}

/// What a valid `OpenIntegrationRequest` (the body of `POST .../integrations/open`) creates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationCreate {
    pub name: String,
    pub webhook_url: String,
    pub webhook_secret: String,
}

/// `name`, `outboundNotificationWebhookUrl` and
/// `outboundNotificationWebhookSignatureSecretToken` are required; the secret
/// "must be longer than 15 characters"
/// (https://github.com/MyPureCloud/platform-client-sdk-python/blob/master/build/docs/OpenIntegrationRequest.md).
pub fn integration_create(body: &Value) -> Check<IntegrationCreate> {
    let root = object(body, "body")?;
    let (name, np) = required(root, "", "name")?;
    let name = non_empty(name, &np)?.to_string();
    let (url, up) = required(root, "", "outboundNotificationWebhookUrl")?;
    let webhook_url = webhook_url(string(url, &up)?, &up)?;
    let (secret, sp) = required(root, "", "outboundNotificationWebhookSignatureSecretToken")?;
    let secret = string(secret, &sp)?;
    if secret.chars().count() <= 15 {
        return Err(bad(&sp, "must be longer than 15 characters"));
    }
    for key in ["id", "selfUri"] {
        opt_string(root, "", key)?;
    }
    if let Some((headers, hp)) = get(root, "", "webhookHeaders") {
        string_map(headers, &hp)?;
    }
    Ok(IntegrationCreate { name, webhook_url, webhook_secret: secret.to_string() })
}
