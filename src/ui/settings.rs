//! Settings: theme, workspace tier, listener address, auto-Delivered receipts,
//! and the status of the emulator and the secret storage.

use std::net::SocketAddr;

use egui::{TextEdit, Ui};

use super::{error_color, ok_color, warn_color};
use crate::app::state::{AppState, ServiceStatus, ThemeChoice};
use crate::config::Tier;
use crate::engine::command::Command;

pub fn settings_ui(ui: &mut Ui, state: &mut AppState, commands: &mut Vec<Command>) {
    ui.heading("Settings");
    ui.add_space(6.0);
    egui::Grid::new("settings").num_columns(2).spacing([16.0, 10.0]).show(ui, |ui| {
        ui.label("Theme");
        ui.horizontal(|ui| {
            for (choice, label) in
                [(ThemeChoice::System, "System"), (ThemeChoice::Light, "Light"), (ThemeChoice::Dark, "Dark")]
            {
                ui.selectable_value(&mut state.theme, choice, label);
            }
        });
        ui.end_row();

        ui.label("Environments");
        ui.horizontal(|ui| {
            for (tier, label) in
                [(Tier::Two, "Two: Development, Live"), (Tier::Three, "Three: Staging, Sandbox, Production")]
            {
                if ui.selectable_label(state.tier == tier, label).clicked() && state.tier != tier {
                    commands.push(Command::SetTier(tier));
                }
            }
        });
        ui.end_row();

        let label = ui.label("Listener address");
        let addr_error = state.listener_addr_draft.trim().parse::<SocketAddr>().err().map(|_| {
            format!("Listener address \"{}\" is not IP:port, e.g. 127.0.0.1:8787", state.listener_addr_draft.trim())
        });
        ui.horizontal(|ui| {
            ui.add(TextEdit::singleline(&mut state.listener_addr_draft).desired_width(180.0)).labelled_by(label.id);
            if ui.add_enabled(addr_error.is_none(), egui::Button::new("Restart listener")).clicked() {
                commands.push(Command::SetListenerAddr(state.listener_addr_draft.trim().to_string()));
                state.listener = ServiceStatus::Starting;
            }
            service_ui(ui, &state.listener);
        });
        ui.end_row();
        if let Some(e) = addr_error {
            ui.label("");
            ui.colored_label(error_color(ui), e);
            ui.end_row();
        }

        ui.label("Receipts");
        let before = state.auto_delivered;
        ui.checkbox(&mut state.auto_delivered, "Auto Delivered receipts for agent messages");
        if before != state.auto_delivered {
            commands.push(Command::SetAutoDelivered(state.auto_delivered));
        }
        ui.end_row();

        ui.label("Emulator");
        service_ui(ui, &state.emulator);
        ui.end_row();

        ui.label("Secret storage");
        match &state.secret_warning {
            Some(w) => ui.colored_label(warn_color(ui), w),
            None => ui.label("OS keyring"),
        };
        ui.end_row();
    });
}

fn service_ui(ui: &mut Ui, status: &ServiceStatus) {
    match status {
        ServiceStatus::Starting => {
            ui.weak("starting…");
        }
        ServiceStatus::Running { addr, public_base } => {
            let text = match public_base {
                Some(base) => format!("running on {addr} (public {base})"),
                None => format!("running on {addr}"),
            };
            ui.colored_label(ok_color(ui), text);
        }
        ServiceStatus::Failed(error) => {
            ui.colored_label(error_color(ui), format!("failed: {error}"));
        }
    }
}
