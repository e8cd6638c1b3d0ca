//! The test chat driven by label: the start form emits `StartChat` with the
//! typed fields; an agent reply fed as an event shows in the thread.

pub mod ui_support;

use egui_kittest::kittest::Queryable;
use genesys_desk::app::selection::View;
use genesys_desk::config::Environment;
use genesys_desk::engine::command::{Command, Event, ReceiptOutcome};
use genesys_desk::model::{ChatMessage, DeliveryStatus, MessageKind, Sender, ThreadKey};

fn type_into(ui: &mut ui_support::Ui<'_>, label: &str, text: &str) {
    ui.harness.get_by_label(label).focus();
    ui.settle();
    ui.harness.get_by_label(label).type_text(text);
    ui.settle();
}

fn agent_reply(text: &str) -> ChatMessage {
    ChatMessage {
        id: Some(7),
        account: "Emulator".into(),
        customer_id: "cust-1".into(),
        conversation_id: Some("conv-1".into()),
        genesys_id: Some("msg-agent-1".into()),
        sender: Sender::Agent,
        sender_name: Some("Alex (agent)".into()),
        kind: MessageKind::Text,
        text: text.into(),
        attachments: vec![],
        at: time::OffsetDateTime::now_utc(),
        status: DeliveryStatus::Received,
        raw: None,
    }
}

#[test]
fn start_chat_sends_the_ticket_and_the_agent_reply_appears() {
    let mut ui = ui_support::app_on(View::Chats);
    // Mandatory fields are checked before anything is sent.
    ui.harness.get_by_label("Start chat").click();
    ui.settle();
    assert!(ui.take_commands().is_empty());
    ui.harness.get_by_label_contains("Email is empty");

    type_into(&mut ui, "Name", "Ada Lovelace");
    type_into(&mut ui, "Mobile", "+353 87 123 4567");
    type_into(&mut ui, "Email", "ada@example.com");
    type_into(&mut ui, "Query", "Where is my order?");
    ui.harness.get_by_label("Advanced: custom attributes").click();
    ui.settle();
    ui.harness.get_by_label("Add attribute").click();
    ui.settle();
    type_into(&mut ui, "Key 1", "orderId");
    type_into(&mut ui, "Value 1", "42");
    ui.harness.get_by_label("Start chat").click();
    ui.settle();

    let request = match ui.take_commands().as_slice() {
        [Command::StartChat { request, account, ticket, .. }] => {
            assert_eq!(account, "Emulator");
            assert_eq!(ticket.name, "Ada Lovelace");
            assert_eq!(ticket.mobile, "+353 87 123 4567");
            assert_eq!(ticket.email, "ada@example.com");
            assert_eq!(ticket.query, "Where is my order?");
            assert_eq!(ticket.priority, "MEDIUM");
            assert_eq!(ticket.attributes, vec![("orderId".to_string(), "42".to_string())]);
            *request
        }
        other => panic!("expected one StartChat, got {other:?}"),
    };

    ui.feed(Event::ChatStarted { request, account: "Emulator".into(), customer_id: "cust-1".into() });
    ui.feed(Event::AgentTyping { account: "Emulator".into(), customer_id: "cust-1".into() });
    ui.harness.get_by_label("Agent is typing…");
    ui.feed(Event::ChatMessageAdded(agent_reply("Hi Ada, let me check that order.")));
    ui.harness.get_by_label("Hi Ada, let me check that order.");
    ui.harness.get_by_label("Alex (agent)");
    assert!(ui.harness.query_by_label("Agent is typing…").is_none(), "the reply ends the typing indicator");

    // Ctrl+Enter sends the composed text.
    type_into(&mut ui, "Message", "Thanks!");
    ui.harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    ui.settle();
    // Typing it sent one typing event first.
    match ui.take_commands().as_slice() {
        [Command::SendTyping { .. }, Command::SendText { customer_id, text, .. }] => {
            assert_eq!((customer_id.as_str(), text.as_str()), ("cust-1", "Thanks!"))
        }
        other => panic!("expected SendTyping then SendText, got {other:?}"),
    }

    // A Failed receipt by hand, with a reason.
    ui.harness.get_by_label("Mark failed").click();
    ui.settle();
    type_into(&mut ui, "Failure reason", "phone off");
    ui.harness.get_by_label("Send Failed receipt").click();
    ui.settle();
    match ui.take_commands().as_slice() {
        [Command::SendReceipt { message_id, outcome: ReceiptOutcome::Failed { reason }, .. }] => {
            assert_eq!((message_id.as_str(), reason.as_str()), ("msg-agent-1", "phone off"));
        }
        other => panic!("expected SendReceipt, got {other:?}"),
    }
}

fn presence(suffix: &str, body: serde_json::Value, text: &str) -> ChatMessage {
    let raw = serde_json::json!({
        "topicName": format!("v2.detail.events.conversation.conv-1.{suffix}"),
        "version": "2",
        "eventBody": body,
    });
    ChatMessage {
        id: None,
        sender: Sender::System,
        sender_name: None,
        kind: MessageKind::Presence,
        text: text.into(),
        genesys_id: None,
        status: DeliveryStatus::Received,
        raw: Some(raw.to_string()),
        ..agent_reply("")
    }
}

#[test]
fn the_chat_header_follows_the_conversation_from_queue_to_agent_to_ended() {
    let mut ui = ui_support::app_on(View::Chats);
    ui.feed(Event::ChatMessageAdded(agent_reply("Hello from the agent")));
    ui.harness.state_mut().views.chat.select_thread(Some(ThreadKey::new("Emulator", "cust-1")));
    ui.settle();
    assert!(ui.harness.query_by_label("Waiting in queue").is_none());

    ui.feed(Event::ChatMessageAdded(presence("acd.start", serde_json::json!({ "queueId": "q1" }), "Queued")));
    ui.harness.get_by_label("Waiting in queue");
    ui.harness.get_by_label_contains("Queued ·");

    ui.feed(Event::ChatMessageAdded(presence(
        "user.start",
        serde_json::json!({ "userId": "agent-7" }),
        "Agent agent-7 joined",
    )));
    ui.harness.get_by_label("With agent agent-7");
    assert!(ui.harness.query_by_label("Waiting in queue").is_none());

    ui.feed(Event::ChatMessageAdded(presence(
        "acw",
        serde_json::json!({ "wrapupCode": "Resolved", "wrapupDurationMs": 4000 }),
        "Wrap-up: Resolved (4s)",
    )));
    ui.harness.get_by_label("Ended");
    ui.harness.get_by_label_contains("Wrap-up: Resolved (4s) ·");
}

#[test]
fn attach_image_sends_the_picked_file_for_the_open_thread() {
    let mut ui = ui_support::app_on(View::Chats);
    ui.feed(Event::ChatMessageAdded(agent_reply("Send me a photo of the box")));
    ui.harness.state_mut().views.chat.select_thread(Some(ThreadKey::new("Emulator", "cust-1")));
    ui.harness
        .state_mut()
        .set_dialogs(Box::new(genesys_desk::ui::FixedDialogs::new(Some("/tmp/box.png".into()), None)));
    ui.settle();
    ui.harness.get_by_label("Attach image").click();
    ui.settle();
    match ui.take_commands().as_slice() {
        [Command::SendImage { account, customer_id, path, .. }] => {
            assert_eq!((account.as_str(), customer_id.as_str()), ("Emulator", "cust-1"));
            assert_eq!(path, std::path::Path::new("/tmp/box.png"));
        }
        other => panic!("expected one SendImage, got {other:?}"),
    }
}

fn open_thread_with(message: ChatMessage) -> ui_support::Ui<'static> {
    let mut ui = ui_support::app_on(View::Chats);
    let key = message.thread_key();
    ui.feed(Event::ChatMessageAdded(message));
    ui.harness.state_mut().views.chat.select_thread(Some(key));
    ui.settle();
    ui
}

#[test]
fn a_delivered_agent_message_offers_no_mark_failed() {
    let delivered = ChatMessage { status: DeliveryStatus::Delivered, ..agent_reply("Your refund is on its way") };
    let ui = open_thread_with(delivered);
    ui.harness.get_by_label("Your refund is on its way");
    assert!(ui.harness.query_by_label("Mark failed").is_none(), "a Delivered receipt is final");
}

#[test]
fn the_chat_header_names_a_missing_presence_permission() {
    let mut ui = open_thread_with(agent_reply("Hello"));
    ui.feed(Event::PresenceUnavailable {
        account: "emulator".into(),
        message: "the OAuth client lacks the permission analytics:conversationDetail:view".into(),
    });
    ui.harness.get_by_label_contains("analytics:conversationDetail:view");
    ui.feed(Event::ChatMessageAdded(presence("acd.start", serde_json::json!({ "queueId": "q1" }), "Queued")));
    assert!(ui.harness.query_by_label("Waiting in queue").is_none(), "no live state that could only go stale");
}

#[test]
fn new_conversation_opens_the_form_with_a_fresh_customer_id() {
    let mut ui = open_thread_with(ChatMessage { customer_id: "jane@example.com".into(), ..agent_reply("Bye now") });
    ui.harness.get_by_label("New conversation").click();
    ui.settle();
    assert_eq!(ui.app().views.chat.selected(), None);
    assert_eq!(ui.app().views.chat.form.ticket.email, "jane+2@example.com");
    ui.harness.get_by_label("Start chat");
}

#[test]
fn a_thread_past_the_memory_cap_says_where_its_earliest_messages_are() {
    let first = agent_reply("the oldest message still held");
    let key = first.thread_key();
    let mut ui = open_thread_with(first);
    assert!(ui.harness.query_by_label_contains("earlier messages").is_none());
    // As after MAX_THREAD_MESSAGES (unit-tested in app::chats) plus four more arrived.
    ui.harness.state_mut().state.chats.threads.get_mut(&key).unwrap().dropped = 4;
    ui.settle();
    ui.harness.get_by_label("4 earlier messages are in the history only (Traffic, exports)");
}

#[test]
fn typing_sends_a_typing_event_at_most_every_5_seconds() {
    let mut ui = ui_support::app_on(View::Chats);
    ui.feed(Event::ChatMessageAdded(agent_reply("Hello")));
    ui.harness.state_mut().views.chat.select_thread(Some(ThreadKey::new("Emulator", "cust-1")));
    ui.settle();
    ui.take_commands();
    let typing =
        Command::SendTyping { env: Environment::Development, account: "Emulator".into(), customer_id: "cust-1".into() };
    ui.harness.get_by_label("Message").focus();
    ui.settle();
    ui.harness.get_by_label("Message").type_text("h");
    ui.settle();
    ui.harness.get_by_label("Message").type_text("i");
    ui.settle();
    assert_eq!(ui.take_commands(), vec![typing.clone()], "one event for a burst of keys");
    ui.harness.run_steps(20); // 5 s of frames without typing: nothing is sent
    assert!(ui.take_commands().is_empty(), "none while idle");
    ui.harness.get_by_label("Message").type_text("!");
    ui.settle();
    assert_eq!(ui.take_commands(), vec![typing], "typing again after 5 s sends again");
}

#[test]
fn a_text_over_the_limit_is_stopped_before_sending_with_a_counter() {
    let mut ui = ui_support::app_on(View::Chats);
    ui.feed(Event::ChatMessageAdded(agent_reply("Hello")));
    ui.harness.state_mut().views.chat.select_thread(Some(ThreadKey::new("Emulator", "cust-1")));
    ui.harness.state_mut().views.chat.compose = "x".repeat(1_900);
    ui.settle();
    ui.harness.get_by_label("1900 / 2000 characters");
    ui.harness.state_mut().views.chat.compose = "x".repeat(2_001);
    ui.settle();
    ui.harness.get_by_label("2001 / 2000 characters");
    ui.harness.get_by_label("Too long to send: shorten the message or split it (1 characters over)");
    ui.take_commands();
    ui.harness.get_by_label("Send").click();
    ui.settle();
    assert!(ui.take_commands().iter().all(|c| !matches!(c, Command::SendText { .. })), "nothing is sent");
    assert_eq!(ui.app().views.chat.compose.len(), 2_001, "and nothing is lost");
}

#[test]
fn clicking_a_quick_reply_or_a_card_button_answers_the_structured_message() {
    let mut ui = ui_support::app_on(View::Chats);
    let raw = r#"{"id":"msg-agent-1","type":"Structured","text":"How can I help you?","content":[
        {"contentType":"QuickReply","quickReply":{"text":"Track my order","payload":"track"}},
        {"contentType":"QuickReply","quickReply":{"text":"Return an item","payload":"return"}},
        {"contentType":"Card","card":{"title":"blue kettle","actions":[{"type":"Postback","text":"Choose blue kettle","payload":"kettle-blue"},
            {"type":"Link","text":"Details","url":"https://example.com/products"}]}}]}"#;
    let menu =
        ChatMessage { kind: MessageKind::Structured, raw: Some(raw.into()), ..agent_reply("How can I help you?") };
    ui.feed(Event::ChatMessageAdded(menu));
    ui.harness.state_mut().views.chat.select_thread(Some(ThreadKey::new("Emulator", "cust-1")));
    ui.settle();
    ui.take_commands();
    ui.harness.get_by_label("Return an item").click();
    ui.settle();
    ui.harness.get_by_label("Choose blue kettle").click();
    ui.settle();
    let answers: Vec<(String, String, String)> = ui
        .take_commands()
        .into_iter()
        .filter_map(|c| match c {
            Command::SendButtonResponse { originating_message_id, response, .. } => {
                Some((originating_message_id, format!("{:?}", response.kind), response.payload))
            }
            _ => None,
        })
        .collect();
    let expected = [("msg-agent-1", "QuickReply", "return"), ("msg-agent-1", "Button", "kettle-blue")]
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
    assert_eq!(answers, expected);
    ui.harness.get_by_label("Details"); // a link, not an answer
}

#[test]
fn an_unknown_structured_type_is_named_and_its_raw_json_can_be_opened() {
    let mut ui = ui_support::app_on(View::Chats);
    let raw =
        r#"{"id":"msg-agent-1","type":"Structured","content":[{"contentType":"Form","form":{"title":"Survey"}}]}"#;
    let form = ChatMessage { kind: MessageKind::Structured, raw: Some(raw.into()), ..agent_reply("") };
    ui.feed(Event::ChatMessageAdded(form));
    ui.harness.state_mut().views.chat.select_thread(Some(ThreadKey::new("Emulator", "cust-1")));
    ui.settle();
    ui.harness.get_by_label("[Form content, not drawn by this version]");
    ui.harness.get_by_label("Raw JSON").click();
    ui.settle();
    ui.harness.get_by_label_contains("\"title\": \"Survey\"");
}
