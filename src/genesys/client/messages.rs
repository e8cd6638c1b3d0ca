//! What callers hand the client and get back.

use std::collections::BTreeMap;

use crate::genesys::customer::Customer;
use crate::genesys::error::Error;
use crate::genesys::types::NormalizedMessage;

/// An image (or other file) the customer sends, by public URL (`OpenContentAttachment`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    pub url: String,
    pub mime: String,
    pub filename: Option<String>,
}

impl ImageRef {
    /// From a public URL; mime and filename are guessed from its path.
    pub fn from_url(url: &str) -> Result<ImageRef, Error> {
        let parsed = url::Url::parse(url.trim()).map_err(|e| Error::Invalid {
            field: None,
            message: format!("Image URL \"{url}\" is not a URL ({e}): give a public http(s) URL Genesys can download"),
        })?;
        if parsed.scheme() != "https" && parsed.scheme() != "http" {
            return Err(Error::Invalid {
                field: None,
                message: format!("Image URL \"{url}\" must start with https:// so Genesys can download it"),
            });
        }
        let filename =
            parsed.path_segments().and_then(|mut s| s.next_back()).filter(|s| !s.is_empty()).map(str::to_string);
        let mime = filename
            .as_deref()
            .and_then(|f| mime_guess::from_path(f).first())
            .map(|m| m.essence_str().to_string())
            .unwrap_or_else(|| "image/jpeg".to_string());
        Ok(ImageRef { url: parsed.to_string(), mime, filename })
    }

    /// `Image`, `Video`, `Audio` or `File`, from the mime type.
    pub fn media_type(&self) -> &'static str {
        match self.mime.split('/').next().unwrap_or("") {
            "image" => "Image",
            "video" => "Video",
            "audio" => "Audio",
            _ => "File",
        }
    }
}

/// A customer message to post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    pub customer: Customer,
    pub text: Option<String>,
    pub image: Option<ImageRef>,
    /// Sent as `channel.metadata.customAttributes` (strings only).
    pub custom_attributes: BTreeMap<String, String>,
}

impl InboundMessage {
    pub fn text(customer: Customer, text: impl Into<String>) -> InboundMessage {
        InboundMessage { customer, text: Some(text.into()), image: None, custom_attributes: BTreeMap::new() }
    }
}

/// What Genesys answered to an inbound message.
#[derive(Debug, Clone, PartialEq)]
pub struct SentMessage {
    /// Genesys message id.
    pub id: String,
    /// Present because we always ask `prefetchConversationId=true`.
    pub conversation_id: Option<String>,
    pub correlation_id: Option<String>,
    /// The `channel.messageId` we generated.
    pub message_id: String,
    /// The full response.
    pub response: NormalizedMessage,
}

/// The outcome of an agent message, reported back to Genesys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReceiptStatus {
    Delivered,
    /// A `ConversationReason` code (e.g. `GeneralError`), and a free message.
    Failed {
        code: String,
        message: String,
    },
}

pub use crate::model::IntegrationSummary;
