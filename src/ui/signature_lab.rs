//! Signature lab: a raw body and an `X-Hub-Signature-256` header (typed, or
//! taken from a captured delivery) checked against an account's webhook
//! secret: the verdict, the explainer's finding, and the header Genesys would
//! have sent for that body. The secret itself is never shown.

use egui::{RichText, TextEdit, Ui};

use crate::app::selection::Selection;
use crate::app::state::AppState;
use crate::model::{SignatureVerdict, TrafficEntry};
use crate::webhook::signature::{SIGNATURE_HEADER, check, describe, sign};

#[derive(Debug, Default)]
pub struct SignatureLabView {
    pub open: bool,
    pub body: String,
    pub header: String,
    /// The account whose secret signs (None: the selected account).
    pub account: Option<String>,
}

impl SignatureLabView {
    /// Opens the lab on a captured delivery's body and signature header.
    pub fn open_on(&mut self, entry: &TrafficEntry) {
        self.body = entry.request_body.clone();
        self.header = entry
            .request_headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(SIGNATURE_HEADER))
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        self.account = Some(entry.account.clone());
        self.open = true;
    }

    pub fn ui(&mut self, ctx: &egui::Context, state: &AppState, selection: &Selection) {
        let mut open = self.open;
        egui::Window::new("Signature lab").open(&mut open).default_width(560.0).show(ctx, |ui| {
            self.contents_ui(ui, state, selection);
        });
        self.open = open;
    }

    fn contents_ui(&mut self, ui: &mut Ui, state: &AppState, selection: &Selection) {
        let accounts = state.accounts.of(selection.env);
        let chosen = self.account.clone().or_else(|| selection.account.clone()).unwrap_or_default();
        ui.horizontal(|ui| {
            let label = ui.label("Secret of account");
            egui::ComboBox::from_id_salt("lab_account")
                .selected_text(&chosen)
                .show_ui(ui, |ui| {
                    for a in accounts {
                        if ui.selectable_label(a.name == chosen, &a.name).clicked() {
                            self.account = Some(a.name.clone());
                        }
                    }
                })
                .response
                .labelled_by(label.id);
        });
        let label = ui.label("Raw body");
        ui.add(TextEdit::multiline(&mut self.body).desired_rows(6).desired_width(f32::INFINITY).code_editor())
            .labelled_by(label.id);
        let label = ui.label(SIGNATURE_HEADER);
        ui.add(TextEdit::singleline(&mut self.header).desired_width(f32::INFINITY).hint_text("sha256=…"))
            .labelled_by(label.id);
        ui.separator();
        let secret = accounts.iter().find(|a| a.name == chosen).and_then(|a| a.webhook_secret.clone());
        let Some(secret) = secret.filter(|s| !s.is_empty()) else {
            ui.label(format!("{chosen} has no webhook secret: set one in Accounts to check signatures."));
            return;
        };
        let others: Vec<(&str, &str)> = accounts
            .iter()
            .filter(|a| a.name != chosen)
            .filter_map(|a| a.webhook_secret.as_ref().map(|s| (a.name.as_str(), s.expose())))
            .collect();
        let body = self.body.as_bytes();
        let header = Some(self.header.trim()).filter(|h| !h.is_empty());
        let (verdict, mistake) = check(&[secret.expose()], &others, body, header);
        let (text, color) = match verdict {
            SignatureVerdict::Valid => ("Signature valid".to_string(), super::ok_color(ui)),
            other => (format!("Signature {}", other.as_str()), super::error_color(ui)),
        };
        ui.label(RichText::new(text).strong().color(color));
        if let Some(finding) = describe(verdict, mistake.as_ref()) {
            ui.label(finding);
        }
        ui.label("Genesys would have sent:");
        ui.label(RichText::new(format!("{SIGNATURE_HEADER}: {}", sign(secret.expose(), body))).monospace());
    }
}
