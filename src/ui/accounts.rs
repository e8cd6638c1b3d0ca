//! Accounts: the list of the environment's accounts and the form of the
//! selected (or new) one, with inline errors from the shared validator.

use egui::{Button, RichText, Ui};

use super::{error_color, text_row, warn_color};
use crate::app::pending::Pending;
use crate::app::state::{AppState, ServiceStatus};
use crate::config::account::webhook_path;
use crate::config::defaults::EMULATOR_HOST;
use crate::config::{Field, REGIONS};
use crate::engine::command::Command;

pub fn accounts_ui(ui: &mut Ui, state: &mut AppState, commands: &mut Vec<Command>) {
    let read_only = state.read_only();
    let read_only_text = state.env.read_only_message();
    ui.horizontal(|ui| {
        ui.heading(format!("Accounts — {}", state.env.label()));
        ui.label(state.account_count_text());
    });
    secret_storage_ui(ui, state);
    ui.separator();

    ui.horizontal_wrapped(|ui| {
        let names: Vec<String> = state.env_accounts().iter().map(|a| a.name.clone()).collect();
        for name in names {
            let selected = !state.editing_new && state.selected_account.as_ref() == Some(&name);
            if ui.selectable_label(selected, &name).clicked() {
                state.select_account(Some(name));
            }
        }
        let can_add = !read_only && !state.at_account_limit();
        let hover = if read_only { read_only_text.clone() } else { "This environment already has 5 accounts".into() };
        if ui.add_enabled(can_add, Button::new("New account")).on_disabled_hover_text(hover).clicked() {
            state.editing_new = true;
        }
    });
    ui.separator();

    if state.env_accounts().is_empty() && !state.editing_new {
        if !state.accounts_loaded {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading accounts…");
            });
        } else {
            ui.label("No accounts in this environment yet.");
        }
        if read_only || !state.accounts_loaded {
            return;
        }
        state.editing_new = true;
    }

    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| form_ui(ui, state, commands));
}

fn secret_storage_ui(ui: &mut Ui, state: &AppState) {
    match &state.secret_warning {
        Some(warning) => {
            ui.colored_label(warn_color(ui), format!("Secret storage: {warning}"));
        }
        None if state.accounts_loaded => {
            ui.label("Secret storage: OS keyring");
        }
        None => {}
    }
}

fn form_ui(ui: &mut Ui, state: &mut AppState, commands: &mut Vec<Command>) {
    let read_only = state.read_only();
    let read_only_text = state.env.read_only_message();
    let highlighted = state.failed_fields();
    let integrations = match &state.integrations {
        Some((_, pending)) => pending.clone(),
        None => Pending::NotRequested,
    };
    let saved = !state.editing_new && state.account().is_some();
    let listener_addr = match &state.listener {
        ServiceStatus::Running { addr, .. } => Some(*addr),
        _ => None,
    };
    let editing_new = state.editing_new;
    let mut list_integrations = false;

    let form = state.form();
    let errors = form.errors();
    let error = |field: Field| errors.iter().find(|e| e.field == field).map(|e| e.message.clone());
    let enabled = !read_only;
    ui.heading(if editing_new { "New account".to_string() } else { format!("Edit {}", form.draft.name) });
    egui::Grid::new("account_form").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
        let d = &mut form.draft;
        text_row(ui, Field::Name.label(), &mut d.name, enabled, false, error(Field::Name).as_deref(), false);

        let region_label = ui.label("Region");
        let current = REGIONS
            .iter()
            .find(|r| d.host.contains(r.domain))
            .map(|r| r.label.to_string())
            .unwrap_or_else(|| if d.host.is_empty() { "pick a region".into() } else { "custom host".into() });
        ui.add_enabled_ui(enabled, |ui| {
            egui::ComboBox::from_id_salt("region_picker").selected_text(current).width(380.0).show_ui(ui, |ui| {
                for region in REGIONS {
                    if ui
                        .selectable_label(d.host == region.domain, format!("{} — {}", region.label, region.domain))
                        .clicked()
                    {
                        d.host = region.domain.to_string();
                    }
                }
                if ui.selectable_label(d.host == EMULATOR_HOST, format!("Local emulator — {EMULATOR_HOST}")).clicked()
                {
                    d.host = EMULATOR_HOST.to_string();
                }
            })
        })
        .response
        .labelled_by(region_label.id);
        ui.end_row();

        let highlight = |f: Field| highlighted.contains(&f);
        text_row(
            ui,
            Field::Host.label(),
            &mut d.host,
            enabled,
            false,
            error(Field::Host).as_deref(),
            highlight(Field::Host),
        );
        text_row(
            ui,
            Field::ClientId.label(),
            &mut d.client_id,
            enabled,
            false,
            error(Field::ClientId).as_deref(),
            highlight(Field::ClientId),
        );
        let secret_label = ui.label(Field::ClientSecret.label());
        ui.horizontal(|ui| {
            let r = ui.add_enabled(
                enabled,
                egui::TextEdit::singleline(&mut d.client_secret).password(!form.show_secret).desired_width(300.0),
            );
            r.labelled_by(secret_label.id);
            ui.checkbox(&mut form.show_secret, "Show");
        });
        ui.end_row();
        if let Some(e) = error(Field::ClientSecret) {
            ui.label("");
            ui.colored_label(error_color(ui), e);
            ui.end_row();
        }
        let d = &mut form.draft;
        text_row(
            ui,
            Field::IntegrationId.label(),
            &mut d.integration_id,
            enabled,
            false,
            error(Field::IntegrationId).as_deref(),
            highlight(Field::IntegrationId),
        );
        ui.label("");
        ui.horizontal(|ui| {
            if ui
                .add_enabled(saved, Button::new("List integrations"))
                .on_disabled_hover_text("Save the account first: the list needs a working token")
                .clicked()
            {
                list_integrations = true;
            }
            match &integrations {
                Pending::Waiting { .. } => {
                    ui.spinner();
                }
                Pending::Failed { err, .. } => {
                    ui.colored_label(error_color(ui), err);
                }
                _ => {}
            }
            if let Some(list) = integrations.latest() {
                egui::ComboBox::from_id_salt("integration_picker")
                    .selected_text(
                        list.iter()
                            .find(|i| i.id == d.integration_id)
                            .map(|i| i.name.clone())
                            .unwrap_or_else(|| format!("{} integrations", list.len())),
                    )
                    .show_ui(ui, |ui| {
                        for i in list {
                            if ui.selectable_label(i.id == d.integration_id, format!("{} — {}", i.name, i.id)).clicked()
                            {
                                d.integration_id = i.id.clone();
                            }
                        }
                    });
            }
        });
        ui.end_row();
        text_row(
            ui,
            Field::WebhookSecret.label(),
            &mut d.webhook_secret,
            enabled,
            !form.show_secret,
            error(Field::WebhookSecret).as_deref(),
            highlight(Field::WebhookSecret),
        );
        text_row(
            ui,
            Field::PublicWebhookBase.label(),
            &mut d.public_webhook_base,
            enabled,
            false,
            error(Field::PublicWebhookBase).as_deref(),
            highlight(Field::PublicWebhookBase),
        );
        ui.label("");
        ui.add_enabled(enabled, egui::Checkbox::new(&mut d.accept_unsigned, "Accept unsigned deliveries (debug only)"));
        ui.end_row();
    });

    ui.add_space(8.0);
    let d = &form.draft;
    let path = webhook_path(d.name.trim());
    let base = d.public_webhook_base.trim().trim_end_matches('/');
    ui.horizontal_wrapped(|ui| {
        ui.label("Webhook URL to paste into Genesys:");
        if !base.is_empty() && errors.iter().all(|e| e.field != Field::PublicWebhookBase) {
            let url = format!("{base}{path}");
            ui.label(RichText::new(&url).monospace());
            if ui.small_button("Copy").clicked() {
                ui.ctx().copy_text(url);
            }
        } else {
            ui.weak("set a public webhook base URL (your https tunnel) first");
            if let Some(addr) = listener_addr {
                ui.weak(format!("— the local listener is http://{addr}{path}"));
            }
        }
    });

    ui.add_space(8.0);
    let mut save = false;
    let mut delete = false;
    let mut cancel = false;
    ui.horizontal(|ui| {
        save = ui.add_enabled(!read_only, Button::new("Save")).on_disabled_hover_text(&read_only_text).clicked();
        if !editing_new {
            delete =
                ui.add_enabled(!read_only, Button::new("Delete")).on_disabled_hover_text(&read_only_text).clicked();
        } else {
            cancel = ui.button("Cancel").clicked();
        }
    });
    if cancel {
        state.editing_new = false;
    }
    if save && let Some(cmd) = state.save_command() {
        commands.push(cmd);
    }
    if delete && let Some(cmd) = state.delete_command() {
        commands.push(cmd);
    }
    if list_integrations && let Some(cmd) = state.list_integrations_command() {
        commands.push(cmd);
    }
}
