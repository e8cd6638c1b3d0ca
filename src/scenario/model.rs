//! A scenario file: who the simulated customer is and the steps it takes,
//! read from YAML (`yaml_serde`, the YAML organisation's maintained fork of
//! serde_yaml). Unknown keys are refused so a typo is an error, not a step
//! silently skipped.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

/// How long an expectation waits when the file gives no `within`.
pub const DEFAULT_WITHIN: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    /// The account to run as (default: the command line's `--account`, else Emulator).
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub customer: CustomerTemplate,
    /// Each step is one key (`say: …`), not a YAML tag (`!say …`).
    #[serde(with = "yaml_serde::with::singleton_map_recursive")]
    pub steps: Vec<Step>,
}

/// The simulated customer; `{n}` in any text is its number (1, 2, …).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerTemplate {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// LOW, MEDIUM, HIGH, URGENT (sent as the `priority` custom attribute, like the ticket form).
    #[serde(default)]
    pub priority: Option<String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

/// One step. In YAML a step is one key: `- say: "text"`, `- typing`,
/// `- expect_reply: { matches: "(?i)sorry", within: 30s }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Step {
    /// Post a text message.
    Say(String),
    /// Post an image (path relative to the scenario file).
    SendImage(PathBuf),
    /// Post a customer typing event.
    Typing,
    /// Do nothing for a while (`wait: 2s`).
    Wait(#[serde(with = "humantime_serde_like")] Duration),
    ExpectReply(ExpectReply),
    ExpectTyping(Within),
    ExpectAgentJoined(Within),
    ExpectAgentLeft(Within),
    ExpectConversationEnd(Within),
    ExpectReceipt(ExpectReceipt),
    /// Send a Failed receipt for the agent's last reply.
    FailLastReply,
}

impl Step {
    /// The step's key in the file (for reports).
    pub fn name(&self) -> &'static str {
        match self {
            Step::Say(_) => "say",
            Step::SendImage(_) => "send_image",
            Step::Typing => "typing",
            Step::Wait(_) => "wait",
            Step::ExpectReply(_) => "expect_reply",
            Step::ExpectTyping(_) => "expect_typing",
            Step::ExpectAgentJoined(_) => "expect_agent_joined",
            Step::ExpectAgentLeft(_) => "expect_agent_left",
            Step::ExpectConversationEnd(_) => "expect_conversation_end",
            Step::ExpectReceipt(_) => "expect_receipt",
            Step::FailLastReply => "fail_last_reply",
        }
    }

    /// How long an expectation waits; `None` for an action.
    pub fn within(&self) -> Option<Duration> {
        match self {
            Step::ExpectReply(e) => Some(e.within),
            Step::ExpectReceipt(e) => Some(e.within),
            Step::ExpectTyping(w)
            | Step::ExpectAgentJoined(w)
            | Step::ExpectAgentLeft(w)
            | Step::ExpectConversationEnd(w) => Some(w.within),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Within {
    #[serde(default = "default_within", with = "humantime_serde_like")]
    pub within: Duration,
}

impl Default for Within {
    fn default() -> Self {
        Within { within: DEFAULT_WITHIN }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectReply {
    /// The reply contains this text (case-sensitive).
    #[serde(default)]
    pub contains: Option<String>,
    /// The reply matches this regular expression (`regex` crate syntax).
    #[serde(default, with = "regex_text")]
    pub matches: Option<regex::Regex>,
    #[serde(default = "default_within", with = "humantime_serde_like")]
    pub within: Duration,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectReceipt {
    /// Sent, Delivered, Read, Failed, Published or Removed (the SDK's receipt statuses).
    pub status: ReceiptStatus,
    #[serde(default = "default_within", with = "humantime_serde_like")]
    pub within: Duration,
}

/// The statuses of `OpenNormalizedMessage.status`; a file naming another is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum ReceiptStatus {
    Sent,
    Delivered,
    Read,
    Failed,
    Published,
    Removed,
}

impl ReceiptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptStatus::Sent => "Sent",
            ReceiptStatus::Delivered => "Delivered",
            ReceiptStatus::Read => "Read",
            ReceiptStatus::Failed => "Failed",
            ReceiptStatus::Published => "Published",
            ReceiptStatus::Removed => "Removed",
        }
    }
}

fn default_within() -> Duration {
    DEFAULT_WITHIN
}

/// `30s`, `500ms`, `2m`, `1m 30s` (humantime), or a bare number of seconds.
mod humantime_serde_like {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, de::Error};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        Seconds(u64),
        Text(String),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        match Text::deserialize(d)? {
            Text::Seconds(s) => Ok(Duration::from_secs(s)),
            Text::Text(t) => humantime::parse_duration(t.trim())
                .map_err(|e| D::Error::custom(format!("\"{t}\" is not a duration ({e}): write e.g. 30s, 500ms or 2m"))),
        }
    }
}

mod regex_text {
    use serde::{Deserialize, Deserializer, de::Error};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<regex::Regex>, D::Error> {
        let Some(text) = Option::<String>::deserialize(d)? else { return Ok(None) };
        regex::Regex::new(&text).map(Some).map_err(|e| D::Error::custom(format!("not a regular expression: {e}")))
    }
}
