//! Settings → Emulator agent: the scripted agent's knobs (reply delay or
//! range, queue wait, never answers, transfers, wrap-up, webhook failures),
//! applied to the running emulator; the same as `genesys-desk emulator`'s flags.

use std::time::Duration;

use egui::{DragValue, Ui};

use super::form::plain_row_ui;
use super::settings::LABEL_WIDTH;
use crate::emulator::script::AgentScript;
use crate::engine::command::Command;

/// The knobs being edited (milliseconds and a percentage, as the flags take them).
#[derive(Debug)]
pub struct AgentKnobsView {
    reply_min_ms: u64,
    reply_max_ms: u64,
    queue_wait_ms: u64,
    answers: bool,
    transfers: bool,
    wraps_up: bool,
    failure_percent: f64,
}

impl Default for AgentKnobsView {
    fn default() -> Self {
        let script = AgentScript::default();
        let reply = crate::emulator::EmulatorConfig::default().agent_reply_delay.as_millis() as u64;
        Self {
            reply_min_ms: reply,
            reply_max_ms: reply,
            queue_wait_ms: 0,
            answers: script.answers,
            transfers: script.transfers,
            wraps_up: script.wraps_up,
            failure_percent: 0.0,
        }
    }
}

impl AgentKnobsView {
    pub fn ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        plain_row_ui(ui, "Emulator agent", LABEL_WIDTH, |ui| {
            ui.label("replies after");
            ui.add(DragValue::new(&mut self.reply_min_ms).range(0..=120_000).suffix(" ms"));
            ui.label("to");
            ui.add(DragValue::new(&mut self.reply_max_ms).range(0..=120_000).suffix(" ms"));
            ui.label("queue wait");
            ui.add(DragValue::new(&mut self.queue_wait_ms).range(0..=600_000).suffix(" ms"));
        });
        plain_row_ui(ui, "", LABEL_WIDTH, |ui| {
            ui.checkbox(&mut self.answers, "answers");
            ui.checkbox(&mut self.transfers, "transfers after the first reply");
            ui.checkbox(&mut self.wraps_up, "wraps up after \"bye\"");
        });
        plain_row_ui(ui, "", LABEL_WIDTH, |ui| {
            ui.label("webhook attempts failing");
            ui.add(DragValue::new(&mut self.failure_percent).range(0.0..=100.0).speed(1.0).suffix(" %"));
            if ui.button("Apply to the emulator").clicked() {
                commands.push(self.command());
            }
        });
    }

    fn command(&self) -> Command {
        let ms = Duration::from_millis;
        let (low, high) = (self.reply_min_ms.min(self.reply_max_ms), self.reply_min_ms.max(self.reply_max_ms));
        let script = AgentScript {
            reply_delay_max: (high > low).then(|| ms(high)),
            queue_wait: ms(self.queue_wait_ms),
            answers: self.answers,
            transfers: self.transfers,
            wraps_up: self.wraps_up,
            webhook_failure_rate: self.failure_percent / 100.0,
        };
        Command::SetEmulatorAgent { reply_delay: ms(low), script }
    }
}
