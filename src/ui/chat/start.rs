//! The "Start test chat" form: a ticket draft validated on submit, with the
//! engine's error kept on its field until that field is edited.

use egui::{Button, TextEdit, Ui};

use super::ChatView;
use crate::app::chats::ThreadKey;
use crate::app::pending::{Pending, next_request_id};
use crate::app::selection::Selection;
use crate::app::state::AppState;
use crate::engine::command::{Command, Priority, RequestId, TicketDraft, TicketError, TicketField};
use crate::ui::form::{LABEL_WIDTH, errors_changed, form_row_ui};
use crate::ui::{FormRow, error_color};

/// Labels of this form are longer than the default column.
const TICKET_LABEL_WIDTH: f32 = LABEL_WIDTH + 30.0;

/// The "Start test chat" form.
#[derive(Debug, Clone, Default)]
pub struct ChatForm {
    pub ticket: TicketDraft,
    pub submitted: bool,
    pub request: Option<RequestId>,
    /// Ok: the thread that was started.
    pub start: Pending<ThreadKey>,
    /// The engine's (or the account picker's) error, on its field.
    pub server_error: Option<(Option<TicketField>, String)>,
}

impl ChatForm {
    pub fn errors(&self) -> Vec<TicketError> {
        let mut errors = if self.submitted { self.ticket.validate() } else { Vec::new() };
        if let Some((field, message)) = &self.server_error {
            errors.push(TicketError { field: field.unwrap_or(TicketField::Account), message: message.clone() });
        }
        errors
    }

    pub fn error_for(&self, field: TicketField) -> Option<String> {
        self.errors().into_iter().find(|e| e.field == field).map(|e| e.message)
    }

    /// Drops the engine's error when it names `field` (just edited).
    pub(super) fn edited(&mut self, field: TicketField) {
        if self.server_error.as_ref().is_some_and(|(f, _)| *f == Some(field)) {
            self.server_error = None;
        }
    }

    /// Validates the ticket and returns the start command, or None (errors now shown).
    pub(super) fn start_command(&mut self, selection: &Selection, state: &AppState) -> Option<Command> {
        self.submitted = true;
        self.server_error = None;
        let Some(account) = selection.account(state).map(|a| a.name.clone()) else {
            let message = "Account: pick an account in the top bar first".to_string();
            self.server_error = Some((Some(TicketField::Account), message));
            return None;
        };
        if !self.ticket.validate().is_empty() {
            return None;
        }
        let request = next_request_id();
        self.request = Some(request);
        self.start.start();
        let mut ticket = self.ticket.clone();
        ticket.priority = ticket.priority.trim().to_ascii_uppercase();
        ticket.attributes.retain(|(k, _)| !k.trim().is_empty());
        Some(Command::StartChat { request, env: selection.env, account, ticket })
    }
}

impl ChatView {
    pub(super) fn start_form_ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        selection: &mut Selection,
        commands: &mut Vec<Command>,
    ) {
        ui.heading("Start test chat");
        ui.label("Posts the query as the customer's first message, with these details as custom attributes.");
        ui.add_space(6.0);
        let mut start = false;
        egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
            let errors = self.form.errors();
            let error = |f: TicketField| errors.iter().find(|e| e.field == f).map(|e| e.message.as_str());
            account_row_ui(ui, state, selection, error(TicketField::Account));
            ticket_rows_ui(ui, &mut self.form, &error);
            attributes_ui(ui, &mut self.form.ticket.attributes, error(TicketField::Attributes));
            if self.form.errors() != errors {
                errors_changed(ui);
            }
            ui.add_space(8.0);
            let waiting = self.form.start.is_waiting();
            ui.horizontal(|ui| {
                start = ui.add_enabled(!waiting, Button::new("Start chat")).clicked();
                if waiting {
                    ui.spinner();
                    ui.label("starting…");
                }
            });
        });
        if start && let Some(command) = self.form.start_command(selection, state) {
            commands.push(command);
        }
    }

    /// Opens the start form for a new conversation with the customer of
    /// `key`: same details, a fresh customer id (see `Chats::fresh_customer_id`).
    pub fn start_new_conversation(&mut self, state: &AppState, key: &ThreadKey) {
        self.form.ticket.email = state.chats.fresh_customer_id(&key.account, &key.customer_id);
        self.form.submitted = false;
        self.form.server_error = None;
        self.select_thread(None);
    }
}

fn account_row_ui(ui: &mut Ui, state: &AppState, selection: &mut Selection, error: Option<&str>) {
    form_row_ui(ui, TicketField::Account.label(), TICKET_LABEL_WIDTH, error, |ui| {
        crate::ui::account_combo(ui, "chat_account", "pick an account", state, selection)
    });
}

fn ticket_rows_ui<'e>(ui: &mut Ui, form: &mut ChatForm, error: &impl Fn(TicketField) -> Option<&'e str>) {
    let t = &mut form.ticket;
    let mut edited = Vec::new();
    let fields: [(TicketField, &mut String); 4] = [
        (TicketField::AfterAssignment, &mut t.after_assignment_message),
        (TicketField::Name, &mut t.name),
        (TicketField::Mobile, &mut t.mobile),
        (TicketField::Email, &mut t.email),
    ];
    for (field, value) in fields {
        let row = FormRow::text(field.label(), value).label_width(TICKET_LABEL_WIDTH).error(error(field));
        if ui.add(row).changed() {
            edited.push(field);
        }
    }
    let query = FormRow::multiline(TicketField::Query.label(), &mut t.query, 3)
        .label_width(TICKET_LABEL_WIDTH)
        .error(error(TicketField::Query));
    if ui.add(query).changed() {
        edited.push(TicketField::Query);
    }
    form_row_ui(ui, TicketField::Priority.label(), TICKET_LABEL_WIDTH, error(TicketField::Priority), |ui| {
        egui::ComboBox::from_id_salt("chat_priority")
            .selected_text(t.priority.clone())
            .show_ui(ui, |ui| {
                for p in Priority::STANDARD.iter().map(Priority::as_str) {
                    ui.selectable_value(&mut t.priority, p.to_string(), p);
                }
            })
            .response
    });
    for field in edited {
        form.edited(field);
    }
}

fn attributes_ui(ui: &mut Ui, attributes: &mut Vec<(String, String)>, error: Option<&str>) {
    egui::CollapsingHeader::new("Advanced: custom attributes").show(ui, |ui| {
        let mut remove = None;
        egui::Grid::new("ticket_attributes").num_columns(5).show(ui, |ui| {
            for (i, (key, value)) in attributes.iter_mut().enumerate() {
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
            attributes.remove(i);
        }
        if ui.button("Add attribute").clicked() {
            attributes.push((String::new(), String::new()));
        }
        if let Some(e) = error {
            ui.colored_label(error_color(ui), e);
        }
    });
}
