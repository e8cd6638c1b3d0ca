//! The account form: the draft as typed, its inline errors, and the rows
//! that edit it.

use egui::{Button, RichText, Ui};

use super::{AccountsView, FormKey};
use crate::app::pending::Pending;
use crate::app::selection::Selection;
use crate::app::state::AppState;
use crate::config::account::webhook_path;
use crate::config::defaults::EMULATOR_HOST;
use crate::config::{Account, AccountDraft, Field, FieldError, REGIONS};
use crate::engine::command::{Command, IntegrationSummary};
use crate::ui::form::{FIELD_WIDTH, LABEL_WIDTH, errors_changed, form_row_ui, plain_row_ui};
use crate::ui::{FormRow, error_color};

/// The account form of one selection (an existing account or a new one).
#[derive(Debug, Clone, Default)]
pub struct AccountForm {
    pub draft: AccountDraft,
    /// The saved name when editing an existing account.
    pub original_name: Option<String>,
    pub show_secret: bool,
    /// Save was pressed: show errors for empty fields too.
    pub submitted: bool,
    /// Errors the engine returned for the last save; each goes away when
    /// its field is edited.
    pub server_errors: Vec<FieldError>,
    /// The saved values the draft started from: what "unchanged" means.
    pub base: AccountDraft,
}

impl AccountForm {
    pub fn new(original: Option<&Account>) -> Self {
        let draft = original.map(Account::to_draft).unwrap_or_default();
        Self { base: draft.clone(), draft, original_name: original.map(|a| a.name.clone()), ..Self::default() }
    }

    /// True when the user changed something since the form was filled.
    pub fn edited(&self) -> bool {
        self.draft != self.base
    }

    /// The account changed elsewhere (a rotated secret, a new integration, the
    /// command line): every field the user did not touch takes the new value,
    /// so a later Save never writes an old secret or id back.
    pub fn rebase(&mut self, saved: &AccountDraft) {
        fn take<T: PartialEq + Clone>(draft: &mut T, base: &T, saved: &T) {
            if draft == base {
                draft.clone_from(saved);
            }
        }
        let (d, b) = (&mut self.draft, &self.base);
        take(&mut d.name, &b.name, &saved.name);
        take(&mut d.host, &b.host, &saved.host);
        take(&mut d.client_id, &b.client_id, &saved.client_id);
        take(&mut d.client_secret, &b.client_secret, &saved.client_secret);
        take(&mut d.integration_id, &b.integration_id, &saved.integration_id);
        take(&mut d.webhook_secret, &b.webhook_secret, &saved.webhook_secret);
        take(&mut d.public_webhook_base, &b.public_webhook_base, &saved.public_webhook_base);
        take(&mut d.accept_unsigned, &b.accept_unsigned, &saved.accept_unsigned);
        take(&mut d.events_off, &b.events_off, &saved.events_off);
        self.base = saved.clone();
    }

    /// Inline errors from the shared validator. Untouched empty fields of a new
    /// form stay quiet until Save is pressed.
    pub fn errors(&self) -> Vec<FieldError> {
        let mut errors: Vec<FieldError> = self
            .draft
            .field_errors()
            .into_iter()
            .filter(|e| self.submitted || !value(&self.draft, e.field).trim().is_empty())
            .collect();
        for e in &self.server_errors {
            if !errors.iter().any(|x| x.field == e.field) {
                errors.push(e.clone());
            }
        }
        errors
    }

    pub fn error_for(&self, field: Field) -> Option<String> {
        self.errors().into_iter().find(|e| e.field == field).map(|e| e.message)
    }
}

fn value(d: &AccountDraft, field: Field) -> &str {
    match field {
        Field::Name => &d.name,
        Field::Host => &d.host,
        Field::ClientId => &d.client_id,
        Field::ClientSecret => &d.client_secret,
        Field::IntegrationId => &d.integration_id,
        Field::WebhookSecret => &d.webhook_secret,
        Field::PublicWebhookBase => &d.public_webhook_base,
    }
}

fn value_mut(d: &mut AccountDraft, field: Field) -> &mut String {
    match field {
        Field::Name => &mut d.name,
        Field::Host => &mut d.host,
        Field::ClientId => &mut d.client_id,
        Field::ClientSecret => &mut d.client_secret,
        Field::IntegrationId => &mut d.integration_id,
        Field::WebhookSecret => &mut d.webhook_secret,
        Field::PublicWebhookBase => &mut d.public_webhook_base,
    }
}

/// What the rows need besides the form.
struct RowContext {
    enabled: bool,
    errors: Vec<FieldError>,
    /// Fields whose verify check failed.
    highlighted: Vec<Field>,
}

impl RowContext {
    fn error(&self, field: Field) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// A text row for `field`; editing it drops the engine's error about it.
    fn text_row(&self, ui: &mut Ui, form: &mut AccountForm, field: Field, password: bool) {
        let row = FormRow::text(field.label(), value_mut(&mut form.draft, field))
            .enabled(self.enabled)
            .password(password)
            .highlight(self.highlighted.contains(&field))
            .error(self.error(field));
        if ui.add(row).changed() {
            form.server_errors.retain(|e| e.field != field);
        }
    }
}

impl AccountsView {
    pub(super) fn form_ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        selection: &Selection,
        commands: &mut Vec<Command>,
    ) {
        let key = self.form_key(state, selection);
        let rows = RowContext {
            enabled: !selection.read_only(),
            errors: self.form_mut(&key, state, selection).errors(),
            highlighted: selection
                .account
                .as_ref()
                .and_then(|name| state.verify.run(selection.env, name))
                .map(|run| run.failed_fields())
                .unwrap_or_default(),
        };
        let integrations = match &self.integrations {
            Some((_, for_key, pending)) if *for_key == key => pending.clone(),
            _ => Pending::NotRequested,
        };
        let saved = key.1.is_some() && selection.account(state).is_some();
        let form = self.form_mut(&key, state, selection);
        ui.heading(match &form.original_name {
            Some(_) => format!("Edit {}", form.draft.name),
            None => "New account".to_string(),
        });
        let list_integrations = fields_ui(ui, form, &rows, &integrations, saved);
        if form.errors() != rows.errors {
            errors_changed(ui);
        }
        ui.add_space(8.0);
        webhook_url_ui(ui, &form.draft, &rows, state.services.listener_addr());
        ui.add_space(8.0);
        self.buttons_ui(ui, &key, state, selection, commands);
        if saved {
            self.create_integration_ui(ui, state, selection, commands);
        }
        if list_integrations && let Some(command) = self.list_integrations_command(&key, state, selection) {
            commands.push(command);
        }
    }

    fn buttons_ui(
        &mut self,
        ui: &mut Ui,
        key: &FormKey,
        state: &AppState,
        selection: &Selection,
        commands: &mut Vec<Command>,
    ) {
        let read_only = selection.read_only();
        let read_only_text = selection.env.read_only_message();
        let (mut save, mut delete, mut cancel) = (false, false, false);
        ui.horizontal(|ui| {
            save = ui.add_enabled(!read_only, Button::new("Save")).on_disabled_hover_text(&read_only_text).clicked();
            if key.1.is_some() {
                let button = ui.add_enabled(!read_only, Button::new("Delete"));
                delete = button.on_disabled_hover_text(&read_only_text).clicked();
            } else {
                cancel = ui.button("Cancel").clicked();
            }
            if let Some(notice) = &self.notice {
                ui.colored_label(error_color(ui), notice);
            }
        });
        if cancel {
            self.new_for = None;
        }
        if save && let Some(command) = self.save_command(key, state, selection) {
            commands.push(command);
        }
        if delete
            && !read_only
            && let Some(name) = key.1.clone()
        {
            commands.push(Command::DeleteAccount { env: selection.env, name });
        }
    }
}

/// The rows of the form; returns true when "List integrations" was pressed.
fn fields_ui(
    ui: &mut Ui,
    form: &mut AccountForm,
    rows: &RowContext,
    integrations: &Pending<Vec<IntegrationSummary>>,
    saved: bool,
) -> bool {
    rows.text_row(ui, form, Field::Name, false);
    region_row_ui(ui, &mut form.draft.host, rows.enabled);
    rows.text_row(ui, form, Field::Host, false);
    rows.text_row(ui, form, Field::ClientId, false);
    secret_row_ui(ui, form, rows);
    rows.text_row(ui, form, Field::IntegrationId, false);
    let list = integrations_row_ui(ui, &mut form.draft.integration_id, integrations, saved);
    rows.text_row(ui, form, Field::WebhookSecret, !form.show_secret);
    rows.text_row(ui, form, Field::PublicWebhookBase, false);
    plain_row_ui(ui, "", LABEL_WIDTH, |ui| {
        // Stored as "off" so an account written before the switch existed receives events.
        let mut receive = !form.draft.events_off;
        let switch = egui::Checkbox::new(&mut receive, "Receive events");
        let response = ui
            .add_enabled(rows.enabled, switch)
            .on_hover_text("Off: the listener answers this account's webhook 404 and shows nothing in its chats");
        if response.changed() {
            form.draft.events_off = !receive;
        }
    });
    plain_row_ui(ui, "", LABEL_WIDTH, |ui| {
        let unsigned = egui::Checkbox::new(&mut form.draft.accept_unsigned, "Accept unsigned deliveries (debug only)");
        ui.add_enabled(rows.enabled, unsigned);
    });
    list
}

fn region_row_ui(ui: &mut Ui, host: &mut String, enabled: bool) {
    let current = REGIONS
        .iter()
        .find(|r| host.contains(r.domain))
        .map(|r| r.label.to_string())
        .unwrap_or_else(|| if host.is_empty() { "pick a region".into() } else { "custom host".into() });
    form_row_ui(ui, "Region", LABEL_WIDTH, None, |ui| {
        ui.add_enabled_ui(enabled, |ui| {
            egui::ComboBox::from_id_salt("region_picker")
                .selected_text(current)
                .width(FIELD_WIDTH)
                .show_ui(ui, |ui| {
                    for region in REGIONS {
                        let text = format!("{} — {}", region.label, region.domain);
                        if ui.selectable_label(*host == region.domain, text).clicked() {
                            *host = region.domain.to_string();
                        }
                    }
                    let text = format!("Local emulator — {EMULATOR_HOST}");
                    if ui.selectable_label(*host == EMULATOR_HOST, text).clicked() {
                        *host = EMULATOR_HOST.to_string();
                    }
                })
                .response
        })
        .inner
    });
}

/// The client secret with the "Show" switch for both secrets.
fn secret_row_ui(ui: &mut Ui, form: &mut AccountForm, rows: &RowContext) {
    let field = Field::ClientSecret;
    let error = rows.error(field);
    let mut changed = false;
    form_row_ui(ui, field.label(), LABEL_WIDTH, error, |ui| {
        let edit = egui::TextEdit::singleline(&mut form.draft.client_secret)
            .password(!form.show_secret)
            .desired_width(FIELD_WIDTH - 60.0);
        let response = ui.add_enabled(rows.enabled, edit);
        changed = response.changed();
        ui.checkbox(&mut form.show_secret, "Show");
        response
    });
    if changed {
        form.server_errors.retain(|e| e.field != field);
    }
}

/// "List integrations" and the picker it fills; returns true when pressed.
fn integrations_row_ui(
    ui: &mut Ui,
    integration_id: &mut String,
    integrations: &Pending<Vec<IntegrationSummary>>,
    saved: bool,
) -> bool {
    let mut pressed = false;
    ui.horizontal(|ui| {
        ui.add_space(LABEL_WIDTH + ui.spacing().item_spacing.x);
        pressed = ui
            .add_enabled(saved, Button::new("List integrations"))
            .on_disabled_hover_text("Save the account first: the list needs a working token")
            .clicked();
        match integrations {
            Pending::Waiting { .. } => {
                ui.spinner();
            }
            Pending::Failed { err, .. } => {
                ui.colored_label(error_color(ui), err);
            }
            _ => {}
        }
        if let Some(list) = integrations.latest() {
            let selected = list
                .iter()
                .find(|i| i.id == *integration_id)
                .map(|i| i.name.clone())
                .unwrap_or_else(|| format!("{} integrations", list.len()));
            egui::ComboBox::from_id_salt("integration_picker").selected_text(selected).show_ui(ui, |ui| {
                for i in list {
                    if ui.selectable_label(i.id == *integration_id, i.label()).clicked() {
                        *integration_id = i.id.clone();
                    }
                }
            });
        }
    });
    ui.add_space(3.0);
    pressed
}

fn webhook_url_ui(ui: &mut Ui, draft: &AccountDraft, rows: &RowContext, listener: Option<std::net::SocketAddr>) {
    let path = webhook_path(draft.name.trim());
    let base = draft.public_webhook_base.trim().trim_end_matches('/');
    ui.horizontal_wrapped(|ui| {
        ui.label("Webhook URL to paste into Genesys:");
        if !base.is_empty() && rows.error(Field::PublicWebhookBase).is_none() {
            let url = format!("{base}{path}");
            ui.label(RichText::new(&url).monospace());
            if ui.small_button("Copy").clicked() {
                ui.ctx().copy_text(url);
            }
        } else {
            ui.weak("set a public webhook base URL (your https tunnel) first");
            if let Some(addr) = listener {
                ui.weak(format!("— the local listener is http://{addr}{path}"));
            }
        }
    });
}
