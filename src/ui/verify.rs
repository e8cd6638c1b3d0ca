//! Verify: run the shared checklist for the selected account; checks appear
//! one by one (spinner first), then pass/warn/fail with message and fix.

use egui::{Button, RichText, Ui};

use super::{error_color, ok_color, warn_color};
use crate::app::pending::next_request_id;
use crate::app::selection::Selection;
use crate::app::state::{AppState, ServiceStatus, VerifyRun};
use crate::engine::command::Command;
use crate::model::{Check, CheckId, CheckStatus};

/// The Verify view: its switch and the pending confirmation.
#[derive(Debug, Default)]
pub struct VerifyView {
    /// Verify also posts a test message (the "send" check).
    pub include_send: bool,
    /// "Point the integration's webhook" waits for confirmation: the URL.
    confirm_point_webhook: Option<String>,
    /// "Rotate webhook secret…" waits for confirmation.
    confirm_rotate: bool,
}

impl VerifyView {
    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, selection: &Selection, commands: &mut Vec<Command>) {
        let Some(account) = selection.account(state).map(|a| a.name.clone()) else {
            ui.heading("Verify");
            ui.label("Pick an account in the top bar (or add one under Accounts) to verify it.");
            return;
        };
        ui.heading(format!("Verify {account}"));
        ui.label(
            "Checks the host, token, integration, webhook URL and secret, then the setup around them (reads only).",
        );
        ui.add_space(6.0);
        let run = state.verify.run(selection.env, &account);
        let waiting = run.is_some_and(|r| r.result.is_waiting());
        let mut verify = false;
        ui.horizontal(|ui| {
            verify = ui.add_enabled(!waiting, Button::new("Verify")).clicked();
            ui.checkbox(&mut self.include_send, "Also send a test message");
            if waiting {
                ui.spinner();
                ui.label("running…");
            }
        });
        if verify {
            let (request, env, include_send) = (next_request_id(), selection.env, self.include_send);
            commands.push(Command::Verify { request, env, account: account.clone(), include_send });
        }
        ui.separator();
        let Some(run) = run else {
            ui.weak("Not verified yet: press Verify.");
            return;
        };
        self.results_ui(ui, run, &account, waiting);
        if run.webhook_mismatch() && !selection.read_only() {
            ui.add_space(8.0);
            match listener_webhook_url(state, selection) {
                Some(url) => {
                    if ui.button("Point the integration's webhook at this listener").clicked() {
                        self.confirm_point_webhook = Some(url);
                    }
                }
                None => {
                    ui.weak("Start the listener (Settings) to point the integration's webhook at it.");
                }
            }
        }
        if !selection.read_only() && run.checks.iter().any(|c| c.id == CheckId::Secret) {
            ui.add_space(8.0);
            let needed = run.checks.iter().any(|c| c.id == CheckId::Secret && c.status != CheckStatus::Pass);
            let label = if needed {
                "Fix it: set a new webhook secret in Genesys and here…"
            } else {
                "Rotate webhook secret…"
            };
            if ui.button(label).clicked() {
                self.confirm_rotate = true;
            }
        }
        self.confirm_point_ui(ui, selection, commands, &account);
        self.confirm_rotate_ui(ui, selection, commands, &account);
    }

    /// The explicit confirmation before a new secret goes to Genesys (never in Live/Production).
    fn confirm_rotate_ui(&mut self, ui: &mut Ui, selection: &Selection, commands: &mut Vec<Command>, account: &str) {
        if !self.confirm_rotate {
            return;
        }
        let mut close = false;
        egui::Modal::new(egui::Id::unique("confirm_rotate_secret")).show(ui.ctx(), |ui| {
            ui.set_max_width(460.0);
            ui.heading("Rotate the webhook secret?");
            ui.label(format!(
                "A new random secret token is set on the integration of {account} in Genesys Cloud, then stored \
                 with the account. If Genesys refuses it, nothing changes. Other receivers of this integration's \
                 webhook need the new secret too."
            ));
            ui.horizontal(|ui| {
                if ui.button("Rotate secret").clicked() {
                    if !selection.read_only() {
                        let (request, env, account) = (next_request_id(), selection.env, account.to_string());
                        commands.push(Command::RotateSecret { request, env, account });
                    }
                    close = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        if close {
            self.confirm_rotate = false;
        }
    }

    fn results_ui(&self, ui: &mut Ui, run: &VerifyRun, account: &str, waiting: bool) {
        if let Some(err) = run.result.error() {
            ui.colored_label(error_color(ui), format!("Verify could not run: {err}"));
        }
        egui::Grid::new("checks").num_columns(3).spacing([12.0, 8.0]).striped(true).show(ui, |ui| {
            for id in CheckId::ALL {
                match run.checks.iter().find(|c| c.id == id) {
                    Some(check) => check_row(ui, check),
                    None if waiting && (id != CheckId::Send || self.include_send) => {
                        ui.spinner();
                        ui.label(id.title());
                        ui.weak("checking…");
                        ui.end_row();
                    }
                    None => {}
                }
            }
        });
        ui.add_space(8.0);
        if let Some(report) = run.result.latest() {
            ui.horizontal(|ui| {
                let warnings = report.checks.iter().filter(|c| c.status == CheckStatus::Warn).count();
                let (verdict, color) = match (report.ok(), warnings) {
                    (false, _) => ("Some checks failed".to_string(), error_color(ui)),
                    (true, 0) => ("All checks passed".to_string(), ok_color(ui)),
                    (true, 1) => ("No check failed, 1 warning".to_string(), warn_color(ui)),
                    (true, n) => (format!("No check failed, {n} warnings"), warn_color(ui)),
                };
                ui.label(RichText::new(verdict).strong().color(color));
                if ui.button("Copy report").clicked() {
                    ui.ctx().copy_text(report.to_text(account));
                }
            });
        }
    }

    /// The explicit confirmation before PATCHing the integration (never in Live/Production).
    fn confirm_point_ui(&mut self, ui: &mut Ui, selection: &Selection, commands: &mut Vec<Command>, account: &str) {
        let Some(url) = self.confirm_point_webhook.clone() else { return };
        let mut close = false;
        egui::Modal::new(egui::Id::unique("confirm_point_webhook")).show(ui.ctx(), |ui| {
            ui.set_max_width(460.0);
            ui.heading("Point the webhook here?");
            ui.label(format!(
                "This changes the integration of {account} in Genesys Cloud: its outbound webhook URL becomes"
            ));
            ui.label(RichText::new(&url).monospace());
            ui.label("Agent messages then reach this listener instead of the current URL.");
            ui.horizontal(|ui| {
                if ui.button("Point webhook").clicked() {
                    if !selection.read_only() {
                        let (env, account) = (selection.env, account.to_string());
                        commands.push(Command::PointWebhook { env, account, url: url.clone() });
                    }
                    close = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        if close {
            self.confirm_point_webhook = None;
        }
    }
}

/// The URL the integration's webhook should point at for the selected account.
pub fn listener_webhook_url(state: &AppState, selection: &Selection) -> Option<String> {
    let account = selection.account(state)?;
    if let Some(url) = account.public_webhook_url() {
        return Some(url);
    }
    match &state.services.listener {
        ServiceStatus::Running { public_base: Some(base), .. } => {
            Some(format!("{}{}", base.trim_end_matches('/'), account.webhook_path()))
        }
        ServiceStatus::Running { addr, .. } => Some(format!("http://{addr}{}", account.webhook_path())),
        _ => None,
    }
}

fn check_row(ui: &mut Ui, check: &Check) {
    let (text, color) = match check.status {
        CheckStatus::Pass => ("PASS", ok_color(ui)),
        CheckStatus::Warn => ("WARN", warn_color(ui)),
        CheckStatus::Fail => ("FAIL", error_color(ui)),
        CheckStatus::Skip => ("SKIP", ui.visuals().weak_text_color()),
    };
    ui.label(RichText::new(text).monospace().strong().color(color));
    ui.label(check.id.title());
    ui.vertical(|ui| {
        ui.add(egui::Label::new(&check.message).wrap());
        if !check.hint.is_empty() {
            ui.add(egui::Label::new(RichText::new(format!("Fix: {}", check.hint)).italics()).wrap());
        }
        if let Some(field) = check.field.filter(|_| check.status == CheckStatus::Fail) {
            ui.weak(format!("Highlighted on the Accounts form: {}", field.label()));
        }
    });
    ui.end_row();
}
