//! What the setup doctor reads besides the integration: its routing
//! recipient, messaging setting and supported content, and the org's
//! threading timeline. Responses, so every field is optional and unknown
//! values are kept as strings (models `Recipient`, `Flow`, `MessagingSetting`,
//! `EventSetting`, `TypingSetting`, `SettingDirection`, `SupportedContent`,
//! `MediaTypes`, `MediaTypeAccess`, `MediaType`, `ConversationThreadingWindow`:
//! https://github.com/MyPureCloud/platform-client-sdk-python/tree/master/build/docs).

use serde::{Deserialize, Serialize};

/// `Recipient`: links an Architect flow to the integration's address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recipient {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// The inbound message flow run for each new message; none = messages are not routed.
    #[serde(default)]
    pub flow: Option<FlowRef>,
    #[serde(default)]
    pub messenger_type: Option<String>,
}

/// The part of `Flow` the doctor shows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowRef {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    /// e.g. `INBOUNDSHORTMESSAGE`.
    #[serde(default, rename = "type")]
    pub flow_type: Option<String>,
}

/// `MessagingSetting` (only `event` is read).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagingSetting {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub event: Option<EventSetting>,
}

/// `EventSetting`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventSetting {
    #[serde(default)]
    pub typing: Option<TypingSetting>,
}

/// `TypingSetting`: `on` is the JSON key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypingSetting {
    #[serde(default)]
    pub on: Option<SettingDirection>,
}

/// `SettingDirection`: `Enabled` or `Disabled` per direction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingDirection {
    #[serde(default)]
    pub inbound: Option<String>,
    #[serde(default)]
    pub outbound: Option<String>,
}

impl MessagingSetting {
    /// `event.typing.on`, when set.
    pub fn typing(&self) -> Option<&SettingDirection> {
        self.event.as_ref()?.typing.as_ref()?.on.as_ref()
    }
}

/// `SupportedContent`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupportedContent {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub media_types: Option<MediaTypes>,
}

/// `MediaTypes`: without `allow`, all media is blocked in both directions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaTypes {
    #[serde(default)]
    pub allow: Option<MediaTypeAccess>,
}

/// `MediaTypeAccess`: the allowed types per direction.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaTypeAccess {
    #[serde(default)]
    pub inbound: Option<Vec<MediaType>>,
    #[serde(default)]
    pub outbound: Option<Vec<MediaType>>,
}

/// `MediaType`: an RFC 2046 type, wildcards allowed (`image/*`, `*/*`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaType {
    #[serde(default, rename = "type")]
    pub media_type: Option<String>,
}

impl SupportedContent {
    /// The allowed types of one direction (`inbound` = customer to agent); empty when none.
    pub fn allowed(&self, inbound: bool) -> Vec<&str> {
        let access = self.media_types.as_ref().and_then(|m| m.allow.as_ref());
        let list = access.and_then(|a| if inbound { a.inbound.as_ref() } else { a.outbound.as_ref() });
        list.map(|l| l.iter().filter_map(|t| t.media_type.as_deref()).collect()).unwrap_or_default()
    }
}

/// True when `mime` (e.g. `image/png`) matches one of `allowed` (`image/*`, `*/*`, exact).
pub fn media_allowed(allowed: &[&str], mime: &str) -> bool {
    let (kind, _) = mime.split_once('/').unwrap_or((mime, ""));
    allowed.iter().any(|a| {
        let a = a.trim();
        a == "*/*" || a.eq_ignore_ascii_case(mime) || a.strip_suffix("/*").is_some_and(|k| k.eq_ignore_ascii_case(kind))
    })
}

/// `ConversationThreadingWindow`: one timeout per messenger type, in minutes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadingWindow {
    #[serde(default)]
    pub settings: Vec<ThreadingSetting>,
    #[serde(default)]
    pub default_timeout_minutes: Option<i64>,
}

/// `ConversationThreadingWindowSetting`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadingSetting {
    #[serde(default)]
    pub messenger_type: Option<String>,
    #[serde(default)]
    pub timeout_in_minutes: Option<i64>,
}

impl ThreadingWindow {
    /// The timeout of Open Messaging (`open`), else the org's default.
    pub fn open_minutes(&self) -> Option<i64> {
        self.settings
            .iter()
            .find(|s| s.messenger_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("open")))
            .and_then(|s| s.timeout_in_minutes)
            .or(self.default_timeout_minutes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_match_exactly_or_by_wildcard() {
        assert!(media_allowed(&["*/*"], "image/png"));
        assert!(media_allowed(&["image/*"], "image/gif"));
        assert!(media_allowed(&["IMAGE/PNG"], "image/png"));
        assert!(!media_allowed(&["image/jpeg", "video/*"], "image/png"));
        assert!(!media_allowed(&[], "image/png"));
    }

    #[test]
    fn the_sdk_example_parses_and_unknown_fields_are_ignored() {
        let c: SupportedContent = serde_json::from_str(
            r#"{"id":"x","name":"n","version":3,"mediaTypes":{"allow":{"inbound":[{"type":"*/*"}],"outbound":[{"type":"image/*"},{"type":"video/mpeg"}]}}}"#,
        )
        .unwrap();
        assert_eq!(c.allowed(true), ["*/*"]);
        assert_eq!(c.allowed(false), ["image/*", "video/mpeg"]);
    }
}

/// `AvailableTopicEntityListing` (no paging fields).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AvailableTopics {
    #[serde(default)]
    pub entities: Vec<AvailableTopic>,
}

/// `AvailableTopic`: the fields the doctor reads (the rest are ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AvailableTopic {
    /// A topic template, e.g. `v2.detail.events.conversation.{id}.user.start`.
    #[serde(default)]
    pub id: Option<String>,
    /// The permissions needed to subscribe (only with `expand=requiresPermissions`).
    #[serde(default)]
    pub requires_permissions: Option<Vec<String>>,
}
