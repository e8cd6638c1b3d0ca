//! Settings: theme, workspace tier, listener address, auto-Delivered receipts,
//! and the status of the emulator and the secret storage.

use std::net::SocketAddr;

use egui::{TextEdit, Ui};

use super::form::{errors_changed, form_row_ui, plain_row_ui};
use super::{error_color, ok_color, warn_color};
use crate::app::selection::{Selection, ThemeChoice};
use crate::app::state::{AppState, ServiceStatus};
use crate::config::Tier;
use crate::engine::command::{Command, Event};

/// Width of this view's label column.
pub(super) const LABEL_WIDTH: f32 = 130.0;

/// The Settings view: the listener address being typed.
#[derive(Debug)]
pub struct SettingsView {
    listener_addr: String,
    /// "Restart listener" was pressed and the engine has not answered yet.
    restarting: bool,
    tunnel: super::tunnel::TunnelView,
    agent: super::agent_knobs::AgentKnobsView,
}

impl Default for SettingsView {
    fn default() -> Self {
        Self {
            listener_addr: crate::config::defaults::LISTENER_ADDR.to_string(),
            restarting: false,
            tunnel: super::tunnel::TunnelView::default(),
            agent: super::agent_knobs::AgentKnobsView::default(),
        }
    }
}

impl SettingsView {
    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, selection: &mut Selection, commands: &mut Vec<Command>) {
        ui.heading("Settings");
        ui.add_space(6.0);
        plain_row_ui(ui, "Theme", LABEL_WIDTH, |ui| {
            for (choice, label) in
                [(ThemeChoice::System, "System"), (ThemeChoice::Light, "Light"), (ThemeChoice::Dark, "Dark")]
            {
                ui.selectable_value(&mut selection.theme, choice, label);
            }
        });
        plain_row_ui(ui, "Environments", LABEL_WIDTH, |ui| {
            let tiers = [(Tier::Two, "Two: Development, Live"), (Tier::Three, "Three: Staging, Sandbox, Production")];
            for (tier, label) in tiers {
                let current = state.accounts.tier == tier;
                if ui.selectable_label(current, label).clicked() && !current {
                    commands.push(Command::SetTier(tier));
                }
            }
        });
        self.listener_row_ui(ui, state, commands);
        self.tunnel.ui(ui, state, selection, commands);
        plain_row_ui(ui, "Receipts", LABEL_WIDTH, |ui| {
            let text = "Auto Delivered receipts for agent messages";
            if ui.checkbox(&mut selection.auto_delivered, text).changed() {
                commands.push(Command::SetAutoDelivered(selection.auto_delivered));
            }
        });
        plain_row_ui(ui, "Emulator", LABEL_WIDTH, |ui| {
            service_ui(ui, &state.services.emulator);
        });
        if matches!(state.services.emulator, ServiceStatus::Running { .. }) {
            self.agent.ui(ui, commands);
        }
        plain_row_ui(ui, "Secret storage", LABEL_WIDTH, |ui| match &state.accounts.secret_warning {
            Some(w) => {
                ui.colored_label(warn_color(ui), w);
            }
            None => {
                ui.label("OS keyring");
            }
        });
        super::support::log_row_ui(ui, state, commands);
    }

    fn listener_row_ui(&mut self, ui: &mut Ui, state: &AppState, commands: &mut Vec<Command>) {
        let typed = self.listener_addr.trim().to_string();
        let error = addr_error(&typed);
        form_row_ui(ui, "Listener address", LABEL_WIDTH, error.as_deref(), |ui| {
            let response = ui.add(TextEdit::singleline(&mut self.listener_addr).desired_width(180.0));
            if ui.add_enabled(error.is_none(), egui::Button::new("Restart listener")).clicked() {
                commands.push(Command::SetListenerAddr(typed.clone()));
                self.restarting = true;
            }
            // Our own draft until the engine reports the listener again.
            if self.restarting {
                ui.weak("starting…");
            } else {
                service_ui(ui, &state.services.listener);
            }
            response
        });
        if addr_error(self.listener_addr.trim()) != error {
            errors_changed(ui);
        }
    }

    /// The engine answered a restart: the draft shows the address in use.
    pub fn on_event(&mut self, event: &Event) {
        self.tunnel.on_event(event);
        match event {
            Event::ListenerStarted { addr, .. } => {
                self.listener_addr = addr.to_string();
                self.restarting = false;
            }
            Event::ListenerFailed { .. } => self.restarting = false,
            _ => {}
        }
    }
}

fn addr_error(typed: &str) -> Option<String> {
    let bad = typed.parse::<SocketAddr>().is_err();
    bad.then(|| format!("Listener address \"{typed}\" is not IP:port, e.g. 127.0.0.1:8787"))
}

fn service_ui(ui: &mut Ui, status: &ServiceStatus) -> egui::Response {
    match status {
        ServiceStatus::Starting => ui.weak("starting…"),
        ServiceStatus::Running { addr, public_base } => {
            let text = match public_base {
                Some(base) => format!("running on {addr} (public {base})"),
                None => format!("running on {addr}"),
            };
            ui.colored_label(ok_color(ui), text)
        }
        ServiceStatus::Failed(error) => ui.colored_label(error_color(ui), format!("failed: {error}")),
    }
}
