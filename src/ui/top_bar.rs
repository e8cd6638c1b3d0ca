//! Top bar: environment switcher, account picker, listener status and the
//! read-only banner for Live/Production.

use egui::{RichText, Ui};

use super::{error_color, ok_color, warn_color};
use crate::app::selection::Selection;
use crate::app::state::{AppState, ServiceStatus};
use crate::model::SignatureVerdict;

pub fn top_bar_ui(ui: &mut Ui, state: &AppState, selection: &mut Selection) {
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("genesys-desk").strong());
        ui.separator();
        for env in state.accounts.tier.environments() {
            if ui.selectable_label(selection.env == *env, env.label()).clicked() && selection.env != *env {
                selection.set_env(*env, state);
            }
        }
        ui.separator();
        let label = ui.label("Account");
        super::account_combo(ui, "account_picker", "no account", state, selection).labelled_by(label.id);
        events_ui(ui, state, selection);
        ui.separator();
        listener_status_ui(ui, state);
    });
    if !state.services.faults.is_empty() {
        let on: Vec<String> =
            state.services.faults.iter().map(|(account, fault)| format!("{account}: {fault}")).collect();
        egui::Frame::new().fill(super::error_color(ui).gamma_multiply(0.25)).inner_margin(6.0).show(ui, |ui| {
            ui.set_width(ui.available_width());
            let text =
                format!("Fault mode on: {} — valid deliveries are answered badly on purpose (Traffic)", on.join(", "));
            ui.label(RichText::new(text).strong());
        });
    }
    if selection.read_only() {
        egui::Frame::new().fill(warn_color(ui).gamma_multiply(0.25)).inner_margin(6.0).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(format!("Read-only: {}", selection.env.read_only_message())).strong());
        });
    }
    ui.add_space(2.0);
}

/// How many of this environment's accounts receive events (a switch per account).
fn events_ui(ui: &mut Ui, state: &AppState, selection: &Selection) {
    let accounts = state.accounts.of(selection.env);
    if accounts.is_empty() {
        return;
    }
    let on = accounts.iter().filter(|a| !a.events_off).count();
    let text = format!("{on} of {} receive events", accounts.len());
    if on == accounts.len() {
        ui.weak(text);
    } else {
        ui.colored_label(warn_color(ui), text)
            .on_hover_text("Accounts with Receive events off answer their webhook path 404 (Accounts to switch)");
    }
}

fn listener_status_ui(ui: &mut Ui, state: &AppState) {
    match &state.services.listener {
        ServiceStatus::Starting => {
            ui.spinner();
            ui.label("Listener starting…");
        }
        ServiceStatus::Failed(error) => {
            ui.colored_label(error_color(ui), "Listener failed").on_hover_text(error);
        }
        ServiceStatus::Running { addr, public_base } => {
            ui.colored_label(ok_color(ui), "•");
            ui.label(format!("Listener {addr}"));
            match public_base {
                Some(base) => ui.label(format!("public {base}")),
                None => ui.weak("no public URL"),
            };
            ui.label(format!("{} deliveries", state.traffic.deliveries));
            if let Some(verdict) = state.traffic.last_verdict {
                let color = if verdict == SignatureVerdict::Valid { ok_color(ui) } else { error_color(ui) };
                ui.colored_label(color, format!("last signature: {}", verdict.as_str()));
            }
        }
    }
}
