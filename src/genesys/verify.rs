//! The verify checklist: host, token, integration, webhook, secret, send,
//! then the setup doctor's checks ([`super::doctor`]). Each check passes,
//! warns, fails or is skipped because one it depends on failed; a failure
//! carries the account field to highlight.

use std::time::Duration;

use super::client::{Client, ClientOptions};
use super::customer::Customer;
use super::error::Error;
use super::types::Integration;
use crate::config::{Account, Field, Host};
use crate::model::traffic::TrafficSink;
use crate::model::verify::{Check, CheckId, CheckStatus, VerifyReport};

/// The customer id used by the optional send check.
pub const VERIFY_CUSTOMER_ID: &str = "genesys-desk-verify";

fn check(id: CheckId, status: CheckStatus, message: impl Into<String>, hint: impl Into<String>) -> Check {
    Check { id, status, message: message.into(), hint: hint.into(), field: None }
}

fn failed(id: CheckId, err: &Error) -> Check {
    Check { id, status: CheckStatus::Fail, message: err.user_message(), hint: hint_for(err), field: err.field() }
}

fn hint_for(err: &Error) -> String {
    match err.field() {
        Some(Field::Host) => "Check the Host URL: pick your org's region (the domain you log in to)".into(),
        Some(Field::ClientSecret) | Some(Field::ClientId) if err.is_forbidden() => format!(
            "Add a role with {} to the OAuth client (Admin > Integrations > OAuth > Roles)",
            err.step().map(|s| s.permission()).unwrap_or_default()
        ),
        Some(Field::ClientSecret) | Some(Field::ClientId) => {
            "Re-copy Client ID and secret from Admin > Integrations > OAuth, and check the region".into()
        }
        Some(Field::IntegrationId) => {
            "Copy the id from Admin > Message > Platforms > your Open Messaging integration".into()
        }
        _ => "Try again; quote the correlation id to Genesys support if it persists".into(),
    }
}

fn skipped(id: CheckId, because: CheckId) -> Check {
    check(id, CheckStatus::Skip, format!("Skipped: the {} check failed", because.as_str()), "")
}

/// Runs the checklist. `progress` sees each check as soon as it is known.
/// Runs the send check only when `include_send` (it posts a typing event).
pub async fn run(
    account: &Account,
    options: ClientOptions,
    include_send: bool,
    progress: impl FnMut(&Check),
) -> VerifyReport {
    run_with_traffic(account, options, include_send, None, progress).await
}

/// [`run`], reporting every request to `traffic`.
pub async fn run_with_traffic(
    account: &Account,
    options: ClientOptions,
    include_send: bool,
    traffic: Option<TrafficSink>,
    mut progress: impl FnMut(&Check),
) -> VerifyReport {
    let mut run = Run { report: VerifyReport::default(), progress: &mut progress };
    // host: the region (or custom host), and that its login host answers TCP.
    let host = host_check(&account.host, options.connect_timeout).await;
    let host_ok = host.status != CheckStatus::Fail;
    run.push(host);
    let client = match Client::new(account, options, traffic) {
        Ok(client) if host_ok => client,
        Ok(_) => return run.skip_missing(CheckId::Host),
        Err(e) => {
            run.push(failed(CheckId::Token, &e));
            return run.skip_missing(CheckId::Host);
        }
    };
    if !run.token(&client, account).await {
        return run.report;
    }
    let integration = run.integration(&client, account).await;
    let send = run.send(&client, include_send).await;
    match integration {
        Some(integration) => {
            let progress = &mut *run.progress;
            let checks = super::doctor::run(&client, integration, send, |c| progress(c)).await;
            run.report.checks.extend(checks);
        }
        None => {
            for &id in CheckId::DOCTOR {
                run.push(skipped(id, CheckId::Integration));
            }
        }
    }
    run.report
}

/// The report being built; every check is also handed to `progress` as it is made.
struct Run<'a, P: FnMut(&Check)> {
    report: VerifyReport,
    progress: &'a mut P,
}

impl<P: FnMut(&Check)> Run<'_, P> {
    fn push(&mut self, check: Check) {
        // The support log keeps each check's outcome (never a secret: messages name fields).
        tracing::info!(check = ?check.id, status = ?check.status, "verify: {}", check.message);
        (self.progress)(&check);
        self.report.checks.push(check);
    }

    /// Skips every check not made yet, because `because` failed.
    fn skip_missing(mut self, because: CheckId) -> VerifyReport {
        for id in CheckId::ALL.into_iter().skip(1) {
            if !self.report.checks.iter().any(|c| c.id == id) {
                self.push(skipped(id, because));
            }
        }
        self.report
    }

    /// The token check; false (with the later checks skipped) when no token was issued.
    async fn token(&mut self, client: &Client, account: &Account) -> bool {
        match client.token().await {
            Ok(info) => {
                let life = info.expires_in_secs.map(|s| format!(", valid {}", human_secs(s))).unwrap_or_default();
                let message = format!("Token issued for client {}{life}", account.client_id);
                self.push(check(CheckId::Token, CheckStatus::Pass, message, ""));
                true
            }
            Err(e) => {
                self.push(failed(CheckId::Token, &e));
                for id in CheckId::ALL.into_iter().skip(2) {
                    self.push(skipped(id, CheckId::Token));
                }
                false
            }
        }
    }

    /// The integration, then its webhook URL and secret; the integration for the doctor.
    async fn integration(&mut self, client: &Client, account: &Account) -> Option<Integration> {
        match client.integration().await {
            Ok(i) => {
                self.push(integration_check(&i));
                self.push(webhook_check(account, &i));
                self.push(secret_check(account, &i));
                Some(i)
            }
            Err(e) => {
                self.push(failed(CheckId::Integration, &e));
                self.push(skipped(CheckId::Webhook, CheckId::Integration));
                self.push(skipped(CheckId::Secret, CheckId::Integration));
                None
            }
        }
    }

    /// The optional send check: a typing event proves `conversation:message:receive`.
    /// Whether it passed, when it ran.
    async fn send(&mut self, client: &Client, include_send: bool) -> Option<bool> {
        let integration_failed =
            self.report.checks.iter().any(|c| c.id == CheckId::Integration && c.status == CheckStatus::Fail);
        if !include_send {
            let message = "Not requested (off by default: it posts a typing event)";
            self.push(check(CheckId::Send, CheckStatus::Skip, message, ""));
            None
        } else if integration_failed {
            self.push(skipped(CheckId::Send, CheckId::Integration));
            None
        } else {
            match client.send_typing(&Customer::new(VERIFY_CUSTOMER_ID)).await {
                Ok(_) => {
                    let message = "Typing event accepted: the client has conversation:message:receive";
                    self.push(check(CheckId::Send, CheckStatus::Pass, message, ""));
                    Some(true)
                }
                Err(e) => {
                    self.push(failed(CheckId::Send, &e));
                    Some(false)
                }
            }
        }
    }
}

async fn host_check(host: &Host, connect_timeout: Duration) -> Check {
    let base = host.login_base();
    let what = match host {
        Host::Region(r) => format!("Region {} ({}): {}", r.label, r.key, base),
        Host::Custom(url) => format!("Custom host {url} (emulator or test server)"),
    };
    let Some((name, port)) = url::Url::parse(&base).ok().and_then(|u| {
        Some((u.host_str()?.trim_matches(|c| c == '[' || c == ']').to_string(), u.port_or_known_default()?))
    }) else {
        return Check {
            field: Some(Field::Host),
            ..check(CheckId::Host, CheckStatus::Fail, format!("{what}: not a usable URL"), "Check the Host URL")
        };
    };
    let connect = tokio::time::timeout(connect_timeout, tokio::net::TcpStream::connect((name.as_str(), port))).await;
    match connect {
        Ok(Ok(_)) => check(CheckId::Host, CheckStatus::Pass, format!("{what}, reachable"), ""),
        Ok(Err(e)) => Check {
            field: Some(Field::Host),
            ..check(
                CheckId::Host,
                CheckStatus::Fail,
                format!("{what}: cannot connect to {name}:{port} ({e})"),
                "Check the Host URL: pick your org's region (the domain you log in to), or start the emulator",
            )
        },
        Err(_) => Check {
            field: Some(Field::Host),
            ..check(
                CheckId::Host,
                CheckStatus::Fail,
                format!("{what}: no connection to {name}:{port} within {} s", connect_timeout.as_secs_f32()),
                "Check the Host URL and your network (proxy, firewall)",
            )
        },
    }
}

fn integration_check(i: &Integration) -> Check {
    let name = if i.name.is_empty() { "(no name)".to_string() } else { format!("\"{}\"", i.name) };
    // Whether Genesys finished creating it is the integration-status check's.
    check(CheckId::Integration, CheckStatus::Pass, format!("Found {name}"), "")
}

fn webhook_check(account: &Account, i: &Integration) -> Check {
    let Some(url) = i.outbound_notification_webhook_url.as_deref().filter(|u| !u.trim().is_empty()) else {
        return check(
            CheckId::Webhook,
            CheckStatus::Warn,
            "The integration has no outbound webhook URL: agent replies go nowhere",
            "Set the webhook URL (Point webhook here, or Admin > Message > Platforms > your integration)",
        );
    };
    let custom = matches!(account.host, Host::Custom(_));
    let parsed = url::Url::parse(url);
    let mut problems = Vec::new();
    match &parsed {
        Ok(u) => {
            if u.scheme() != "https" {
                problems.push("is not https");
            }
            if u.port().is_some_and(|p| p != 443) {
                problems.push("uses a port other than 443");
            }
        }
        Err(_) => problems.push("is not a valid URL"),
    }
    let expected = account.public_webhook_url();
    if let Some(expected) = &expected
        && expected.trim_end_matches('/') != url.trim_end_matches('/')
    {
        return check(
            CheckId::Webhook,
            CheckStatus::Warn,
            format!("Webhook URL is {url}, but this account's public webhook URL is {expected}"),
            "Use Point webhook here, or update the integration's webhook URL in Genesys",
        );
    }
    if problems.is_empty() {
        let matched = if expected.is_some() { ", matches this account" } else { "" };
        return check(CheckId::Webhook, CheckStatus::Pass, format!("Webhook URL {url}{matched}"), "");
    }
    if custom {
        // The emulator delivers to local http URLs on any port, which real Genesys never would.
        return check(
            CheckId::Webhook,
            CheckStatus::Pass,
            format!("Webhook URL {url} (local emulator: http and any port are fine)"),
            "",
        );
    }
    check(
        CheckId::Webhook,
        CheckStatus::Warn,
        format!("Webhook URL {url} {}: Genesys only calls https on port 443", problems.join(" and ")),
        "Expose the listener through an https tunnel on port 443 and set that URL on the integration",
    )
}

fn secret_check(account: &Account, i: &Integration) -> Check {
    let theirs = i
        .outbound_notification_webhook_signature_secret_token
        .as_deref()
        .filter(|s| !s.is_empty() && !s.chars().all(|c| c == '*'));
    match (theirs, account.webhook_secret.as_ref()) {
        (Some(theirs), Some(ours)) => {
            if subtle::ConstantTimeEq::ct_eq(theirs.as_bytes(), ours.expose().as_bytes()).into() {
                check(CheckId::Secret, CheckStatus::Pass, "Webhook secret matches the integration's secret token", "")
            } else {
                Check {
                    field: Some(Field::WebhookSecret),
                    ..check(
                        CheckId::Secret,
                        CheckStatus::Fail,
                        "Webhook secret differs from the integration's secret token: signatures will not verify",
                        "Copy the Outbound Notification Webhook Signature Secret Token of the integration into the Webhook secret field",
                    )
                }
            }
        }
        (Some(_), None) => Check {
            field: Some(Field::WebhookSecret),
            ..check(
                CheckId::Secret,
                CheckStatus::Warn,
                "The account has no webhook secret: deliveries cannot be verified",
                "Copy the integration's secret token into the Webhook secret field",
            )
        },
        (None, _) => check(
            CheckId::Secret,
            CheckStatus::Warn,
            "Genesys did not return the integration's secret token: cannot compare (unknown)",
            "Make sure the Webhook secret field holds the integration's secret token",
        ),
    }
}

fn human_secs(secs: u64) -> String {
    if secs >= 3600 {
        format!("{} h", (secs + 1) / 3600)
    } else if secs >= 60 {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} s")
    }
}
