//! Support: the log folder row in Settings ("Open folder", "Copy
//! diagnostics") and the one-time offer of the last run's crash report.

use std::fmt::Write as _;

use egui::Ui;

use super::form::plain_row_ui;
use super::settings::LABEL_WIDTH;
use crate::app::state::{AppState, ServiceStatus};
use crate::engine::command::Command;

/// The Settings row: where the logs are, and the two support buttons.
pub fn log_row_ui(ui: &mut Ui, state: &AppState, commands: &mut Vec<Command>) {
    plain_row_ui(ui, "Logs", LABEL_WIDTH, |ui| {
        let Some(support) = &state.support else {
            ui.weak("waiting for the engine…");
            return;
        };
        ui.label(support.log_dir.display().to_string()).on_hover_text(
            "One file a day, the newest 7 kept; secrets and tokens are replaced by ***. GENESYS_DESK_LOG=debug logs more.",
        );
        if ui.button("Open folder").clicked() {
            commands.push(Command::OpenPath(support.log_dir.clone()));
        }
        if ui
            .button("Copy diagnostics")
            .on_hover_text("Version, OS, secret store, listener, accounts, last errors; no secrets")
            .clicked()
        {
            ui.ctx().copy_text(diagnostics(state));
        }
    });
}

/// The text "Copy diagnostics" puts on the clipboard: facts for a support
/// ticket, never a secret (errors pass the log redactor too).
pub fn diagnostics(state: &AppState) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "genesys-desk {} (commit {})", env!("CARGO_PKG_VERSION"), env!("GENESYS_DESK_COMMIT"));
    if let Some(support) = &state.support {
        let _ = writeln!(text, "os: {}", support.os);
        let _ = writeln!(text, "secret store: {}", support.secret_store.as_deref().unwrap_or("none"));
        let _ = writeln!(text, "log folder: {}", support.log_dir.display());
    }
    let _ = writeln!(text, "listener: {}", service_text(&state.services.listener));
    let _ = writeln!(text, "emulator: {}", service_text(&state.services.emulator));
    if let Some(tunnel) = &state.services.tunnel {
        let _ = writeln!(text, "tunnel: {tunnel}");
    }
    let counts: Vec<String> = state
        .accounts
        .tier
        .environments()
        .iter()
        .filter(|env| !env.is_read_only())
        .map(|env| format!("{env} {}", state.accounts.by_env.get(env).map_or(0, Vec::len)))
        .collect();
    let _ = writeln!(text, "accounts: {} ({}-tier workspace)", counts.join(", "), state.accounts.tier);
    let problems: Vec<_> = state.toasts.problems().collect();
    if problems.is_empty() {
        let _ = writeln!(text, "last errors: none");
    } else {
        let _ = writeln!(text, "last errors:");
        for (at, problem) in problems {
            let time = at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
            let _ = writeln!(text, "  {time} {problem}");
        }
    }
    crate::logging::redact::redact(&text).into_owned()
}

fn service_text(status: &ServiceStatus) -> String {
    match status {
        ServiceStatus::Starting => "starting".into(),
        ServiceStatus::Running { addr, public_base: Some(base) } => format!("running on {addr} (public {base})"),
        ServiceStatus::Running { addr, public_base: None } => format!("running on {addr}"),
        ServiceStatus::Failed(e) => format!("failed: {e}"),
    }
}

/// The offer of the last run's crash report: shown until dismissed.
#[derive(Debug, Default)]
pub struct CrashOfferView {
    dismissed: bool,
}

impl CrashOfferView {
    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, commands: &mut Vec<Command>) {
        let Some(support) = &state.support else { return };
        let Some(report) = support.crash_report.as_ref().filter(|_| !self.dismissed) else { return };
        egui::Panel::top("crash_offer").show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(
                    super::warn_color(ui),
                    "genesys-desk closed unexpectedly last time. A report without secrets was saved:",
                );
                ui.monospace(report.display().to_string());
                if ui.button("Open report").clicked() {
                    commands.push(Command::OpenPath(report.clone()));
                }
                if ui.button("Open folder").clicked() {
                    commands.push(Command::OpenPath(support.log_dir.clone()));
                }
                if ui.button("Dismiss").clicked() {
                    self.dismissed = true;
                }
            });
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::command::{Event, ToastLevel};
    use crate::engine::support::SupportInfo;

    #[test]
    fn diagnostics_name_the_setup_and_hide_secrets() {
        crate::logging::redact::remember("diag-secret-31337");
        let mut state = AppState::default();
        state.apply(Event::Support(Box::new(SupportInfo {
            log_dir: "/home/ada/.local/share/genesys-desk/logs".into(),
            crash_report: None,
            secret_store: Some("0600 file".into()),
            os: "Debian GNU/Linux 12 (bookworm), linux x86_64".into(),
        })));
        state.apply(Event::ListenerStarted { addr: "127.0.0.1:8787".parse().unwrap(), public_base: None });
        state.apply(Event::Toast { level: ToastLevel::Error, text: "token refused for diag-secret-31337".into() });
        state.apply(Event::Toast { level: ToastLevel::Success, text: "Saved".into() });
        let text = diagnostics(&state);
        assert!(text.starts_with(&format!("genesys-desk {}", env!("CARGO_PKG_VERSION"))), "{text}");
        for expected in [
            "os: Debian GNU/Linux 12 (bookworm), linux x86_64",
            "secret store: 0600 file",
            "listener: running on 127.0.0.1:8787",
            "accounts: Development 0 (two-tier workspace)",
            "token refused for ***",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
        }
        assert!(!text.contains("Saved") && !text.contains("diag-secret-31337"), "{text}");
    }
}
