//! Settings → Tunnel: start a quick tunnel with the tool found on PATH; with
//! one running, use its URL as the account's public webhook base and (after
//! a confirmation, never in Live/Production) point the integration's webhook
//! at it; on stop, offer to point it back where it was.

use egui::{Button, RichText, Ui};

use super::form::plain_row_ui;
use super::settings::LABEL_WIDTH;
use crate::app::selection::Selection;
use crate::app::state::AppState;
use crate::config::Environment;
use crate::engine::command::{Command, Event};
use crate::engine::tunnel::{TunnelKind, on_path};

/// Where an integration's webhook pointed before this tunnel: (environment, account, URL).
type Previous = (Environment, String, String);

#[derive(Debug, Default)]
pub struct TunnelView {
    /// "Point … here" waits for confirmation: (environment, account, new URL).
    confirm_point: Option<(Environment, String, String)>,
    /// The account whose webhook was pointed here; its answer brings the previous URL.
    pointing: Option<(Environment, String)>,
    /// The webhook to restore when the tunnel stops.
    previous: Option<Previous>,
    /// "Stop tunnel" was pressed with a webhook to restore: ask.
    offer_restore: Option<Previous>,
}

impl TunnelView {
    pub fn on_event(&mut self, event: &Event) {
        if let Event::WebhookPointed { account, result: Ok(()), previous, .. } = event
            && let Some((env, pointed)) = self.pointing.take_if(|(_, a)| a == account)
        {
            self.previous = previous.clone().map(|url| (env, pointed, url));
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, state: &AppState, selection: &Selection, commands: &mut Vec<Command>) {
        plain_row_ui(ui, "Tunnel", LABEL_WIDTH, |ui| match &state.services.tunnel {
            Some(url) => self.running_ui(ui, url, state, selection, commands),
            None => start_ui(ui, commands),
        });
        self.confirm_point_ui(ui, commands);
        self.restore_ui(ui, commands);
    }

    fn running_ui(
        &mut self,
        ui: &mut Ui,
        url: &str,
        state: &AppState,
        selection: &Selection,
        commands: &mut Vec<Command>,
    ) {
        ui.label(RichText::new(url).monospace());
        if ui.button("Stop tunnel").clicked() {
            commands.push(Command::StopTunnel);
            self.offer_restore = self.previous.take();
        }
        let Some(account) = selection.account(state).filter(|_| !selection.read_only()) else { return };
        if account.public_webhook_base.as_deref() != Some(url) {
            if ui.button(format!("Use as {}'s public webhook base", account.name)).clicked() {
                let mut draft = account.to_draft();
                draft.public_webhook_base = url.to_string();
                let (env, original_name) = (selection.env, Some(account.name.clone()));
                commands.push(Command::SaveAccount { env, original_name, draft });
            }
        } else if ui.button(format!("Point {}'s integration here…", account.name)).clicked() {
            let hook = format!("{url}{}", account.webhook_path());
            self.confirm_point = Some((selection.env, account.name.clone(), hook));
        }
    }

    fn confirm_point_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        let Some((env, account, url)) = self.confirm_point.clone() else { return };
        let mut close = false;
        egui::Modal::new(egui::Id::unique("tunnel_point_webhook")).show(ui.ctx(), |ui| {
            ui.set_max_width(460.0);
            ui.heading("Point the webhook at the tunnel?");
            ui.label(format!("The integration of {account} in Genesys Cloud then posts agent messages to"));
            ui.label(RichText::new(&url).monospace());
            ui.label("When the tunnel stops you are offered to point it back.");
            ui.horizontal(|ui| {
                if ui.button("Point webhook").clicked() && !env.is_read_only() {
                    commands.push(Command::PointWebhook { env, account: account.clone(), url: url.clone() });
                    self.pointing = Some((env, account.clone()));
                    close = true;
                }
                close |= ui.button("Cancel").clicked();
            });
        });
        if close {
            self.confirm_point = None;
        }
    }

    fn restore_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        let Some((env, account, url)) = self.offer_restore.clone() else { return };
        let mut close = false;
        egui::Modal::new(egui::Id::unique("tunnel_restore_webhook")).show(ui.ctx(), |ui| {
            ui.set_max_width(460.0);
            ui.heading("Point the webhook back?");
            ui.label(format!("The tunnel stopped. Before it, the integration of {account} posted to"));
            ui.label(RichText::new(&url).monospace());
            ui.horizontal(|ui| {
                if ui.button("Restore webhook").clicked() {
                    commands.push(Command::PointWebhook { env, account: account.clone(), url: url.clone() });
                    close = true;
                }
                close |= ui.button("Keep the tunnel's").clicked();
            });
        });
        if close {
            self.offer_restore = None;
        }
    }
}

/// One button per tool; the tools are looked up on PATH once per run, not every frame.
fn start_ui(ui: &mut Ui, commands: &mut Vec<Command>) {
    static FOUND: std::sync::OnceLock<[bool; 2]> = std::sync::OnceLock::new();
    let found = FOUND.get_or_init(|| [on_path("cloudflared").is_some(), on_path("ngrok").is_some()]);
    for (kind, found) in [TunnelKind::Cloudflared, TunnelKind::Ngrok].into_iter().zip(*found) {
        let button = ui
            .add_enabled(found, Button::new(format!("Start {} tunnel", kind.program())))
            .on_disabled_hover_text(format!("{} is not installed (not on PATH)", kind.program()));
        if button.clicked() {
            commands.push(Command::StartTunnel(kind));
        }
    }
}
