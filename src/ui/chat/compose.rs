//! The compose box of a thread: Send / Ctrl+Enter, Attach image, a typing
//! event while the customer types (at most one every 5 s), and the text limit
//! checked before sending, not after.

use egui::{Key, Modifiers, RichText, TextEdit, Ui};

use super::ChatView;
use crate::app::chats::ThreadKey;
use crate::app::selection::Selection;
use crate::engine::command::Command;
use crate::ui::{DialogRequest, Dialogs, error_color, warn_color};

/// Characters one message may have. Genesys documents no limit for Open
/// Messaging text; 2,000 is its documented limit for agentless messages on
/// non-SMS channels (`SendAgentlessOutboundMessageRequest.textBody`), the
/// nearest stated bound, so a longer text is stopped here rather than lost there.
pub const TEXT_LIMIT: usize = 2_000;

/// The counter shows from this many characters on.
const COUNTER_FROM: usize = 1_800;

/// Seconds between two typing events while the customer keeps typing.
const TYPING_EVERY: f64 = 5.0;

impl ChatView {
    pub(super) fn compose_ui(
        &mut self,
        ui: &mut Ui,
        selection: &mut Selection,
        commands: &mut Vec<Command>,
        dialogs: &mut dyn Dialogs,
        key: &ThreadKey,
    ) {
        let id = ui.make_persistent_id("compose");
        // Ctrl+Enter sends; consumed before the text box would turn it into a newline.
        let ctrl_enter =
            ui.memory(|m| m.has_focus(id)) && ui.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::Enter));
        let label = ui.label("Message");
        let edit = ui
            .add(TextEdit::multiline(&mut self.compose).id(id).desired_rows(2).desired_width(f32::INFINITY))
            .labelled_by(label.id);
        if edit.changed() && !self.compose.trim().is_empty() {
            self.typing(ui.input(|i| i.time), selection, commands, key);
        }
        let too_long = limit_ui(ui, &self.compose);
        let mut send = ctrl_enter && !too_long;
        let mut attach = false;
        ui.horizontal(|ui| {
            send |= ui.add_enabled(!too_long, egui::Button::new("Send")).on_hover_text("Ctrl+Enter").clicked();
            attach = ui.button("Attach image").clicked();
            if ui.checkbox(&mut selection.auto_delivered, "Auto Delivered receipts").changed() {
                commands.push(Command::SetAutoDelivered(selection.auto_delivered));
            }
        });
        let text = self.compose.trim().to_string();
        if send && !text.is_empty() {
            self.compose.clear();
            self.typing_sent = None;
            let (env, account, customer_id) = (selection.env, key.account.clone(), key.customer_id.clone());
            commands.push(Command::SendText { env, account, customer_id, text });
        }
        if attach {
            dialogs.open(DialogRequest::Image(key.clone()), ui.ctx());
        }
    }

    /// A typing event for this thread unless one went out less than 5 s ago.
    fn typing(&mut self, now: f64, selection: &Selection, commands: &mut Vec<Command>, key: &ThreadKey) {
        let due = self.typing_sent.as_ref().is_none_or(|(thread, at)| thread != key || now - at >= TYPING_EVERY);
        if due {
            self.typing_sent = Some((key.clone(), now));
            let (env, account, customer_id) = (selection.env, key.account.clone(), key.customer_id.clone());
            commands.push(Command::SendTyping { env, account, customer_id });
        }
    }
}

/// The counter near the limit and the message past it; true when over.
fn limit_ui(ui: &mut Ui, text: &str) -> bool {
    let chars = text.chars().count();
    if chars < COUNTER_FROM {
        return false;
    }
    let over = chars > TEXT_LIMIT;
    let color = if over { error_color(ui) } else { warn_color(ui) };
    ui.label(RichText::new(format!("{chars} / {TEXT_LIMIT} characters")).color(color));
    if over {
        ui.colored_label(
            error_color(ui),
            format!("Too long to send: shorten the message or split it ({} characters over)", chars - TEXT_LIMIT),
        );
    }
    over
}
