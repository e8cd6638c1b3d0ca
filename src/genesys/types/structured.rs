//! The customer's answer to a structured message: `OpenInboundStructuredResponseMessage`
//! with its `ContentButtonResponse` (request types, strict: every field the SDK
//! marks required is required here; https://github.com/MyPureCloud/platform-client-sdk-python/blob/master/build/docs/OpenInboundStructuredResponseMessage.md).

use serde::Serialize;

use super::InboundChannel;

/// `ContentButtonResponse.type`: only these three for Open Messaging (no
/// `ListPicker` or `Form`, which other conversation models allow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ButtonKind {
    Button,
    QuickReply,
    DatePicker,
}

impl ButtonKind {
    pub fn label(self) -> &'static str {
        match self {
            ButtonKind::Button => "button",
            ButtonKind::QuickReply => "quick reply",
            ButtonKind::DatePicker => "date",
        }
    }
}

/// `ContentButtonResponse`: what was clicked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ButtonResponse {
    #[serde(rename = "type")]
    pub kind: ButtonKind,
    pub text: String,
    pub payload: String,
}

/// `OpenInboundStructuredResponseMessage`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InboundStructuredResponseBody {
    pub channel: InboundChannel,
    pub button_response: ButtonResponse,
    pub originating_message_id: String,
}
