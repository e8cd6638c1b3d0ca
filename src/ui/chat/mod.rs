//! Chats: the "Start test chat" form (a support ticket: name, mobile, email,
//! query, priority), the thread list and the open thread with customer/agent
//! bubbles, typing indicator, delivery status, inline images and receipts.

mod compose;
mod rows;
mod scroll;
mod start;
mod structured;
mod thread;

use egui::{Button, Ui};

use super::Dialogs;
use crate::app::chats::ThreadKey;
use crate::app::selection::Selection;
use crate::app::state::AppState;
#[cfg(test)]
use crate::engine::command::RequestId;
use crate::engine::command::{Command, Event};
pub use start::ChatForm;

/// The Chats view: the open thread, what is being typed, the start form.
#[derive(Debug, Default)]
pub struct ChatView {
    /// The open thread (None: the "Start test chat" form).
    selected: Option<ThreadKey>,
    /// The message being typed in the open thread.
    pub compose: String,
    /// The open thread's row heights (only the bubbles on screen are laid out).
    rows: rows::RowHeights,
    /// Its scroll position, for the scrolling keys.
    scroll: scroll::ScrollMemory,
    /// Agent message (Genesys id) whose "Mark failed" reason is being typed.
    failing_receipt: Option<(String, String)>,
    /// A structured message's answer clicked this frame: (its Genesys id, the answer).
    answered: Option<(String, crate::genesys::types::structured::ButtonResponse)>,
    /// The thread and time (egui seconds) of the last typing event sent.
    typing_sent: Option<(ThreadKey, f64)>,
    pub form: ChatForm,
}

impl ChatView {
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        selection: &mut Selection,
        commands: &mut Vec<Command>,
        dialogs: &mut dyn Dialogs,
    ) {
        egui::Panel::left("chat_threads").resizable(true).default_size(220.0).show(ui, |ui| self.threads_ui(ui, state));
        egui::CentralPanel::default().show(ui, |ui| match self.selected.clone() {
            Some(key) => self.thread_ui(ui, state, selection, commands, dialogs, &key),
            None => self.start_form_ui(ui, state, selection, commands),
        });
    }

    fn threads_ui(&mut self, ui: &mut Ui, state: &AppState) {
        ui.add_space(4.0);
        if ui.add(Button::selectable(self.selected.is_none(), "Start test chat")).clicked() {
            self.select_thread(None);
        }
        ui.separator();
        egui::ScrollArea::vertical().show(ui, |ui| {
            for (key, thread) in &state.chats.threads {
                let title = thread.title().unwrap_or(&key.customer_id);
                let text = format!("{title}\n{}", key.account);
                if ui.add(Button::selectable(self.selected.as_ref() == Some(key), text)).clicked() {
                    self.select_thread(Some(key.clone()));
                }
            }
        });
    }

    /// The open thread (None: the "Start test chat" form).
    pub fn selected(&self) -> Option<&ThreadKey> {
        self.selected.as_ref()
    }

    /// Opens a thread (None: the "Start test chat" form).
    pub fn select_thread(&mut self, key: Option<ThreadKey>) {
        if self.selected != key {
            self.selected = key;
            self.rows = rows::RowHeights::default();
            self.scroll = scroll::ScrollMemory::default();
            self.failing_receipt = None;
        }
    }

    /// The start form's outcome opens the new thread or shows the error.
    pub fn on_event(&mut self, event: &Event) {
        match event {
            Event::ChatStarted { request, account, customer_id } if self.form.request == Some(*request) => {
                let key = ThreadKey::new(account.clone(), customer_id.clone());
                self.form.start.finish(Ok(key.clone()));
                self.form.submitted = false;
                self.select_thread(Some(key));
            }
            Event::ChatStartFailed { request, message, field } if self.form.request == Some(*request) => {
                self.form.start.finish(Err(message.clone()));
                self.form.server_error = Some((*field, message.clone()));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
