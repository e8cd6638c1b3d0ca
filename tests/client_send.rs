//! Sending as a customer through the client, against the emulator: message
//! with image and custom attributes, typing, receipts, integrations list,
//! webhook PATCH, strict 400s, and redacted traffic entries.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] functions unwrap: a failure should panic with its cause"
)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use genesys_desk::config::defaults;
use genesys_desk::genesys::{Client, Customer, IdType, ImageRef, InboundMessage, ReceiptStatus};
use genesys_desk::model::TicketDraft;
use genesys_desk::model::traffic::{Direction, TrafficEntry};
use genesys_desk::webhook::signature;
use serde_json::Value;
use support::*;

/// A ticket message with an image, sent through a client that logs its traffic,
/// to an emulator whose agent answers on `hook`.
struct Sent {
    hook: Hook,
    emu: genesys_desk::emulator::RunningEmulator,
    client: Client,
    log: Arc<Mutex<Vec<TrafficEntry>>>,
    sent: genesys_desk::genesys::SentMessage,
    customer: Customer,
}

async fn send_ticket_with_image() -> Sent {
    let hook = start_hook(200).await;
    let emu =
        start_emulator(genesys_desk::emulator::EmulatorConfig { webhook_url: Some(hook.url()), ..fast_config() }).await;
    let log = Arc::new(Mutex::new(Vec::<TrafficEntry>::new()));
    let sink_log = log.clone();
    let client = Client::new(
        &account_for(&emu.url()),
        fast_options(),
        Some(Arc::new(move |e| sink_log.lock().unwrap().push(e))),
    )
    .unwrap();

    let ticket = TicketDraft {
        email: "jane@example.com".into(),
        name: "Jane Public".into(),
        mobile: "+44 7700 900123".into(),
        query: "My parcel is damaged".into(),
        priority: "urgent!".into(),
        attributes: vec![("orderId".into(), "42".into())],
        ..Default::default()
    }
    .parse()
    .unwrap();
    let customer = Customer::from_ticket(&ticket);
    assert_eq!(customer.id_type, IdType::Email);
    let message = InboundMessage {
        customer: customer.clone(),
        text: Some(ticket.text.clone()),
        image: Some(ImageRef::from_url("https://tunnel.example.com/media/parcel.png").unwrap()),
        custom_attributes: ticket.custom_attributes.clone(),
    };
    let sent = client.send_message(&message).await.unwrap();
    assert_eq!(sent.id.len(), 32);
    assert!(sent.conversation_id.is_some(), "prefetchConversationId=true gives the conversation id");
    assert!(sent.correlation_id.is_some());
    Sent { hook, emu, client, log, sent, customer }
}

#[tokio::test]
async fn a_ticket_message_is_posted_in_the_documented_inbound_shape() {
    let Sent { emu, log, sent, .. } = send_ticket_with_image().await;
    // What was posted: the documented inbound shape.
    let entry = log.lock().unwrap().iter().find(|e| e.url.contains("/inbound/open/message")).cloned().unwrap();
    assert_eq!(entry.direction, Direction::Outgoing);
    assert_eq!(entry.account, "Emulator");
    assert_eq!(entry.status, Some(202));
    assert!(entry.url.ends_with("?prefetchConversationId=true"));
    let body: Value = serde_json::from_str(&entry.request_body).unwrap();
    assert_eq!(body["channel"]["from"]["id"], "jane@example.com");
    assert_eq!(body["channel"]["from"]["idType"], "Email");
    assert_eq!(body["channel"]["from"]["firstName"], "Jane");
    assert_eq!(body["channel"]["messageId"], sent.message_id.as_str());
    assert_eq!(body["channel"]["metadata"]["customAttributes"]["priority"], "URGENT");
    assert_eq!(body["channel"]["metadata"]["customAttributes"]["orderId"], "42");
    assert_eq!(body["content"][0]["attachment"]["mediaType"], "Image");
    assert_eq!(body["content"][0]["attachment"]["mime"], "image/png");
    assert!(body.get("to").is_none() && body["channel"].get("to").is_none(), "keep the body minimal");
    let auth = entry.request_headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("authorization")).unwrap();
    assert_eq!(auth.1, "bearer ***");

    emu.shutdown().await;
}

#[tokio::test]
async fn the_agent_answers_with_typing_text_and_image_all_signed() {
    let Sent { mut hook, emu, client, sent, .. } = send_ticket_with_image().await;
    // The agent answers: typing, text, image, all signed.
    let mut kinds = Vec::new();
    for _ in 0..3 {
        let d = hook.next(Duration::from_secs(5)).await;
        assert!(signature::is_valid(defaults::EMULATOR_WEBHOOK_SECRET, &d.body, d.signature.as_deref().unwrap()));
        let v: Value = serde_json::from_slice(&d.body).unwrap();
        assert_eq!(v["channel"]["to"]["id"], "jane@example.com");
        kinds.push(if v["type"] == "Event" {
            "typing".to_string()
        } else if v["content"].as_array().is_some_and(|c| !c.is_empty()) {
            "image".to_string()
        } else {
            "text".to_string()
        });
        if kinds.last().unwrap() == "text" {
            assert_eq!(v["conversationId"], sent.conversation_id.clone().unwrap().as_str());
            assert!(v["text"].as_str().unwrap().contains("My parcel is damaged"));
        }
        if kinds.last().unwrap() == "image" {
            // The agent image downloads from the emulator itself.
            let url = v["content"][0]["attachment"]["url"].as_str().unwrap();
            assert!(url.starts_with(&emu.url()), "{url}");
            let bytes = reqwest::get(url).await.unwrap().bytes().await.unwrap();
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
            // And a Failed receipt for it is accepted (receipts are final: one per message).
            let id = v["id"].as_str().unwrap();
            client
                .send_receipt(
                    "jane@example.com",
                    id,
                    &ReceiptStatus::Failed { code: "GeneralError".into(), message: "could not show it".into() },
                )
                .await
                .unwrap();
        }
    }
    assert_eq!(kinds, vec!["typing", "text", "image"]);

    emu.shutdown().await;
}

#[tokio::test]
async fn the_same_customer_stays_in_the_same_conversation() {
    let Sent { emu, client, sent, customer, .. } = send_ticket_with_image().await;
    let again = client.send_message(&InboundMessage::text(customer, "still there?")).await.unwrap();
    assert_eq!(again.conversation_id, sent.conversation_id);
    emu.shutdown().await;
}

#[tokio::test]
async fn typing_integrations_and_webhook_patch() {
    let emu = start_emulator(genesys_desk::emulator::EmulatorConfig { agent_enabled: false, ..fast_config() }).await;
    let client = Client::new(&account_for(&emu.url()), fast_options(), None).unwrap();
    let typing = client.send_typing(&Customer::new("+447700900123")).await.unwrap();
    assert_eq!(typing.kind, "Event");
    assert_eq!(typing.channel.from.unwrap().id_type.as_deref(), Some("Phone"));

    let list = client.integrations().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].id, defaults::EMULATOR_INTEGRATION_ID);
    assert_eq!(list[0].name, defaults::EMULATOR_INTEGRATION_NAME);

    let (updated, previous) = client.set_webhook_url("https://abc.trycloudflare.com/hooks/Emulator").await.unwrap();
    assert_eq!(previous.as_deref(), Some(defaults::EMULATOR_WEBHOOK_URL), "the URL it had before");
    assert_eq!(
        updated.outbound_notification_webhook_url.as_deref(),
        Some("https://abc.trycloudflare.com/hooks/Emulator")
    );
    let read = client.integration().await.unwrap();
    assert_eq!(read.outbound_notification_webhook_url.as_deref(), Some("https://abc.trycloudflare.com/hooks/Emulator"));
}

#[tokio::test]
async fn strict_validation_names_the_field_in_a_400() {
    let emu = start_emulator(fast_config()).await;
    let client = Client::new(&account_for(&emu.url()), fast_options(), None).unwrap();
    client.token().await.unwrap();
    let token_req = emu.requests().len();
    assert_eq!(token_req, 1);

    // A failed receipt with a reason code Genesys does not know.
    let err = client
        .send_receipt("c1", "m1", &ReceiptStatus::Failed { code: "Oops".into(), message: "x".into() })
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(err.user_message().contains("reasons[0].code"), "{}", err.user_message());

    // An empty message is refused before sending.
    let err = client.send_message(&InboundMessage::text(Customer::new("c1"), "  ")).await.unwrap_err();
    assert!(err.user_message().contains("empty"));

    // Unknown extra fields are accepted; a bad idType is not (raw HTTP).
    let http = reqwest::Client::new();
    let token = emulator_token(&emu).await;
    let url = format!(
        "{}/api/v2/conversations/messages/{}/inbound/open/message",
        emu.url(),
        defaults::EMULATOR_INTEGRATION_ID
    );
    let post = |body: Value| http.post(&url).bearer_auth(&token).json(&body).send();
    let ok = post(serde_json::json!({
        "channel": {"from": {"id": "c1", "idType": "Opaque"}, "time": "2025-01-15T10:00:00.000Z", "platform": "Open"},
        "text": "hi", "direction": "Inbound"
    }))
    .await
    .unwrap();
    assert_eq!(ok.status(), 202);
    let bad = post(serde_json::json!({
        "channel": {"from": {"id": "c1", "idType": "Twitter"}, "time": "2025-01-15T10:00:00.000Z"}, "text": "hi"
    }))
    .await
    .unwrap();
    assert_eq!(bad.status(), 400);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["code"], "bad.request");
    assert_eq!(body["details"][0]["fieldName"], "channel.from.idType");
}

#[tokio::test]
async fn token_traffic_is_redacted() {
    let emu = start_emulator(fast_config()).await;
    let log = Arc::new(Mutex::new(Vec::<TrafficEntry>::new()));
    let sink_log = log.clone();
    let client = Client::new(
        &account_for(&emu.url()),
        fast_options(),
        Some(Arc::new(move |e| sink_log.lock().unwrap().push(e))),
    )
    .unwrap();
    client.integration().await.unwrap();
    let entries = log.lock().unwrap().clone();
    assert_eq!(entries.len(), 2);
    let token = &entries[0];
    assert!(token.url.ends_with("/oauth/token"));
    assert_eq!(token.request_body, "grant_type=client_credentials");
    assert!(token.latency_us.is_some() && token.correlation_id.is_some());
    let all = serde_json::to_string(&entries).unwrap();
    assert!(!all.contains(defaults::EMULATOR_CLIENT_SECRET), "client secret leaked: {all}");
    assert!(!all.contains("emu-"), "access token leaked: {all}");
    assert!(!all.contains(defaults::EMULATOR_WEBHOOK_SECRET), "webhook secret leaked: {all}");
    assert!(all.contains("Basic ***"));
}
