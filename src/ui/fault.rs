//! Traffic → Fault mode: make the listener answer the selected account's
//! valid deliveries badly on purpose, to watch Genesys' retries. Off at start,
//! never stored; the top bar says when one is on.

use egui::Ui;

use crate::app::selection::Selection;
use crate::app::state::AppState;
use crate::engine::command::Command;
use crate::webhook::fault::Fault;

/// The modes offered, with what they do in words.
fn choices() -> [(Fault, &'static str); 7] {
    use std::time::Duration;
    [
        (Fault::Status(503), "answer 503"),
        (Fault::Status(500), "answer 500"),
        (Fault::Status(429), "answer 429"),
        (Fault::Status(400), "answer 400 (not retried)"),
        (Fault::Delay(Duration::from_secs(12)), "answer after 12 s (past Genesys' 10 s timeout)"),
        (Fault::FailFirst { attempts: 2, status: 503 }, "fail the first 2 attempts, then accept"),
        (Fault::Drop, "close the connection without answering"),
    ]
}

pub fn fault_ui(ui: &mut Ui, state: &AppState, selection: &Selection, commands: &mut Vec<Command>) {
    let Some(account) = selection.account.clone() else { return };
    let current = state.services.faults.get(&account).copied();
    let text = current.map_or("off".to_string(), |f| f.to_string());
    ui.horizontal(|ui| {
        let label = ui.label(format!("Fault mode for {account}'s webhook"));
        egui::ComboBox::from_id_salt("fault_mode")
            .selected_text(text)
            .show_ui(ui, |ui| {
                if ui.selectable_label(current.is_none(), "off").clicked() && current.is_some() {
                    commands.push(Command::SetFault { account: account.clone(), fault: None });
                }
                for (fault, words) in choices() {
                    if ui.selectable_label(current == Some(fault), words).clicked() && current != Some(fault) {
                        commands.push(Command::SetFault { account: account.clone(), fault: Some(fault) });
                    }
                }
            })
            .response
            .labelled_by(label.id);
        ui.weak("each attempt Genesys makes is a row below, with the answer it got");
    });
}

/// A delivery's attempts as Genesys made them: attempt, time since the first,
/// the answer it got (shown when there was more than one).
pub fn chain_ui(ui: &mut Ui, attempts: &[&crate::model::TrafficEntry]) {
    let Some(first) = attempts.first().filter(|_| attempts.len() > 1) else { return };
    ui.separator();
    ui.strong(format!("Attempts of this delivery: {}", attempts.len()));
    egui::Grid::new("retry_chain").striped(true).show(ui, |ui| {
        for title in ["Attempt", "Since the first", "Answer"] {
            ui.weak(title);
        }
        ui.end_row();
        for (i, attempt) in attempts.iter().enumerate() {
            let since = (attempt.at - first.at).as_seconds_f64();
            let answer = attempt.status.map_or("no answer".to_string(), |s| s.to_string());
            ui.label(format!("{}", i + 1));
            ui.label(format!("+{since:.1} s"));
            let text = match &attempt.explanation {
                Some(why) if attempt.status != Some(200) => format!("{answer} — {why}"),
                _ => answer,
            };
            ui.label(text);
            ui.end_row();
        }
    });
}
