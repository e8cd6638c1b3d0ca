//! The Traffic view's detail pane: the entry's request line, "Copy as curl",
//! replay, the signature verdict and explainer, the retry chain, headers and bodies.

use egui::{RichText, Ui};

use crate::app::curl::curl_command;
use crate::engine::command::Command;
use crate::model::{Direction, SignatureVerdict, TrafficEntry};
use crate::ui::{error_color, ok_color, warn_color};

/// What the detail pane asked for.
pub(super) enum Detail {
    Stay,
    Close,
    Lab,
}

pub(super) fn detail_ui(
    ui: &mut Ui,
    commands: &mut Vec<Command>,
    entry: &TrafficEntry,
    attempts: &[&TrafficEntry],
) -> Detail {
    let mut close = false;
    let mut lab = false;
    ui.horizontal_wrapped(|ui| {
        ui.strong(format!("{} {}", entry.method, entry.url));
        if ui.button("Copy as curl").on_hover_text("Secrets become $GENESYS_* variables").clicked() {
            ui.ctx().copy_text(curl_command(entry));
        }
        if entry.direction == Direction::Incoming
            && let Some(id) = entry.id
            && ui.button("Replay to listener").clicked()
        {
            commands.push(Command::ReplayTraffic { id });
        }
        if entry.direction == Direction::Incoming {
            lab = ui.button("Signature lab").on_hover_text("Check this body and header against a secret").clicked();
        }
        close = ui.button("Close").clicked();
    });
    crate::ui::fault::chain_ui(ui, attempts);
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        if entry.imported {
            ui.weak(format!(
                "Imported from a HAR file as {} traffic of {}: not seen by this app.",
                entry.direction.as_str(),
                entry.account
            ));
        }
        if let Some(error) = &entry.error {
            ui.colored_label(error_color(ui), format!("Transport error: {error}"));
        }
        if let Some(verdict) = entry.verdict {
            // A valid delivery's note is about its answer (a fault mode), not its signature.
            let valid = verdict == SignatureVerdict::Valid;
            signature_ui(ui, verdict, entry.explanation.as_deref().filter(|_| !valid));
            if let Some(note) = entry.explanation.as_deref().filter(|_| valid) {
                ui.colored_label(warn_color(ui), note);
            }
        }
        if let Some(note) = crate::genesys::notifications::rejection_summary(&entry.url, &entry.response_body) {
            ui.colored_label(warn_color(ui), note);
        }
        if let Some(id) = &entry.correlation_id {
            ui.label(format!("Correlation id: {id}"));
        }
        egui::CollapsingHeader::new("Request headers")
            .default_open(true)
            .show(ui, |ui| headers_ui(ui, "req", &entry.request_headers));
        body_ui(ui, "Request body", &entry.request_body);
        egui::CollapsingHeader::new("Response headers").show(ui, |ui| headers_ui(ui, "resp", &entry.response_headers));
        body_ui(ui, "Response body", &entry.response_body);
    });
    match (close, lab) {
        (true, _) => Detail::Close,
        (_, true) => Detail::Lab,
        _ => Detail::Stay,
    }
}

fn signature_ui(ui: &mut Ui, verdict: SignatureVerdict, explanation: Option<&str>) {
    let (color, text) = match verdict {
        SignatureVerdict::Valid => (ok_color(ui), "Signature valid: X-Hub-Signature-256 matches the webhook secret."),
        SignatureVerdict::Invalid => (
            error_color(ui),
            "Signature invalid: the HMAC-SHA256 of the raw body with the account's webhook secret does not match X-Hub-Signature-256.",
        ),
        SignatureVerdict::Missing => {
            (error_color(ui), "No X-Hub-Signature-256 header: the integration has no secret, or a proxy dropped it.")
        }
        SignatureVerdict::NoSecretConfigured => {
            (warn_color(ui), "No webhook secret configured for this account: the signature was not checked.")
        }
    };
    ui.colored_label(color, text);
    if let Some(explanation) = explanation {
        ui.label(RichText::new(format!("Likely cause: {explanation}")).italics());
    }
}

fn headers_ui(ui: &mut Ui, id: &str, headers: &[(String, String)]) {
    if headers.is_empty() {
        ui.weak("none");
        return;
    }
    egui::Grid::new(("headers", id)).num_columns(2).striped(true).show(ui, |ui| {
        for (name, value) in headers {
            ui.monospace(name);
            ui.monospace(value);
            ui.end_row();
        }
    });
}

fn body_ui(ui: &mut Ui, title: &str, body: &str) {
    egui::CollapsingHeader::new(title).default_open(!body.is_empty()).show(ui, |ui| {
        if body.is_empty() {
            ui.weak("empty");
            return;
        }
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(body)
            && let Ok(pretty) = serde_json::to_string_pretty(&value)
        {
            egui::CollapsingHeader::new(format!("{title} (pretty JSON)")).default_open(true).show(ui, |ui| {
                ui.add(egui::Label::new(RichText::new(pretty).monospace()).selectable(true));
            });
        }
        egui::CollapsingHeader::new(format!("{title} (raw)")).show(ui, |ui| {
            ui.add(egui::Label::new(RichText::new(body).monospace()).selectable(true).wrap());
        });
    });
}
