//! "Create a new integration…": named and confirmed in a dialog, then a
//! spinner until Genesys finished creating it and the account uses it.

use egui::{Button, RichText, TextEdit, Ui};

use super::AccountsView;
use crate::app::pending::next_request_id;
use crate::app::selection::Selection;
use crate::app::state::AppState;
use crate::engine::command::{Command, Event, RequestId};

/// The dialog's name draft while open, and the creation in flight.
#[derive(Debug, Default)]
pub struct CreateIntegration {
    name: Option<String>,
    pending: Option<RequestId>,
}

impl CreateIntegration {
    pub fn on_event(&mut self, event: &Event) {
        if let Event::IntegrationCreated { request, .. } = event
            && self.pending == Some(*request)
        {
            self.pending = None;
        }
    }
}

impl AccountsView {
    /// The button (saved accounts of editable environments only) and its dialog.
    pub(super) fn create_integration_ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        selection: &Selection,
        commands: &mut Vec<Command>,
    ) {
        let Some(account) = selection.account(state).filter(|_| !selection.read_only()) else { return };
        let url = account
            .public_webhook_url()
            .or_else(|| state.services.listener_addr().map(|addr| format!("http://{addr}{}", account.webhook_path())));
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            let idle = self.create.pending.is_none();
            let button = ui
                .add_enabled(idle && url.is_some(), Button::new("Create a new integration…"))
                .on_disabled_hover_text("Set the Public webhook base URL (or start the listener) first");
            if button.clicked() {
                self.create.name = Some(format!("{} bot", account.name));
            }
            if !idle {
                ui.spinner();
                ui.label("Creating: Genesys finishes new integrations asynchronously…");
            }
        });
        let Some(url) = url else { return };
        let mut close = false;
        if let Some(name) = &mut self.create.name {
            egui::Modal::new(egui::Id::unique("create_integration")).show(ui.ctx(), |ui| {
                ui.set_max_width(480.0);
                ui.heading("Create an Open Messaging integration?");
                let label = ui.label("Integration name");
                ui.add(TextEdit::singleline(name).desired_width(300.0)).labelled_by(label.id);
                ui.label("Its webhook URL will be");
                ui.label(RichText::new(&url).monospace());
                ui.label(format!(
                    "with a new random secret token. Once Genesys finished creating it, {} uses it \
                     (integration ID and webhook secret).",
                    account.name
                ));
                ui.horizontal(|ui| {
                    if ui.add_enabled(!name.trim().is_empty(), Button::new("Create integration")).clicked() {
                        let request = next_request_id();
                        let (env, account) = (selection.env, account.name.clone());
                        commands.push(Command::CreateIntegration {
                            request,
                            env,
                            account,
                            name: name.trim().to_string(),
                        });
                        self.create.pending = Some(request);
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
        }
        if close {
            self.create.name = None;
        }
    }
}
