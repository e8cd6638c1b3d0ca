//! Accounts: the list of the environment's accounts and the form of the
//! selected (or new) one, with inline errors from the shared validator.

mod create;
mod form;
mod share;

use std::collections::HashMap;

use egui::{Button, Ui};

use super::warn_color;
use crate::app::pending::{Pending, next_request_id};
use crate::app::selection::Selection;
use crate::app::state::AppState;
use crate::config::defaults::MAX_ACCOUNTS_PER_ENVIRONMENT;
use crate::config::{AccountDraft, Environment};
use crate::engine::command::{Command, Event, IntegrationSummary, RequestId};
pub use form::AccountForm;

/// Which form: (storing environment, saved name; None for a new account).
pub type FormKey = (Environment, Option<String>);

/// The Accounts view: one form per selection, kept while unsaved.
#[derive(Debug, Default)]
pub struct AccountsView {
    forms: HashMap<FormKey, AccountForm>,
    /// "New account" was pressed with this (environment, account) selected:
    /// another selection leaves the new form.
    new_for: Option<(Environment, Option<String>)>,
    /// The form of the save in flight.
    saving: Option<FormKey>,
    /// The last "List integrations" request and the form it was for.
    integrations: Option<(RequestId, FormKey, Pending<Vec<IntegrationSummary>>)>,
    /// Why the last Save was not sent, when no field is to blame.
    notice: Option<String>,
    /// "Create a new integration…": its dialog and the creation in flight.
    create: create::CreateIntegration,
    /// "Import…": the accounts of the file read, with their secrets being typed.
    import: share::ImportDialog,
}

impl AccountsView {
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        selection: &mut Selection,
        commands: &mut Vec<Command>,
        dialogs: &mut dyn super::Dialogs,
    ) {
        ui.horizontal(|ui| {
            ui.heading(format!("Accounts — {}", selection.env.label()));
            ui.label(state.accounts.count_text(selection.env));
            share_buttons_ui(ui, state, selection, dialogs);
        });
        self.import.ui(ui.ctx(), state, selection.env, commands);
        secret_storage_ui(ui, state);
        ui.separator();
        self.list_ui(ui, state, selection);
        ui.separator();

        if state.accounts.of(selection.env).is_empty() && !self.editing_new(state, selection) {
            if state.accounts.loaded {
                ui.label("No accounts in this environment yet.");
            } else {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Loading accounts…");
                });
            }
            return;
        }
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| self.form_ui(ui, state, selection, commands));
    }

    fn list_ui(&mut self, ui: &mut Ui, state: &AppState, selection: &mut Selection) {
        let read_only = selection.read_only();
        let editing_new = self.editing_new(state, selection);
        ui.horizontal_wrapped(|ui| {
            for account in state.accounts.of(selection.env) {
                let selected = !editing_new && selection.account.as_ref() == Some(&account.name);
                if ui.selectable_label(selected, &account.name).clicked() {
                    selection.account = Some(account.name.clone());
                    self.new_for = None;
                }
            }
            let can_add = !read_only && !state.accounts.at_limit(selection.env);
            let hover = if read_only {
                selection.env.read_only_message()
            } else {
                format!("This environment already has {MAX_ACCOUNTS_PER_ENVIRONMENT} accounts")
            };
            if ui.add_enabled(can_add, Button::new("New account")).on_disabled_hover_text(hover).clicked() {
                self.new_for = Some((selection.env, selection.account.clone()));
            }
        });
    }

    /// True when the form is for a new account: "New account" was pressed
    /// with the current selection, or the (editable) environment has none.
    fn editing_new(&self, state: &AppState, selection: &Selection) -> bool {
        self.new_for.as_ref().is_some_and(|(env, account)| *env == selection.env && *account == selection.account)
            || (state.accounts.loaded && !selection.read_only() && state.accounts.of(selection.env).is_empty())
    }

    fn form_key(&self, state: &AppState, selection: &Selection) -> FormKey {
        let name = if self.editing_new(state, selection) { None } else { selection.account.clone() };
        (selection.env.source(), name)
    }

    /// The form of the current selection (created from the saved account on first use).
    fn form_mut(&mut self, key: &FormKey, state: &AppState, selection: &Selection) -> &mut AccountForm {
        let account = key.1.as_ref().and_then(|_| selection.account(state));
        self.forms.entry(key.clone()).or_insert_with(|| AccountForm::new(account))
    }

    /// The form of the current selection as it would be drawn (tests).
    pub fn form(&self, state: &AppState, selection: &Selection) -> AccountForm {
        let key = self.form_key(state, selection);
        self.forms.get(&key).cloned().unwrap_or_else(|| AccountForm::new(key.1.and(selection.account(state))))
    }

    /// Updates the forms for an account event.
    pub fn on_event(&mut self, event: &Event) {
        self.create.on_event(event);
        self.import.on_event(event);
        match event {
            Event::AccountsLoaded { accounts, .. } => {
                // Clean forms reload from the new values; unsaved edits stay,
                // on top of the new values of the fields not edited.
                self.forms.retain(|(env, name), form| {
                    let saved = name.as_ref().and_then(|n| accounts.get(env)?.iter().find(|a| &a.name == n));
                    match saved {
                        Some(account) if form.edited() => {
                            form.rebase(&account.to_draft());
                            true
                        }
                        Some(_) => false,
                        None => name.is_none() && form.draft != AccountDraft::default(),
                    }
                });
            }
            Event::AccountSaved { env, name } => {
                if let Some(key) = self.saving.take() {
                    self.forms.remove(&key);
                }
                self.forms.remove(&(env.source(), Some(name.clone())));
                self.new_for = None;
            }
            Event::AccountSaveFailed { errors, .. } => {
                if let Some(key) = self.saving.take()
                    && let Some(form) = self.forms.get_mut(&key)
                {
                    form.server_errors = errors.clone();
                    form.submitted = true;
                }
            }
            Event::AccountDeleted { env, name } => {
                self.forms.remove(&(env.source(), Some(name.clone())));
            }
            Event::IntegrationsListed { request, result } => {
                if let Some((id, _, pending)) = &mut self.integrations
                    && id == request
                {
                    pending.finish(result.clone().map_err(|failure| failure.message));
                }
            }
            _ => {}
        }
    }

    /// Validates the form and returns the save command, or None (errors now shown).
    fn save_command(&mut self, key: &FormKey, state: &AppState, selection: &Selection) -> Option<Command> {
        let env = selection.env;
        let at_limit = key.1.is_none() && state.accounts.at_limit(env);
        self.notice = None;
        let form = self.form_mut(key, state, selection);
        form.submitted = true;
        form.server_errors.clear();
        if selection.read_only() || !form.draft.field_errors().is_empty() {
            return None;
        }
        if at_limit {
            self.notice = Some(format!(
                "{env} already has {MAX_ACCOUNTS_PER_ENVIRONMENT} accounts: delete one before adding another"
            ));
            return None;
        }
        let command =
            Command::SaveAccount { env, original_name: form.original_name.clone(), draft: form.draft.clone() };
        self.saving = Some(key.clone());
        Some(command)
    }

    fn list_integrations_command(&mut self, key: &FormKey, state: &AppState, selection: &Selection) -> Option<Command> {
        let account = selection.account(state)?.name.clone();
        let request = next_request_id();
        let mut pending = self.integrations.take().map(|(_, _, p)| p).unwrap_or_default();
        pending.start();
        self.integrations = Some((request, key.clone(), pending));
        Some(Command::ListIntegrations { request, env: selection.env, account })
    }
}

/// "Export…" (every account but the built-in Emulator one, without secrets) and "Import…".
fn share_buttons_ui(ui: &mut Ui, state: &AppState, selection: &Selection, dialogs: &mut dyn super::Dialogs) {
    let env = selection.env.source();
    let any = state.accounts.of(env).iter().any(|a| a.name != crate::config::defaults::EMULATOR_ACCOUNT);
    let export = Button::new("Export…");
    if ui.add_enabled(any, export).on_hover_text("Save these accounts to a JSON file, without secrets").clicked() {
        dialogs.open(super::DialogRequest::ExportAccounts(env), ui.ctx());
    }
    let hover = "Add accounts from an export; their secrets are typed or read from the variables the file names";
    if ui.add_enabled(!selection.read_only(), Button::new("Import…")).on_hover_text(hover).clicked() {
        dialogs.open(super::DialogRequest::ImportAccounts, ui.ctx());
    }
}

fn secret_storage_ui(ui: &mut Ui, state: &AppState) {
    match &state.accounts.secret_warning {
        Some(warning) => {
            ui.colored_label(warn_color(ui), format!("Secret storage: {warning}"));
        }
        None if state.accounts.loaded => {
            ui.label("Secret storage: OS keyring");
        }
        None => {}
    }
}

#[cfg(test)]
mod tests;
