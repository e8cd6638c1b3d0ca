//! Settings: theme, workspace tier, listener address, auto-Delivered receipts,
//! and the status of the emulator and the secret storage.

use std::net::SocketAddr;

use egui::{RichText, TextEdit, Ui};

use super::form::{errors_changed, form_row_ui, plain_row_ui};
use super::{error_color, ok_color, warn_color};
use crate::app::selection::{Selection, ThemeChoice};
use crate::app::state::{AppState, ServiceStatus};
use crate::config::Tier;
use crate::engine::command::{Command, Event};

/// Width of this view's label column.
const LABEL_WIDTH: f32 = 130.0;

/// The Settings view: the listener address being typed.
#[derive(Debug)]
pub struct SettingsView {
    listener_addr: String,
    /// "Restart listener" was pressed and the engine has not answered yet.
    restarting: bool,
}

impl Default for SettingsView {
    fn default() -> Self {
        Self { listener_addr: crate::config::defaults::LISTENER_ADDR.to_string(), restarting: false }
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
        tunnel_row_ui(ui, state, selection, commands);
        plain_row_ui(ui, "Receipts", LABEL_WIDTH, |ui| {
            let text = "Auto Delivered receipts for agent messages";
            if ui.checkbox(&mut selection.auto_delivered, text).changed() {
                commands.push(Command::SetAutoDelivered(selection.auto_delivered));
            }
        });
        plain_row_ui(ui, "Emulator", LABEL_WIDTH, |ui| {
            service_ui(ui, &state.services.emulator);
        });
        plain_row_ui(ui, "Secret storage", LABEL_WIDTH, |ui| match &state.accounts.secret_warning {
            Some(w) => {
                ui.colored_label(warn_color(ui), w);
            }
            None => {
                ui.label("OS keyring");
            }
        });
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

/// Start/stop a quick tunnel with the tool found on PATH; with one running,
/// make it the selected account's public webhook base (saved like an edit).
fn tunnel_row_ui(ui: &mut Ui, state: &AppState, selection: &Selection, commands: &mut Vec<Command>) {
    use crate::engine::tunnel::{TunnelKind, on_path};
    plain_row_ui(ui, "Tunnel", LABEL_WIDTH, |ui| {
        if let Some(url) = &state.services.tunnel {
            ui.label(RichText::new(url).monospace());
            if ui.button("Stop tunnel").clicked() {
                commands.push(Command::StopTunnel);
            }
            let account = selection.account(state).filter(|_| !selection.read_only());
            if let Some(account) = account.filter(|a| a.public_webhook_base.as_deref() != Some(url.as_str()))
                && ui.button(format!("Use as {}'s public webhook base", account.name)).clicked()
            {
                let mut draft = account.to_draft();
                draft.public_webhook_base = url.clone();
                let (env, original_name) = (selection.env, Some(account.name.clone()));
                commands.push(Command::SaveAccount { env, original_name, draft });
            }
            return;
        }
        // Looked up once per run, not every frame.
        static FOUND: std::sync::OnceLock<[bool; 2]> = std::sync::OnceLock::new();
        let found = FOUND.get_or_init(|| [on_path("cloudflared").is_some(), on_path("ngrok").is_some()]);
        for (kind, found) in [TunnelKind::Cloudflared, TunnelKind::Ngrok].into_iter().zip(*found) {
            let button = ui
                .add_enabled(found, egui::Button::new(format!("Start {} tunnel", kind.program())))
                .on_disabled_hover_text(format!("{} is not installed (not on PATH)", kind.program()));
            if button.clicked() {
                commands.push(Command::StartTunnel(kind));
            }
        }
    });
}
