//! The Genesys client speaks the REST side of notifications with its token
//! cache, retries and traffic recording.

use reqwest::Method;

use super::{ApiError, Channel, ChannelTopic, ConversationSnapshot, NotificationsApi, parse_topics};
use crate::genesys::{Client, Error, Step};

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError { status: e.status(), message: e.user_message() }
    }
}

impl NotificationsApi for Client {
    async fn create_channel(&self) -> Result<Channel, ApiError> {
        let path = "/api/v2/notifications/channels";
        let (channel, _) = self.api_json::<(), Channel>(Step::Notifications, Method::POST, path, None).await?;
        Ok(channel)
    }

    async fn add_subscriptions(&self, channel_id: &str, topics: &[String]) -> Result<Vec<ChannelTopic>, ApiError> {
        subscribe(self, Method::POST, channel_id, topics).await
    }

    async fn replace_subscriptions(&self, channel_id: &str, topics: &[String]) -> Result<Vec<ChannelTopic>, ApiError> {
        subscribe(self, Method::PUT, channel_id, topics).await
    }

    async fn conversation(&self, conversation_id: &str) -> Result<ConversationSnapshot, ApiError> {
        let path = format!("/api/v2/conversations/messages/{conversation_id}");
        let (snapshot, _) =
            self.api_json::<(), ConversationSnapshot>(Step::Notifications, Method::GET, &path, None).await?;
        Ok(snapshot)
    }
}

/// Without `ignoreErrors=true` Genesys answers 403 for the whole request when
/// any topic fails its permission check, and subscribes nothing; with it, each
/// topic comes back `Permitted` or `Rejected` with its `missingPermissions`
/// (the `ignoreErrors` query parameter of `NotificationsApi.md` in the official SDK).
async fn subscribe(
    client: &Client,
    method: Method,
    channel_id: &str,
    topics: &[String],
) -> Result<Vec<ChannelTopic>, ApiError> {
    let path = format!("/api/v2/notifications/channels/{channel_id}/subscriptions?ignoreErrors=true");
    let body: Vec<serde_json::Value> = topics.iter().map(|t| serde_json::json!({ "id": t })).collect();
    let (answer, _) = client.api_json::<_, serde_json::Value>(Step::Notifications, method, &path, Some(&body)).await?;
    parse_topics(&answer.to_string()).map_err(|message| ApiError { status: None, message })
}
