//! "Send as Genesys": post a delivery shaped and signed as Genesys would to
//! your own middleware, and watch what it answered, attempt by attempt.

use egui::{RichText, TextEdit, Ui};

use crate::app::selection::Selection;
use crate::app::state::AppState;
use crate::engine::as_genesys::AsGenesys;
use crate::engine::command::{Command, Event};

const KINDS: [&str; 4] = ["text", "typing", "receipt", "structured"];

#[derive(Debug)]
pub struct AsGenesysView {
    pub open: bool,
    pub url: String,
    pub kind: &'static str,
    pub text: String,
    /// Attempts of the running or last delivery, and how it ended.
    lines: Vec<String>,
    result: Option<Result<String, String>>,
    sending: bool,
}

impl Default for AsGenesysView {
    fn default() -> Self {
        Self {
            open: false,
            url: String::new(),
            kind: "text",
            text: "Hello from genesys-desk, acting as Genesys".into(),
            lines: Vec::new(),
            result: None,
            sending: false,
        }
    }
}

impl AsGenesysView {
    pub fn on_event(&mut self, event: &Event) {
        match event {
            Event::AsGenesysAttempt { text } => self.lines.push(text.clone()),
            Event::AsGenesysDone { result } => {
                self.result = Some(result.clone());
                self.sending = false;
            }
            _ => {}
        }
    }

    pub fn ui(&mut self, ctx: &egui::Context, _state: &AppState, selection: &Selection, commands: &mut Vec<Command>) {
        let mut open = self.open;
        egui::Window::new("Send as Genesys").open(&mut open).default_width(520.0).show(ctx, |ui| {
            self.contents_ui(ui, selection, commands);
        });
        self.open = open;
    }

    fn contents_ui(&mut self, ui: &mut Ui, selection: &Selection, commands: &mut Vec<Command>) {
        let Some(account) = selection.account.clone() else {
            ui.label("Pick an account: its webhook secret signs the delivery.");
            return;
        };
        ui.label(format!(
            "Signed with {account}'s webhook secret; Genesys' retry rules (10 s timeout, 5 retries 5 s apart)."
        ));
        let label = ui.label("Your middleware's webhook URL");
        ui.add(TextEdit::singleline(&mut self.url).desired_width(f32::INFINITY).hint_text("https://…/webhook"))
            .labelled_by(label.id);
        ui.horizontal(|ui| {
            for kind in KINDS {
                ui.selectable_value(&mut self.kind, kind, kind);
            }
        });
        if matches!(self.kind, "text" | "structured") {
            let label = ui.label("Agent text");
            ui.add(TextEdit::singleline(&mut self.text).desired_width(f32::INFINITY)).labelled_by(label.id);
        }
        let can_send = !self.sending && !self.url.trim().is_empty();
        if ui.add_enabled(can_send, egui::Button::new("Send")).clicked() {
            self.lines.clear();
            self.result = None;
            self.sending = true;
            let request = AsGenesys {
                env: selection.env,
                account,
                url: self.url.trim().to_string(),
                kind: self.kind.to_string(),
                text: self.text.clone(),
            };
            commands.push(Command::DeliverAsGenesys(request));
        }
        for line in &self.lines {
            ui.label(RichText::new(line).monospace());
        }
        match &self.result {
            Some(Ok(text)) => {
                ui.colored_label(super::ok_color(ui), text);
            }
            Some(Err(text)) => {
                ui.colored_label(super::error_color(ui), text);
            }
            None if self.sending => {
                ui.spinner();
            }
            None => {}
        }
    }
}
