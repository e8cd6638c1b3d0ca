//! Inbound Open Messaging calls as a customer.

use genesys_desk::genesys::{Customer, InboundMessage, ReceiptStatus};

use super::target::target;

fn customer() -> Customer {
    Customer::new(format!("contract-{}@example.com", uuid::Uuid::new_v4().simple())).with_name("Contract Test")
}

#[tokio::test]
async fn a_text_message_is_accepted_with_its_conversation_id() {
    let t = target().await;
    let sent = t.client().send_message(&InboundMessage::text(customer(), "contract test message")).await.unwrap();
    assert!(!sent.id.is_empty());
    assert!(sent.conversation_id.is_some(), "prefetchConversationId=true returns it");
    assert_eq!(sent.response.kind, "Text", "OpenMessageNormalizedMessage.type is Text");
}

#[tokio::test]
async fn custom_attributes_are_accepted() {
    let t = target().await;
    let mut message = InboundMessage::text(customer(), "with attributes");
    message.custom_attributes.insert("orderId".into(), "42".into());
    t.client().send_message(&message).await.unwrap();
}

#[tokio::test]
async fn a_phone_customer_is_accepted_as_phone() {
    let t = target().await;
    let phone = Customer::new("+447700900123");
    let typing = t.client().send_typing(&phone).await.unwrap();
    assert_eq!(typing.kind, "Event");
}

#[tokio::test]
async fn a_failed_receipt_with_a_reason_is_accepted() {
    let t = target().await;
    if t.is_org() {
        eprintln!("contract: receipts need an agent message id; only run against the emulator");
        return;
    }
    let failed = ReceiptStatus::Failed { code: "GeneralError".into(), message: "contract test".into() };
    let answer = t.client().send_receipt("jane@example.com", "m-contract", &failed).await.unwrap();
    assert_eq!(answer.status.as_deref(), Some("Failed"));
}
