//! The verify checklist shared by the CLI and every screen.

use serde::{Deserialize, Serialize};

use crate::config::Field;

/// Checks in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckId {
    Host,
    Token,
    Integration,
    Webhook,
    Secret,
    Send,
    #[serde(rename = "integration-status")]
    IntegrationStatus,
    Route,
    Typing,
    Content,
    Threading,
    Permissions,
}

impl CheckId {
    /// The first six are the original checklist (ids kept stable); the setup doctor's follow.
    pub const ALL: [CheckId; 12] = [
        CheckId::Host,
        CheckId::Token,
        CheckId::Integration,
        CheckId::Webhook,
        CheckId::Secret,
        CheckId::Send,
        CheckId::IntegrationStatus,
        CheckId::Route,
        CheckId::Typing,
        CheckId::Content,
        CheckId::Threading,
        CheckId::Permissions,
    ];

    /// The setup doctor's checks (they need the integration): the ones after the original six.
    pub const DOCTOR: &'static [CheckId] = Self::ALL.split_at(6).1;

    pub fn as_str(self) -> &'static str {
        match self {
            CheckId::Host => "host",
            CheckId::Token => "token",
            CheckId::Integration => "integration",
            CheckId::Webhook => "webhook",
            CheckId::Secret => "secret",
            CheckId::Send => "send",
            CheckId::IntegrationStatus => "integration-status",
            CheckId::Route => "route",
            CheckId::Typing => "typing",
            CheckId::Content => "content",
            CheckId::Threading => "threading",
            CheckId::Permissions => "permissions",
        }
    }

    /// A short title for the checklist.
    pub fn title(self) -> &'static str {
        match self {
            CheckId::Host => "Host / region",
            CheckId::Token => "OAuth token",
            CheckId::Integration => "Integration",
            CheckId::Webhook => "Webhook URL",
            CheckId::Secret => "Webhook secret",
            CheckId::Send => "Send permission",
            CheckId::IntegrationStatus => "Integration status",
            CheckId::Route => "Message route",
            CheckId::Typing => "Typing events",
            CheckId::Content => "Attachments allowed",
            CheckId::Threading => "Threading timeline",
            CheckId::Permissions => "Permissions",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Pass,
    Warn,
    Fail,
    Skip,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Warn => "warn",
            CheckStatus::Fail => "fail",
            CheckStatus::Skip => "skip",
        }
    }
}

/// One line of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Check {
    pub id: CheckId,
    pub status: CheckStatus,
    /// One line: what was found.
    pub message: String,
    /// How to fix it (empty when nothing to fix).
    pub hint: String,
    /// The account field to highlight when this check fails.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field: Option<Field>,
}

/// A finished checklist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyReport {
    pub checks: Vec<Check>,
}

impl VerifyReport {
    /// True when no check failed.
    pub fn ok(&self) -> bool {
        self.checks.iter().all(|c| c.status != CheckStatus::Fail)
    }

    /// Plain-text report for "Copy report" and the CLI (never holds secrets:
    /// checks are built from messages that name fields, not their values).
    pub fn to_text(&self, account: &str) -> String {
        let mut out = format!("genesys-desk verify: {account}\n");
        for c in &self.checks {
            out.push_str(&format!("[{}] {:<18} {}\n", c.status.as_str(), c.id.as_str(), c.message));
            if !c.hint.is_empty() {
                out.push_str(&format!("       fix: {}\n", c.hint));
            }
        }
        out.push_str(if self.ok() { "result: ok\n" } else { "result: FAILED\n" });
        out
    }
}
