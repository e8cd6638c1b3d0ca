//! A long chat lays out only the bubbles on screen: it opens on the newest
//! message, keeps a reader who scrolled up where they were when a message
//! arrives, scrolls through the whole thread by keyboard, and the messages on
//! screen are in the accessibility tree (kittest finds widgets through it).

pub mod ui_support;

use egui_kittest::kittest::Queryable;
use genesys_desk::app::selection::View;
use genesys_desk::engine::command::Event;
use genesys_desk::model::{ChatMessage, DeliveryStatus, MessageKind, Sender, ThreadKey};

fn message(i: usize) -> ChatMessage {
    let sender = if i.is_multiple_of(2) { Sender::Customer } else { Sender::Agent };
    ChatMessage {
        id: Some(i as i64 + 1),
        account: "Emulator".into(),
        customer_id: "cust-1".into(),
        conversation_id: Some("conv-1".into()),
        genesys_id: Some(format!("g-{i}")),
        sender,
        sender_name: None,
        kind: MessageKind::Text,
        text: format!("Message number {i} of the long chat"),
        attachments: vec![],
        at: time::OffsetDateTime::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000 + i as u64),
        status: DeliveryStatus::Sent,
        raw: None,
    }
}

fn shown(ui: &ui_support::Ui<'_>, i: usize) -> bool {
    ui.harness.query_by_label(&format!("Message number {i} of the long chat")).is_some()
}

/// The Chats view on a thread of `n` messages.
fn long_chat(n: usize) -> ui_support::Ui<'static> {
    let mut ui = ui_support::app_on(View::Chats);
    for i in 0..n {
        ui.harness.state_mut().apply(Event::ChatMessageAdded(message(i)));
    }
    ui.harness.state_mut().views.chat.select_thread(Some(ThreadKey::new("Emulator", "cust-1")));
    ui.settle();
    ui
}

#[test]
fn a_long_chat_opens_on_the_newest_message_with_only_the_screen_laid_out() {
    let ui = long_chat(1_500);
    assert!(shown(&ui, 1_499), "the newest message is on screen and in the accessibility tree");
    assert!(shown(&ui, 1_495));
    assert!(!shown(&ui, 1_450) && !shown(&ui, 0), "bubbles off screen are not laid out");
}

#[test]
fn the_keyboard_scrolls_through_the_whole_chat() {
    let mut ui = long_chat(1_500);
    ui.harness.key_press(egui::Key::Home);
    ui.settle();
    assert!(shown(&ui, 0) && !shown(&ui, 1_499), "Home: the oldest message");
    ui.harness.key_press(egui::Key::PageDown);
    ui.settle();
    assert!(!shown(&ui, 0), "Page Down moves on");
    ui.harness.key_press(egui::Key::End);
    ui.settle();
    assert!(shown(&ui, 1_499), "End: the newest message again");
}

#[test]
fn a_message_arriving_keeps_a_reader_who_scrolled_up_where_they_were() {
    let mut ui = long_chat(300);
    ui.harness.key_press(egui::Key::Home);
    ui.settle();
    assert!(shown(&ui, 0));
    ui.feed(Event::ChatMessageAdded(message(300)));
    assert!(shown(&ui, 0), "still reading the oldest message");
    assert!(!shown(&ui, 300), "the new message does not pull the reader down");
    ui.harness.key_press(egui::Key::End);
    ui.settle();
    assert!(shown(&ui, 300));
}

#[test]
fn a_reader_at_the_bottom_follows_new_messages() {
    let mut ui = long_chat(300);
    for i in 300..320 {
        ui.feed(Event::ChatMessageAdded(message(i)));
    }
    assert!(shown(&ui, 319), "at the bottom, the newest message stays in view");
}
