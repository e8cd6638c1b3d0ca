//! Chats: the "Start test chat" form (a support ticket: name, mobile, email, query, priority), the
//! thread list and the open thread with customer/agent bubbles, typing
//! indicator, delivery status, inline images and receipts.

use std::time::{Duration, Instant};

use egui::{Align, Button, Key, Layout, Modifiers, RichText, TextEdit, Ui};

use super::{Dialogs, error_color, ok_color, text_row};
use crate::app::chats::ThreadKey;
use crate::app::state::{AppState, CHAT_PAGE};
use crate::engine::command::{Command, PRIORITIES, ReceiptOutcome, TicketField};
use crate::model::{ChatMessage, DeliveryStatus, MessageKind, Sender};

pub fn chat_ui(ui: &mut Ui, state: &mut AppState, commands: &mut Vec<Command>, dialogs: &mut dyn Dialogs) {
    egui::Panel::left("chat_threads").resizable(true).default_size(220.0).show(ui, |ui| threads_ui(ui, state));
    egui::CentralPanel::default().show(ui, |ui| match state.selected_thread.clone() {
        Some(key) => thread_ui(ui, state, commands, dialogs, &key),
        None => start_form_ui(ui, state, commands),
    });
}

fn threads_ui(ui: &mut Ui, state: &mut AppState) {
    ui.add_space(4.0);
    if ui.add(Button::selectable(state.selected_thread.is_none(), "Start test chat")).clicked() {
        state.select_thread(None);
    }
    ui.separator();
    let keys: Vec<ThreadKey> = state.chats.threads.keys().cloned().collect();
    egui::ScrollArea::vertical().show(ui, |ui| {
        for key in keys {
            let title = state.chats.thread(&key).and_then(|t| t.title()).unwrap_or(&key.1).to_string();
            let text = format!("{title}\n{}", key.0);
            if ui.add(Button::selectable(state.selected_thread.as_ref() == Some(&key), text)).clicked() {
                state.select_thread(Some(key));
            }
        }
    });
}

fn start_form_ui(ui: &mut Ui, state: &mut AppState, commands: &mut Vec<Command>) {
    ui.heading("Start test chat");
    ui.label("Posts the query as the customer's first message, with these details as custom attributes.");
    ui.add_space(6.0);
    let names: Vec<String> = state.env_accounts().iter().map(|a| a.name.clone()).collect();
    let mut picked = None;
    let form = &mut state.chat_form;
    let errors = form.errors();
    let error = |f: TicketField| errors.iter().find(|e| e.field == f).map(|e| e.message.clone());
    let waiting = form.start.is_waiting();
    let mut start = false;
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        egui::Grid::new("ticket_form").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
            let label = ui.label(TicketField::Account.label());
            let current = state.selected_account.clone().unwrap_or_else(|| "pick an account".into());
            egui::ComboBox::from_id_salt("chat_account")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for name in &names {
                        if ui.selectable_label(state.selected_account.as_ref() == Some(name), name).clicked() {
                            picked = Some(name.clone());
                        }
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            if let Some(e) = error(TicketField::Account) {
                ui.label("");
                ui.colored_label(error_color(ui), e);
                ui.end_row();
            }
            let t = &mut form.ticket;
            let field = |f: TicketField| f.label();
            text_row(
                ui,
                field(TicketField::AfterAssignment),
                &mut t.after_assignment_message,
                true,
                false,
                error(TicketField::AfterAssignment).as_deref(),
                false,
            );
            text_row(
                ui,
                field(TicketField::Name),
                &mut t.name,
                true,
                false,
                error(TicketField::Name).as_deref(),
                false,
            );
            text_row(
                ui,
                field(TicketField::Mobile),
                &mut t.mobile,
                true,
                false,
                error(TicketField::Mobile).as_deref(),
                false,
            );
            text_row(
                ui,
                field(TicketField::Email),
                &mut t.email,
                true,
                false,
                error(TicketField::Email).as_deref(),
                false,
            );
            let label = ui.label(TicketField::Query.label());
            ui.add(TextEdit::multiline(&mut t.query).desired_rows(3).desired_width(380.0)).labelled_by(label.id);
            ui.end_row();
            if let Some(e) = error(TicketField::Query) {
                ui.label("");
                ui.colored_label(error_color(ui), e);
                ui.end_row();
            }
            let label = ui.label(TicketField::Priority.label());
            egui::ComboBox::from_id_salt("chat_priority")
                .selected_text(t.priority.clone())
                .show_ui(ui, |ui| {
                    for p in PRIORITIES {
                        ui.selectable_value(&mut t.priority, p.to_string(), p);
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
        });
        egui::CollapsingHeader::new("Advanced: custom attributes").show(ui, |ui| {
            let t = &mut form.ticket;
            let mut remove = None;
            egui::Grid::new("ticket_attributes").num_columns(5).show(ui, |ui| {
                for (i, (key, value)) in t.attributes.iter_mut().enumerate() {
                    let n = i + 1;
                    let label = ui.label(format!("Key {n}"));
                    // A grid sizes middle columns from the previous frame: give the boxes a floor.
                    ui.add_sized([160.0, 20.0], TextEdit::singleline(key)).labelled_by(label.id);
                    let label = ui.label(format!("Value {n}"));
                    ui.add_sized([220.0, 20.0], TextEdit::singleline(value)).labelled_by(label.id);
                    if ui.small_button("Remove").clicked() {
                        remove = Some(i);
                    }
                    ui.end_row();
                }
            });
            if let Some(i) = remove {
                t.attributes.remove(i);
            }
            if ui.button("Add attribute").clicked() {
                t.attributes.push((String::new(), String::new()));
            }
            if let Some(e) = error(TicketField::Attributes) {
                ui.colored_label(error_color(ui), e);
            }
        });
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            start = ui.add_enabled(!waiting, Button::new("Start chat")).clicked();
            if waiting {
                ui.spinner();
                ui.label("starting…");
            }
        });
    });
    if let Some(name) = picked {
        state.select_account(Some(name));
    }
    if start && let Some(cmd) = state.start_chat_command() {
        commands.push(cmd);
    }
}

fn thread_ui(
    ui: &mut Ui,
    state: &mut AppState,
    commands: &mut Vec<Command>,
    dialogs: &mut dyn Dialogs,
    key: &ThreadKey,
) {
    let now = Instant::now();
    let Some(thread) = state.chats.thread(key) else {
        state.select_thread(None);
        return;
    };
    let typing = thread.agent_typing(now);
    let total = thread.messages.len();
    let mut start_new = false;
    ui.horizontal(|ui| {
        ui.heading(thread.title().unwrap_or(&key.1).to_string());
        ui.weak(format!("{} · customer {}", key.0, key.1));
        // Without the detail events the live state would only go stale.
        let presence_problem = state.chats.presence_problem(&key.0).is_some();
        if let Some(live) = thread.live.as_ref().filter(|_| !presence_problem) {
            let color = match live {
                crate::app::chats::LiveState::WaitingInQueue => ui.visuals().warn_fg_color,
                crate::app::chats::LiveState::WithAgent(_) => egui::Color32::from_rgb(90, 180, 110),
                crate::app::chats::LiveState::Ended => ui.visuals().weak_text_color(),
            };
            ui.separator();
            ui.label(egui::RichText::new(live.label()).color(color).strong());
        }
        let new_conversation = ui.button("New conversation").on_hover_text(
            "Genesys continues this customer's conversation (within the org's threading timeline): \
             start again with a new customer id",
        );
        if new_conversation.clicked() {
            start_new = true;
        }
    });
    if start_new {
        state.start_new_conversation(key);
        return;
    }
    if let Some(problem) = state.chats.presence_problem(&key.0) {
        ui.colored_label(ui.visuals().warn_fg_color, format!("Agent joined/left/wrap-up not shown: {problem}"));
    }
    ui.separator();

    let compose_height = 120.0;
    let mut receipts = Vec::new();
    let mut show_older = false;
    let shown = state.chat_shown.min(total);
    let failing = &mut state.failing_receipt;
    egui::ScrollArea::vertical()
        .id_salt(("thread", key))
        .stick_to_bottom(true)
        .auto_shrink([false, false])
        .max_height((ui.available_height() - compose_height).max(80.0))
        .show(ui, |ui| {
            if shown < total && ui.button(format!("Show older messages ({} more)", total - shown)).clicked() {
                show_older = true;
            }
            for msg in &thread.messages[total - shown..] {
                if let Some(r) = message_ui(ui, msg, failing, state.auto_delivered) {
                    receipts.push(r);
                }
            }
            if typing {
                ui.weak("Agent is typing…");
            }
        });
    if typing {
        ui.ctx().request_repaint_after(Duration::from_millis(500));
    }
    if show_older {
        state.chat_shown += CHAT_PAGE;
    }
    for (message_id, outcome) in receipts {
        state.failing_receipt = None;
        commands.push(Command::SendReceipt {
            env: state.env,
            account: key.0.clone(),
            customer_id: key.1.clone(),
            message_id,
            outcome,
        });
    }
    ui.separator();
    compose_ui(ui, state, commands, dialogs, key);
}

fn compose_ui(
    ui: &mut Ui,
    state: &mut AppState,
    commands: &mut Vec<Command>,
    dialogs: &mut dyn Dialogs,
    key: &ThreadKey,
) {
    let id = ui.make_persistent_id("compose");
    // Ctrl+Enter sends; consumed before the text box would turn it into a newline.
    let ctrl_enter = ui.memory(|m| m.has_focus(id)) && ui.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::Enter));
    let label = ui.label("Message");
    ui.add(TextEdit::multiline(&mut state.compose).id(id).desired_rows(2).desired_width(f32::INFINITY))
        .labelled_by(label.id);
    let mut send = ctrl_enter;
    let mut attach = false;
    ui.horizontal(|ui| {
        send |= ui.button("Send").on_hover_text("Ctrl+Enter").clicked();
        attach = ui.button("Attach image").clicked();
        let before = state.auto_delivered;
        ui.checkbox(&mut state.auto_delivered, "Auto Delivered receipts");
        if before != state.auto_delivered {
            commands.push(Command::SetAutoDelivered(state.auto_delivered));
        }
    });
    if send && let Some(cmd) = state.send_text_command() {
        commands.push(cmd);
    }
    if attach {
        dialogs.open(super::DialogRequest::Image(key.clone()), ui.ctx());
    }
}

/// One bubble; returns a receipt to send when a receipt button was pressed.
fn message_ui(
    ui: &mut Ui,
    msg: &ChatMessage,
    failing: &mut Option<(String, String)>,
    auto_delivered: bool,
) -> Option<(String, ReceiptOutcome)> {
    let mut receipt = None;
    let layout = match msg.sender {
        Sender::Customer => Layout::right_to_left(Align::Min),
        Sender::Agent => Layout::left_to_right(Align::Min),
        Sender::System => Layout::top_down(Align::Center),
    };
    if msg.sender == Sender::System
        || matches!(msg.kind, MessageKind::Note | MessageKind::Presence | MessageKind::Receipt)
    {
        ui.with_layout(Layout::top_down(Align::Center), |ui| {
            ui.weak(format!("{} · {}", msg.text, time_text(msg)));
        });
        return None;
    }
    ui.with_layout(layout, |ui| {
        let fill = match msg.sender {
            Sender::Customer => ui.visuals().selection.bg_fill.gamma_multiply(0.5),
            _ => ui.visuals().faint_bg_color,
        };
        egui::Frame::new().fill(fill).corner_radius(8.0).inner_margin(8.0).show(ui, |ui| {
            ui.set_max_width(420.0);
            ui.vertical(|ui| {
                let who = match (msg.sender, &msg.sender_name) {
                    (Sender::Agent, Some(name)) => name.clone(),
                    (Sender::Agent, None) => "Agent".into(),
                    (_, Some(name)) => name.clone(),
                    _ => "Customer".into(),
                };
                ui.label(RichText::new(who).strong().small());
                if !msg.text.is_empty() {
                    ui.add(egui::Label::new(&msg.text).wrap());
                }
                for a in &msg.attachments {
                    match &a.local_path {
                        Some(path) if a.media_type.eq_ignore_ascii_case("image") || a.mime.starts_with("image/") => {
                            ui.add(egui::Image::new(format!("file://{path}")).max_width(260.0).max_height(260.0));
                        }
                        _ => {
                            ui.hyperlink_to(a.filename.clone().unwrap_or_else(|| a.media_type.clone()), &a.url);
                        }
                    }
                }
                ui.horizontal(|ui| {
                    ui.weak(time_text(msg));
                    status_ui(ui, &msg.status);
                });
                if msg.sender == Sender::Agent
                    && let Some(gid) = &msg.genesys_id
                {
                    receipt = receipt_ui(ui, msg, gid, failing, auto_delivered);
                }
            });
        });
    });
    ui.add_space(4.0);
    receipt
}

fn receipt_ui(
    ui: &mut Ui,
    msg: &ChatMessage,
    gid: &str,
    failing: &mut Option<(String, String)>,
    auto_delivered: bool,
) -> Option<(String, ReceiptOutcome)> {
    let mut out = None;
    match failing {
        Some((id, reason)) if id == gid => {
            let label = ui.label("Failure reason");
            ui.add(TextEdit::singleline(reason).desired_width(240.0)).labelled_by(label.id);
            let mut cancel = false;
            ui.horizontal(|ui| {
                if ui.add_enabled(!reason.trim().is_empty(), Button::new("Send Failed receipt")).clicked() {
                    out = Some((gid.to_string(), ReceiptOutcome::Failed { reason: reason.trim().to_string() }));
                }
                cancel = ui.button("Cancel").clicked();
            });
            if cancel {
                *failing = None;
            }
        }
        _ => {
            ui.horizontal(|ui| {
                if !auto_delivered
                    && msg.status == DeliveryStatus::Received
                    && ui.small_button("Mark delivered").clicked()
                {
                    out = Some((gid.to_string(), ReceiptOutcome::Delivered));
                }
                // Receipts are final (`isFinalReceipt: true`): once Delivered was
                // sent, Genesys takes no Failed for the same message.
                if msg.status == DeliveryStatus::Received && ui.small_button("Mark failed").clicked() {
                    *failing = Some((gid.to_string(), String::new()));
                }
            });
        }
    }
    out
}

fn status_ui(ui: &mut Ui, status: &DeliveryStatus) {
    match status {
        DeliveryStatus::Sending => {
            ui.weak("sending…");
        }
        DeliveryStatus::Sent => {
            ui.colored_label(ok_color(ui), "sent");
        }
        DeliveryStatus::Failed(reason) => {
            ui.colored_label(error_color(ui), format!("failed: {reason}"));
        }
        DeliveryStatus::Received => {
            ui.weak("received");
        }
        DeliveryStatus::Delivered => {
            ui.colored_label(ok_color(ui), "delivered");
        }
        DeliveryStatus::ReceiptFailed(reason) => {
            ui.colored_label(error_color(ui), format!("receipt failed: {reason}"));
        }
    }
}

fn time_text(msg: &ChatMessage) -> String {
    let t = msg.at;
    format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())
}
