//! The setup doctor: what verify checks after the integration was read —
//! its creation status, message route (recipient flow), typing events,
//! attachments allowed, the org's threading timeline, and the permissions the
//! OAuth client lacks. Every probe is a GET (no side effects). A 403 makes its
//! check a warning naming the permission; the permissions check lists them all.

use std::time::Duration;

use super::client::Client;
use super::error::{Error, Step};
use super::types::Integration;
use super::types::setup::media_allowed;
use crate::genesys::notifications::CONVERSATION_TOPICS;
use crate::model::verify::{Check, CheckId, CheckStatus};

/// How often, and how far apart, an integration still `Initiated` is read again.
pub const CREATE_POLLS: u32 = 3;
pub const CREATE_POLL_INTERVAL: Duration = Duration::from_secs(1);

/// The image types an agent or customer usually sends.
const IMAGES: [&str; 3] = ["image/jpeg", "image/png", "image/gif"];

const ROLES: &str =
    "Admin > People & Permissions > Roles, then the role on Admin > Integrations > OAuth > your client > Roles";

fn check(id: CheckId, status: CheckStatus, message: impl Into<String>, hint: impl Into<String>) -> Check {
    Check { id, status, message: message.into(), hint: hint.into(), field: None }
}

/// What the doctor found, check by check, and the permissions refused.
#[derive(Debug, Default)]
pub(super) struct Findings {
    pub checks: Vec<Check>,
    missing: Vec<&'static str>,
}

impl Findings {
    /// A probe's failure: a 403 is a warning that names the permission (and
    /// is collected for the permissions check); anything else fails the check.
    fn refused(&mut self, id: CheckId, err: &Error) -> Check {
        let permission = err.step().map(Step::permission).unwrap_or_default();
        if err.is_forbidden() && !permission.is_empty() {
            self.missing.push(permission);
            return check(
                id,
                CheckStatus::Warn,
                format!("Not checked: the OAuth client lacks {permission} (403)"),
                format!("Add {permission} to a role of the OAuth client ({ROLES})"),
            );
        }
        check(
            id,
            CheckStatus::Fail,
            err.user_message(),
            "Try again; quote the correlation id to Genesys support if it persists",
        )
    }
}

/// Runs the doctor's checks on `integration` (already read by verify).
/// `send` is the send check's outcome when it ran (it proves `conversation:message:receive`).
pub(super) async fn run(
    client: &Client,
    integration: Integration,
    send: Option<bool>,
    mut progress: impl FnMut(&Check),
) -> Vec<Check> {
    let mut found = Findings::default();
    let mut push = |found: &mut Findings, c: Check| {
        progress(&c);
        found.checks.push(c);
    };
    let integration = settle(client, integration).await;
    let status = status_check(&integration);
    push(&mut found, status);
    let route = route_check(client, &integration, &mut found).await;
    push(&mut found, route);
    let typing = typing_check(client, &integration, &mut found).await;
    push(&mut found, typing);
    let content = content_check(client, &integration, &mut found).await;
    push(&mut found, content);
    let threading = threading_check(client, &mut found).await;
    push(&mut found, threading);
    let presence = presence_needs(client).await;
    let permissions = permissions_check(&found.missing, send, &presence);
    push(&mut found, permissions);
    found.checks
}

/// The integration, read again while Genesys is still creating it (`Initiated`).
async fn settle(client: &Client, mut integration: Integration) -> Integration {
    for _ in 0..CREATE_POLLS {
        if integration.create_status.as_deref() != Some("Initiated") {
            break;
        }
        tokio::time::sleep(CREATE_POLL_INTERVAL).await;
        match client.integration().await {
            Ok(again) => integration = again,
            Err(_) => break,
        }
    }
    integration
}

fn status_check(i: &Integration) -> Check {
    // `status` has no documented values (the SDK's OpenIntegration gives none;
    // "active" is what Genesys shows): shown as is, never judged.
    let status = i.status.as_deref().map(|s| format!(", status {s}")).unwrap_or_default();
    match i.create_status.as_deref() {
        Some("Completed") => {
            check(CheckId::IntegrationStatus, CheckStatus::Pass, format!("createStatus Completed{status}"), "")
        }
        Some("Error") => {
            let why = i.create_error.as_ref().and_then(|e| e.message.clone()).unwrap_or_else(|| "no details".into());
            check(
                CheckId::IntegrationStatus,
                CheckStatus::Fail,
                format!("Genesys could not create the integration (createStatus Error: {why})"),
                "Delete it and create it again (Admin > Message > Platforms), or use another Integration ID",
            )
        }
        Some("Initiated") => check(
            CheckId::IntegrationStatus,
            CheckStatus::Warn,
            format!(
                "Still being created (createStatus Initiated after {} s){status}",
                CREATE_POLLS * CREATE_POLL_INTERVAL.as_secs() as u32
            ),
            "Wait until Genesys finishes creating it, then verify again",
        ),
        other => check(
            CheckId::IntegrationStatus,
            CheckStatus::Warn,
            format!("createStatus {}{status}", other.unwrap_or("missing")),
            "Genesys sets createStatus Completed once the integration can be used",
        ),
    }
}

async fn route_check(client: &Client, i: &Integration, found: &mut Findings) -> Check {
    let fix = "Admin > Routing > Message Routing: assign an inbound message flow to this integration";
    let Some(id) = i.recipient.as_ref().map(|r| r.id.as_str()).filter(|id| !id.is_empty()) else {
        return check(
            CheckId::Route,
            CheckStatus::Fail,
            "The integration has no routing recipient: messages are not routed",
            fix,
        );
    };
    match client.recipient(id).await {
        Ok(r) => match r.flow {
            Some(flow) => {
                let name = flow.name.or(flow.id).unwrap_or_else(|| "(unnamed)".into());
                check(
                    CheckId::Route,
                    CheckStatus::Pass,
                    format!("Messages run the inbound message flow \"{name}\""),
                    "",
                )
            }
            None => check(
                CheckId::Route,
                CheckStatus::Fail,
                "No inbound message flow: a test message will never reach an agent",
                fix,
            ),
        },
        Err(e) => found.refused(CheckId::Route, &e),
    }
}

async fn typing_check(client: &Client, i: &Integration, found: &mut Findings) -> Check {
    let Some(id) = i.messaging_setting.as_ref().map(|r| r.id.as_str()).filter(|id| !id.is_empty()) else {
        return check(
            CheckId::Typing,
            CheckStatus::Skip,
            "The integration names no messaging setting (the org's default applies)",
            "",
        );
    };
    let setting = match client.messaging_setting(id).await {
        Ok(s) => s,
        Err(e) => return found.refused(CheckId::Typing, &e),
    };
    let on = |dir: Option<&String>| dir.is_some_and(|v| v.eq_ignore_ascii_case("Enabled"));
    let typing = setting.typing();
    let (inbound, outbound) =
        (on(typing.and_then(|t| t.inbound.as_ref())), on(typing.and_then(|t| t.outbound.as_ref())));
    let fix = "Admin > Message > Platforms > your integration > Messaging settings: enable typing indicators";
    match (inbound, outbound) {
        (true, true) => check(CheckId::Typing, CheckStatus::Pass, "Typing events on in both directions", ""),
        (true, false) => check(
            CheckId::Typing,
            CheckStatus::Warn,
            "Typing events off towards the bot: agent typing will not be shown",
            fix,
        ),
        (false, true) => check(
            CheckId::Typing,
            CheckStatus::Warn,
            "Typing events off towards Genesys: the agent will not see the customer typing",
            fix,
        ),
        (false, false) => check(
            CheckId::Typing,
            CheckStatus::Warn,
            "Typing events off: agent typing will not be shown, nor customer typing to the agent",
            fix,
        ),
    }
}

async fn content_check(client: &Client, i: &Integration, found: &mut Findings) -> Check {
    let Some(id) = i.supported_content.as_ref().map(|r| r.id.as_str()).filter(|id| !id.is_empty()) else {
        return check(CheckId::Content, CheckStatus::Skip, "The integration names no supported content profile", "");
    };
    let content = match client.supported_content(id).await {
        Ok(c) => c,
        Err(e) => return found.refused(CheckId::Content, &e),
    };
    let blocked = |inbound: bool| -> Vec<&str> {
        let allowed = content.allowed(inbound);
        IMAGES.iter().copied().filter(|m| !media_allowed(&allowed, m)).collect()
    };
    let (to_agent, to_customer) = (blocked(true), blocked(false));
    let name = content.name.clone().or(content.id.clone()).unwrap_or_else(|| id.to_string());
    if to_agent.is_empty() && to_customer.is_empty() {
        return check(
            CheckId::Content,
            CheckStatus::Pass,
            format!("Images allowed both ways (profile \"{name}\")"),
            "",
        );
    }
    let mut parts = Vec::new();
    if !to_agent.is_empty() {
        parts.push(format!("customer images {} are dropped", to_agent.join(", ")));
    }
    if !to_customer.is_empty() {
        parts.push(format!("agent images {} are not sent", to_customer.join(", ")));
    }
    check(
        CheckId::Content,
        CheckStatus::Warn,
        format!("Profile \"{name}\": {}", parts.join("; ")),
        "Admin > Message > Supported Content: allow image/* (or these types) in both directions",
    )
}

async fn threading_check(client: &Client, found: &mut Findings) -> Check {
    match client.threading_timeline().await {
        Ok(window) => match window.open_minutes() {
            Some(minutes) => check(
                CheckId::Threading,
                CheckStatus::Pass,
                format!(
                    "A message within {} of a conversation's end joins that conversation; a new test customer id starts a new one",
                    human_minutes(minutes)
                ),
                "",
            ),
            None => check(CheckId::Threading, CheckStatus::Pass, "No threading timeline set for Open Messaging", ""),
        },
        Err(e) => found.refused(CheckId::Threading, &e),
    }
}

/// The permissions presence's topics require, from Genesys' topic catalogue,
/// or why they are unknown. Whether the token has them is only known when a
/// chat subscribes (a subscription would create a channel: not a side-effect-free probe).
async fn presence_needs(client: &Client) -> Result<Vec<String>, String> {
    let topics = client.available_topics().await.map_err(|e| e.user_message())?;
    let presence = |id: &str| {
        id.starts_with("v2.detail.events.conversation.")
            && CONVERSATION_TOPICS.iter().any(|suffix| id.ends_with(&format!(".{suffix}")))
    };
    let mut needs: Vec<String> = topics
        .entities
        .into_iter()
        .filter(|t| t.id.as_deref().is_some_and(presence))
        .flat_map(|t| t.requires_permissions.unwrap_or_default())
        .collect();
    needs.sort();
    needs.dedup();
    Ok(needs)
}

fn permissions_check(missing: &[&'static str], send: Option<bool>, presence: &Result<Vec<String>, String>) -> Check {
    let receive = match send {
        Some(true) => "conversation:message:receive (send check)",
        Some(false) => "not conversation:message:receive (see the send check)",
        None => "conversation:message:receive not probed (the send check posts a typing event)",
    };
    let presence = match presence {
        Ok(needs) if needs.is_empty() => "presence's topics list no permission".to_string(),
        Ok(needs) => format!(
            "presence (agent joined/left) needs {} per Genesys' topic catalogue, checked when a chat subscribes",
            needs.join(", ")
        ),
        Err(e) => format!("presence's permissions unknown (topic catalogue: {e})"),
    };
    let receive = format!("{receive}; {presence}");
    if missing.is_empty() {
        return check(
            CheckId::Permissions,
            CheckStatus::Pass,
            format!("Every probed permission is granted; {receive}"),
            "",
        );
    }
    check(
        CheckId::Permissions,
        CheckStatus::Warn,
        format!("The OAuth client lacks {}; {receive}", missing.join(", ")),
        format!("Add them to a role of the OAuth client ({ROLES})"),
    )
}

fn human_minutes(minutes: i64) -> String {
    match minutes {
        m if m >= 1440 && m % 1440 == 0 => format!("{} days", m / 1440),
        m if m >= 60 && m % 60 == 0 => format!("{} h", m / 60),
        m => format!("{m} min"),
    }
}
