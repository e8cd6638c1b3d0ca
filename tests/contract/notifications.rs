//! Notifications API calls.

use genesys_desk::genesys::notifications::{CONVERSATION_TOPICS, NotificationsApi, conversation_topic};
use genesys_desk::genesys::{Customer, InboundMessage};

use super::target::target;

#[tokio::test]
async fn a_channel_comes_with_a_socket_uri() {
    let t = target().await;
    let channel = t.client().create_channel().await.unwrap();
    assert!(!channel.id.is_empty());
    assert!(channel.connect_uri.starts_with("ws"), "{}", channel.connect_uri);
}

#[tokio::test]
async fn each_topic_is_answered_permitted_or_rejected() {
    let t = target().await;
    let client = t.client();
    let channel = client.create_channel().await.unwrap();
    let topics: Vec<String> = CONVERSATION_TOPICS.iter().map(|s| conversation_topic("contract-c1", s)).collect();
    let answer = client.add_subscriptions(&channel.id, &topics).await.unwrap();
    assert_eq!(answer.len(), topics.len());
    for topic in &answer {
        let state = topic.state.as_deref().unwrap_or_default();
        assert!(matches!(state, "Permitted" | "Rejected"), "{topic:?}");
        if topic.is_rejected() {
            assert!(!topic.missing_permissions.is_empty(), "a rejection names the permission: {topic:?}");
        }
    }
}

#[tokio::test]
async fn the_conversation_of_a_sent_message_can_be_read() {
    let t = target().await;
    let client = t.client();
    let customer = Customer::new(format!("contract-{}@example.com", uuid::Uuid::new_v4().simple()));
    let sent = client.send_message(&InboundMessage::text(customer, "contract conversation")).await.unwrap();
    let conversation = sent.conversation_id.unwrap();
    client.conversation(&conversation).await.unwrap();
}
