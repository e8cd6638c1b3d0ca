//! The open thread: header with the live state, the messages (only those on
//! screen laid out, see `rows`), receipts and the compose box.

use std::time::{Duration, Instant};

use egui::{Align, Button, Layout, RichText, TextEdit, Ui};

use super::ChatView;
use crate::app::chats::{ChatThread, LiveState, ThreadKey};
use crate::app::selection::Selection;
use crate::app::state::AppState;
use crate::engine::command::{Command, ReceiptOutcome};
use crate::genesys::types::structured::ButtonResponse;
use crate::model::{ChatMessage, DeliveryStatus, MessageKind, Sender};
use crate::ui::{Dialogs, error_color, ok_color};

impl ChatView {
    pub(super) fn thread_ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        selection: &mut Selection,
        commands: &mut Vec<Command>,
        dialogs: &mut dyn Dialogs,
        key: &ThreadKey,
    ) {
        let Some(thread) = state.chats.thread(key) else {
            self.select_thread(None);
            return;
        };
        if header_ui(ui, state, thread, key) {
            self.start_new_conversation(state, key);
            return;
        }
        ui.separator();
        let receipts = self.messages_ui(ui, thread, key, selection.auto_delivered);
        if let Some((originating_message_id, response)) = self.answered.take() {
            let (env, account, customer_id) = (selection.env, key.account.clone(), key.customer_id.clone());
            commands.push(Command::SendButtonResponse { env, account, customer_id, originating_message_id, response });
        }
        for (message_id, row, outcome) in receipts {
            self.failing_receipt = None;
            let (env, account, customer_id) = (selection.env, key.account.clone(), key.customer_id.clone());
            commands.push(Command::SendReceipt { env, account, customer_id, message_id, row, outcome });
        }
        ui.separator();
        self.compose_ui(ui, selection, commands, dialogs, key);
    }

    /// The thread's bubbles, only those on screen laid out; returns the
    /// receipts whose buttons were pressed.
    fn messages_ui(
        &mut self,
        ui: &mut Ui,
        thread: &ChatThread,
        key: &ThreadKey,
        auto_delivered: bool,
    ) -> Vec<(String, Option<i64>, ReceiptOutcome)> {
        let compose_height = 120.0;
        let typing = thread.agent_typing(Instant::now());
        if thread.dropped > 0 {
            ui.weak(format!("{} earlier messages are in the history only (Traffic, exports)", thread.dropped));
        }
        self.rows.sync(thread, ui.available_width());
        let area = egui::ScrollArea::vertical()
            .id_salt(("thread", key))
            .stick_to_bottom(true)
            .auto_shrink([false, false])
            .max_height((ui.available_height() - compose_height).max(80.0));
        let key_target = self.scroll.keyboard(ui);
        let mut receipts = Vec::new();
        let mut remeasured = false;
        let output = area.show_viewport(ui, |ui, viewport| {
            if let Some(target) = key_target {
                // A scroll delta, not a set offset: egui keeps a set offset
                // stuck to the bottom, but takes a delta as the reader's move.
                let delta = egui::vec2(0.0, viewport.min.y - target);
                ui.scroll_with_delta_animation(delta, egui::style::ScrollAnimation::none());
            }
            let origin = ui.min_rect().min;
            let width = ui.available_width();
            ui.set_min_size(egui::vec2(width, self.rows.total()));
            for row in self.rows.visible(viewport.min.y, viewport.max.y) {
                let msg = &thread.messages[row];
                let top = origin + egui::vec2(0.0, self.rows.top(row));
                let rect = egui::Rect::from_min_size(top, egui::vec2(width, f32::INFINITY));
                let mut bubble =
                    ui.new_child(egui::UiBuilder::new().max_rect(rect).layout(Layout::top_down(Align::Min)));
                if let Some((message_id, outcome)) =
                    message_ui(&mut bubble, msg, &mut self.failing_receipt, auto_delivered, &mut self.answered)
                {
                    receipts.push((message_id, msg.id, outcome));
                }
                remeasured |= self.rows.measured(row, bubble.min_rect().height());
            }
        });
        self.scroll.remember(&output);
        if remeasured {
            ui.ctx().request_repaint();
        }
        if typing {
            ui.weak("Agent is typing…");
            ui.ctx().request_repaint_after(Duration::from_millis(500));
        }
        receipts
    }
}

/// The thread's title, live state and "New conversation"; returns true when
/// that button was pressed.
fn header_ui(ui: &mut Ui, state: &AppState, thread: &ChatThread, key: &ThreadKey) -> bool {
    let presence_problem = state.chats.presence_problem(&key.account);
    let mut start_new = false;
    ui.horizontal(|ui| {
        ui.heading(thread.title().unwrap_or(&key.customer_id).to_string());
        ui.weak(format!("{} · customer {}", key.account, key.customer_id));
        // Without the detail events the live state would only go stale.
        if let Some(live) = thread.live.as_ref().filter(|_| presence_problem.is_none()) {
            let color = match live {
                LiveState::WaitingInQueue => ui.visuals().warn_fg_color,
                LiveState::WithAgent(_) => egui::Color32::from_rgb(90, 180, 110),
                LiveState::Ended => ui.visuals().weak_text_color(),
            };
            ui.separator();
            ui.label(RichText::new(live.label()).color(color).strong());
        }
        let new_conversation = ui.button("New conversation").on_hover_text(
            "Genesys continues this customer's conversation (within the org's threading timeline): \
             start again with a new customer id",
        );
        start_new = new_conversation.clicked();
    });
    if let Some(problem) = presence_problem {
        ui.colored_label(ui.visuals().warn_fg_color, format!("Agent joined/left/wrap-up not shown: {problem}"));
    }
    start_new
}

/// One bubble; returns a receipt to send when a receipt button was pressed.
fn message_ui(
    ui: &mut Ui,
    msg: &ChatMessage,
    failing: &mut Option<(String, String)>,
    auto_delivered: bool,
    answered: &mut Option<(String, ButtonResponse)>,
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
                if msg.kind == MessageKind::Structured
                    && let (Some(response), Some(gid)) = (super::structured::structured_ui(ui, msg), &msg.genesys_id)
                {
                    *answered = Some((gid.clone(), response));
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
