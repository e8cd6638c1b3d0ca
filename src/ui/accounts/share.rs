//! "Import…" of the Accounts view: the accounts of an export file, each with
//! its secrets typed here or read from the variables the file names.

use egui::{TextEdit, Ui};

use crate::app::state::AppState;
use crate::config::Environment;
use crate::engine::command::{Command, Event};
use crate::engine::share::{ImportCandidate, ImportChoice};

/// One account of the file and the secrets typed for it.
#[derive(Debug)]
struct Row {
    candidate: ImportCandidate,
    client_secret: String,
    webhook_secret: String,
}

/// The open import dialog.
#[derive(Debug, Default)]
pub struct ImportDialog {
    file: Option<(String, Vec<Row>)>,
}

impl ImportDialog {
    pub fn on_event(&mut self, event: &Event) {
        if let Event::AccountsFileRead { path, result: Ok(candidates) } = event {
            let rows = candidates
                .iter()
                .map(|c| Row { candidate: c.clone(), client_secret: String::new(), webhook_secret: String::new() })
                .collect();
            self.file = Some((path.display().to_string(), rows));
        }
    }

    pub fn ui(&mut self, ctx: &egui::Context, state: &AppState, env: Environment, commands: &mut Vec<Command>) {
        let Some((path, rows)) = &mut self.file else { return };
        let mut close = false;
        egui::Window::new(format!("Import accounts into {env}")).collapsible(false).show(ctx, |ui| {
            ui.weak(path.as_str());
            let existing: Vec<String> = state.accounts.of(env).iter().map(|a| a.name.clone()).collect();
            let mut ready = !rows.is_empty();
            for row in rows.iter_mut() {
                ready &= row_ui(ui, row, &existing);
            }
            let room = existing.len() + rows.len() <= crate::config::defaults::MAX_ACCOUNTS_PER_ENVIRONMENT;
            if !room {
                ui.colored_label(
                    super::super::error_color(ui),
                    format!(
                        "{env} has room for {} more",
                        crate::config::defaults::MAX_ACCOUNTS_PER_ENVIRONMENT.saturating_sub(existing.len())
                    ),
                );
            }
            ui.horizontal(|ui| {
                if ui.add_enabled(ready && room && !env.is_read_only(), egui::Button::new("Import")).clicked() {
                    let accounts = rows
                        .iter()
                        .map(|r| ImportChoice {
                            account: r.candidate.account.clone(),
                            client_secret: r.client_secret.clone(),
                            webhook_secret: r.webhook_secret.clone(),
                        })
                        .collect();
                    commands.push(Command::ImportAccounts { env, accounts });
                    close = true;
                }
                close |= ui.button("Cancel").clicked();
            });
        });
        if close {
            self.file = None;
        }
    }
}

/// One account's line and secret fields; true when it can be imported.
fn row_ui(ui: &mut Ui, row: &mut Row, existing: &[String]) -> bool {
    let account = &row.candidate.account;
    ui.separator();
    ui.strong(format!("{} — {}", account.name, account.host));
    let taken = existing.iter().any(|e| crate::config::account::same_name(e, &account.name));
    if taken {
        ui.colored_label(
            super::super::error_color(ui),
            "This name is already used here: rename or delete that account first",
        );
    }
    let label = format!("Client secret of {}", account.name);
    let client_ok =
        secret_ui(ui, &label, &mut row.client_secret, &account.client_secret_env, row.candidate.client_env_set);
    let label = format!("Webhook secret of {}", account.name);
    let webhook_ok = match &account.webhook_secret_env {
        Some(var) => secret_ui(ui, &label, &mut row.webhook_secret, var, row.candidate.webhook_env_set),
        None => true,
    };
    !taken && client_ok && webhook_ok
}

fn secret_ui(ui: &mut Ui, label: &str, value: &mut String, var: &str, env_set: bool) -> bool {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        let hint = if env_set { format!("from ${var}") } else { format!("required (or set ${var})") };
        ui.add(TextEdit::singleline(value).password(true).hint_text(hint).desired_width(260.0)).labelled_by(l.id);
    });
    env_set || !value.trim().is_empty()
}
