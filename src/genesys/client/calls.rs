//! The Genesys operations of one account.

use reqwest::Method;
use uuid::Uuid;

use super::{Auth, Client, InboundMessage, IntegrationSummary, ReceiptStatus, SentMessage};
use crate::genesys::customer::Customer;
use crate::genesys::error::{Error, Step};
use crate::genesys::types::setup::{AvailableTopics, MessagingSetting, Recipient, SupportedContent, ThreadingWindow};
use crate::genesys::types::{
    AttachmentBody, ChannelMetadata, EventItem, InboundChannel, InboundContent, InboundEventBody, InboundMessageBody,
    InboundReceiptBody, Integration, IntegrationListing, NormalizedMessage, Party, Reason, ReceiptChannel, now_iso,
};

impl Client {
    /// The account's integration.
    pub async fn integration(&self) -> Result<Integration, Error> {
        let path = format!("/api/v2/conversations/messaging/integrations/open/{}", self.inner.integration_id);
        self.api_json(Step::Integration, Method::GET, &path, None::<&()>).await.map(|(v, _)| v)
    }

    /// The routing recipient `id` (the integration's `recipient`), with its flow.
    pub async fn recipient(&self, id: &str) -> Result<Recipient, Error> {
        let path = format!("/api/v2/routing/message/recipients/{}", segment(id));
        self.api_json(Step::Recipient, Method::GET, &path, None::<&()>).await.map(|(v, _)| v)
    }

    /// The messaging setting `id` (the integration's `messagingSetting`).
    pub async fn messaging_setting(&self, id: &str) -> Result<MessagingSetting, Error> {
        let path = format!("/api/v2/conversations/messaging/settings/{}", segment(id));
        self.api_json(Step::MessagingSetting, Method::GET, &path, None::<&()>).await.map(|(v, _)| v)
    }

    /// The supported content profile `id` (the integration's `supportedContent`).
    pub async fn supported_content(&self, id: &str) -> Result<SupportedContent, Error> {
        let path = format!("/api/v2/conversations/messaging/supportedcontent/{}", segment(id));
        self.api_json(Step::SupportedContent, Method::GET, &path, None::<&()>).await.map(|(v, _)| v)
    }

    /// The org's threading timeline.
    pub async fn threading_timeline(&self) -> Result<ThreadingWindow, Error> {
        let path = "/api/v2/conversations/messaging/threadingtimeline";
        self.api_json(Step::ThreadingTimeline, Method::GET, path, None::<&()>).await.map(|(v, _)| v)
    }

    /// The notification topic catalogue with each topic's required permissions
    /// (the Notifications API "requires no permissions" itself).
    pub async fn available_topics(&self) -> Result<AvailableTopics, Error> {
        let path = "/api/v2/notifications/availabletopics?expand=requiresPermissions";
        self.api_json(Step::Notifications, Method::GET, path, None::<&()>).await.map(|(v, _)| v)
    }

    /// Creates an Open Messaging integration (`OpenIntegrationRequest`: name,
    /// webhook URL and secret token are required). Genesys answers while still
    /// creating it (`createStatus: Initiated`): read it again with [`Self::integration_by_id`].
    pub async fn create_integration(
        &self,
        name: &str,
        webhook_url: &str,
        secret: &crate::config::SecretString,
    ) -> Result<Integration, Error> {
        let body = serde_json::json!({
            "name": name,
            "outboundNotificationWebhookUrl": webhook_url,
            "outboundNotificationWebhookSignatureSecretToken": secret.expose(),
        });
        let path = "/api/v2/conversations/messaging/integrations/open";
        self.api_json(Step::CreateIntegration, Method::POST, path, Some(&body)).await.map(|(v, _)| v)
    }

    /// Any integration of the org by id (not only the account's).
    pub async fn integration_by_id(&self, id: &str) -> Result<Integration, Error> {
        let path = format!("/api/v2/conversations/messaging/integrations/open/{}", segment(id));
        self.api_json(Step::Integration, Method::GET, &path, None::<&()>).await.map(|(v, _)| v)
    }

    /// Integrations of the org (first page of 100), for a picker.
    pub async fn integrations(&self) -> Result<Vec<IntegrationSummary>, Error> {
        let path = "/api/v2/conversations/messaging/integrations/open?pageSize=100&pageNumber=1";
        let (list, _): (IntegrationListing, _) =
            self.api_json(Step::Integrations, Method::GET, path, None::<&()>).await?;
        Ok(list
            .entities
            .into_iter()
            .map(|i| IntegrationSummary { id: i.id, name: i.name, status: i.status, create_status: i.create_status })
            .collect())
    }

    /// Points the integration's webhook at `url` (PATCH); also the URL it had
    /// before. The GUI calls this only after the user confirmed.
    pub async fn set_webhook_url(&self, url: &str) -> Result<(Integration, Option<String>), Error> {
        let (before, after) = self.patch_integration("outboundNotificationWebhookUrl", url).await?;
        Ok((after, before.outbound_notification_webhook_url))
    }

    /// Sets the integration's secret token (PATCH). Genesys signs every later delivery with it.
    pub async fn set_webhook_secret(&self, secret: &crate::config::SecretString) -> Result<Integration, Error> {
        let (_, after) =
            self.patch_integration("outboundNotificationWebhookSignatureSecretToken", secret.expose()).await?;
        Ok(after)
    }

    /// PATCHes one field of the integration; the integration before and after.
    /// `OpenIntegrationUpdateRequest.name` is required even on PATCH, so the
    /// current name is read first and sent back unchanged; fields left out keep their values.
    async fn patch_integration(&self, field: &str, value: &str) -> Result<(Integration, Integration), Error> {
        let before = self.integration().await?;
        let path = format!("/api/v2/conversations/messaging/integrations/open/{}", self.inner.integration_id);
        let body = serde_json::json!({ "name": before.name, field: value });
        let (after, _) = self.api_json(Step::SetWebhook, Method::PATCH, &path, Some(&body)).await?;
        Ok((before, after))
    }

    /// Posts a customer message (text and/or image by URL, custom attributes).
    pub async fn send_message(&self, message: &InboundMessage) -> Result<SentMessage, Error> {
        let text = message.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        if text.is_none() && message.image.is_none() {
            return Err(Error::Invalid {
                field: None,
                message: "Message is empty: type a text or attach an image".into(),
            });
        }
        let message_id = Uuid::new_v4().to_string();
        let body = InboundMessageBody {
            channel: InboundChannel {
                message_id: Some(message_id.clone()),
                from: message.customer.to_party(),
                time: now_iso(),
                metadata: (!message.custom_attributes.is_empty())
                    .then(|| ChannelMetadata { custom_attributes: message.custom_attributes.clone() }),
            },
            text: text.map(str::to_string),
            content: message
                .image
                .iter()
                .map(|img| InboundContent {
                    attachment: AttachmentBody {
                        id: None,
                        media_type: img.media_type().to_string(),
                        url: img.url.clone(),
                        mime: img.mime.clone(),
                        filename: img.filename.clone(),
                        text: None,
                    },
                })
                .collect(),
        };
        let path = format!(
            "/api/v2/conversations/messages/{}/inbound/open/message?prefetchConversationId=true",
            self.inner.integration_id
        );
        let (response, correlation_id): (NormalizedMessage, _) =
            self.api_json(Step::SendMessage, Method::POST, &path, Some(&body)).await?;
        Ok(SentMessage {
            id: response.id.clone(),
            conversation_id: response.conversation_id.clone(),
            correlation_id,
            message_id,
            response,
        })
    }

    /// Posts a typing event for the customer.
    pub async fn send_typing(&self, customer: &Customer) -> Result<NormalizedMessage, Error> {
        let body = InboundEventBody {
            channel: InboundChannel { message_id: None, from: customer.to_party(), time: now_iso(), metadata: None },
            events: vec![EventItem { event_type: "Typing".into(), typing: None }],
        };
        let path = format!("/api/v2/conversations/messages/{}/inbound/open/event", self.inner.integration_id);
        self.api_json(Step::SendTyping, Method::POST, &path, Some(&body)).await.map(|(v, _)| v)
    }

    /// The customer's answer to structured message `originating_message_id`
    /// (a quick reply, card button or date clicked).
    pub async fn send_button_response(
        &self,
        customer: &Customer,
        originating_message_id: &str,
        response: crate::genesys::types::structured::ButtonResponse,
    ) -> Result<NormalizedMessage, Error> {
        let body = crate::genesys::types::structured::InboundStructuredResponseBody {
            channel: InboundChannel { message_id: None, from: customer.to_party(), time: now_iso(), metadata: None },
            button_response: response,
            originating_message_id: originating_message_id.to_string(),
        };
        let path =
            format!("/api/v2/conversations/messages/{}/inbound/open/structured/response", self.inner.integration_id);
        self.api_json(Step::SendMessage, Method::POST, &path, Some(&body)).await.map(|(v, _)| v)
    }

    /// Tells Genesys what happened to agent message `message_id` (the webhook
    /// payload `id`) at customer `customer_id`. Every receipt is final
    /// (`isFinalReceipt: true`): the app offers "Mark failed" only before a
    /// receipt was sent. A 2xx answer whose `status` is `Failed` while we
    /// reported something else is a failure, with Genesys' reasons.
    pub async fn send_receipt(
        &self,
        customer_id: &str,
        message_id: &str,
        status: &ReceiptStatus,
    ) -> Result<NormalizedMessage, Error> {
        let (status, reasons) = match status {
            ReceiptStatus::Delivered => ("Delivered", Vec::new()),
            ReceiptStatus::Failed { code, message } => {
                ("Failed", vec![Reason { code: code.clone(), message: message.clone() }])
            }
        };
        let body = InboundReceiptBody {
            id: message_id.to_string(),
            channel: ReceiptChannel {
                to: Party {
                    id: customer_id.to_string(),
                    id_type: Some(crate::genesys::customer::IdType::detect(customer_id).as_str().to_string()),
                    ..Party::default()
                },
                time: now_iso(),
            },
            status: status.to_string(),
            reasons,
            is_final_receipt: true,
        };
        let path = format!("/api/v2/conversations/messages/{}/inbound/open/receipt", self.inner.integration_id);
        let (answer, _): (NormalizedMessage, _) =
            self.api_json(Step::SendReceipt, Method::POST, &path, Some(&body)).await?;
        let answered = answer.status.as_deref().unwrap_or(status);
        if answered.eq_ignore_ascii_case("failed") && status != "Failed" {
            let reasons = answer.reasons.iter().flatten().map(|r| r.describe()).collect();
            return Err(Error::Refused { step: Step::SendReceipt, status: answered.to_string(), reasons });
        }
        Ok(answer)
    }

    /// Downloads an agent attachment (at most `max_bytes`). Whether Genesys'
    /// download URLs need a token is not documented: try without, then, on
    /// 401/403, with the bearer token, but only when `may_send_token` (the
    /// delivery's signature was verified) and the URL is on one of the
    /// account's own Genesys hosts: a token never goes to a host a webhook
    /// payload merely named.
    pub async fn download(&self, url: &str, max_bytes: usize, may_send_token: bool) -> Result<Vec<u8>, Error> {
        let mut raw = self.with_retries(Step::Download, Method::GET, url, Auth::None, None).await?;
        if (raw.status == 401 || raw.status == 403) && may_send_token && self.is_token_host(url) {
            let token = self.bearer().await?;
            raw = self.with_retries(Step::Download, Method::GET, url, Auth::Bearer(token), None).await?;
        }
        if !(200..300).contains(&raw.status) {
            return Err(Error::Api {
                step: Step::Download,
                status: raw.status,
                url: url.to_string(),
                code: None,
                message: None,
                correlation_id: raw.correlation_id,
            });
        }
        if raw.body.len() > max_bytes {
            return Err(Error::Decode {
                step: Step::Download,
                url: url.to_string(),
                detail: format!("the attachment is larger than {max_bytes} bytes"),
            });
        }
        Ok(raw.body)
    }

    /// True when `url`'s origin is one the account's token may be sent to.
    pub fn is_token_host(&self, url: &str) -> bool {
        let Ok(parsed) = url::Url::parse(url) else { return false };
        let origin = parsed.origin().ascii_serialization();
        self.inner.token_origins.iter().any(|o| o.eq_ignore_ascii_case(&origin))
    }
}

/// `id` as one URL path segment: ids come from Genesys' own answers, but one
/// holding `/` or `?` must not reach another endpoint.
fn segment(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
