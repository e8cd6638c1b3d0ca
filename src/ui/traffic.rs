//! Traffic: a virtualised table of every API call and webhook (only the rows
//! on screen are laid out), filters, and a detail pane with headers, bodies,
//! the signature explainer, "Copy as curl", replay and export.

use egui::{RichText, Sense, TextEdit, Ui};
use egui_extras::{Column, TableBuilder};

use super::{Dialogs, error_color, ok_color, warn_color};
use crate::app::state::AppState;
use crate::app::traffic_log::{FilteredRows, StatusClass, TrafficLog};
use crate::engine::command::{Command, Event, ExportFormat};
use crate::model::{Direction, SignatureVerdict, TrafficEntry};
use detail::{Detail, detail_ui};

mod detail;

const ROW_HEIGHT: f32 = 20.0;

/// The Traffic view: its filter's rows and the entry in the detail pane.
#[derive(Debug, Default)]
pub struct TrafficView {
    /// Sequence number (see `TrafficLog::by_seq`) of the entry in the detail pane.
    selected: Option<u64>,
    rows: FilteredRows,
    /// A delivery to open in the signature lab, or the lab empty (`open_lab`).
    lab: Option<TrafficEntry>,
    open_lab: bool,
    open_as_genesys: bool,
}

impl TrafficView {
    /// The delivery "Signature lab" was pressed on, once.
    pub fn take_lab_request(&mut self) -> Option<TrafficEntry> {
        self.lab.take()
    }

    /// Whether "Send as Genesys…" was pressed, once.
    pub fn take_open_as_genesys(&mut self) -> bool {
        std::mem::take(&mut self.open_as_genesys)
    }

    /// Whether "Signature lab…" was pressed, once.
    pub fn take_open_lab(&mut self) -> bool {
        std::mem::take(&mut self.open_lab)
    }

    /// Shows only entries holding `text` (the Runs view's "Traffic of this run").
    pub fn show_only(&mut self, text: &str, log: &crate::app::traffic_log::TrafficLog) {
        let filter = crate::model::traffic::TrafficFilter { text: text.to_string(), ..Default::default() };
        self.rows.set_filter(filter, log);
        self.selected = None;
    }

    pub fn ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        selection: &crate::app::selection::Selection,
        commands: &mut Vec<Command>,
        dialogs: &mut dyn Dialogs,
    ) {
        self.rows.sync(&state.traffic);
        egui::Panel::top("traffic_filters").show(ui, |ui| {
            filters_ui(ui, &mut self.rows, &state.traffic, dialogs);
            ui.horizontal(|ui| {
                super::fault::fault_ui(ui, state, selection, commands);
                self.open_lab |= ui.button("Signature lab…").clicked();
                self.open_as_genesys |= ui.button("Send as Genesys…").clicked();
            });
        });
        let selected = self.selected.and_then(|seq| state.traffic.by_seq(seq));
        if let Some(entry) = selected {
            egui::Panel::bottom("traffic_detail").resizable(true).default_size(320.0).show(ui, |ui| {
                match detail_ui(ui, commands, entry, &state.traffic.attempts_of(entry)) {
                    Detail::Close => self.selected = None,
                    Detail::Lab => self.lab = Some(entry.clone()),
                    Detail::Stay => {}
                }
            });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if let Some(seq) = table_ui(ui, &self.rows, &state.traffic, self.selected) {
                self.selected = if self.selected == Some(seq) { None } else { Some(seq) };
            }
        });
    }

    /// A reloaded history closes the detail pane.
    pub fn on_event(&mut self, event: &Event) {
        if let Event::HistoryLoaded { .. } = event {
            self.selected = None;
        }
    }

    /// The rows of the current filter (as of the last frame).
    pub fn rows(&self) -> &FilteredRows {
        &self.rows
    }

    /// Sets the filter at once (benchmarks); the view's own box does it per frame.
    pub fn set_filter(&mut self, filter: crate::app::traffic_log::TrafficFilter, log: &TrafficLog) {
        self.rows.set_filter(filter, log);
    }

    /// The entry in the detail pane, by sequence number.
    pub fn selected(&self) -> Option<u64> {
        self.selected
    }
}

fn filters_ui(ui: &mut Ui, rows: &mut FilteredRows, log: &TrafficLog, dialogs: &mut dyn Dialogs) {
    let mut filter = rows.filter().clone();
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Filter");
        ui.add(TextEdit::singleline(&mut filter.text).hint_text("text in URL, body, account…").desired_width(220.0))
            .labelled_by(label.id);
        let accounts_label = filter.account.clone().unwrap_or_else(|| "all accounts".into());
        let label = ui.label("Account");
        egui::ComboBox::from_id_salt("traffic_account")
            .selected_text(accounts_label)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut filter.account, None, "all accounts");
                for name in log.accounts() {
                    ui.selectable_value(&mut filter.account, Some(name.clone()), name);
                }
            })
            .response
            .labelled_by(label.id);
        let dir_label = filter.direction.map(Direction::as_str).unwrap_or("all directions");
        let label = ui.label("Direction");
        egui::ComboBox::from_id_salt("traffic_direction")
            .selected_text(dir_label)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut filter.direction, None, "all directions");
                for d in [Direction::Outgoing, Direction::Incoming, Direction::Socket] {
                    ui.selectable_value(&mut filter.direction, Some(d), d.as_str());
                }
            })
            .response
            .labelled_by(label.id);
        let status_label = filter.status.map(StatusClass::label).unwrap_or("any status");
        let label = ui.label("Status");
        egui::ComboBox::from_id_salt("traffic_status")
            .selected_text(status_label)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut filter.status, None, "any status");
                for s in StatusClass::ALL {
                    ui.selectable_value(&mut filter.status, Some(s), s.label());
                }
            })
            .response
            .labelled_by(label.id);
        let verdict_label = filter.verdict.map(SignatureVerdict::as_str).unwrap_or("any signature");
        let label = ui.label("Signature");
        egui::ComboBox::from_id_salt("traffic_verdict")
            .selected_text(verdict_label)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut filter.verdict, None, "any signature");
                for v in [
                    SignatureVerdict::Valid,
                    SignatureVerdict::Invalid,
                    SignatureVerdict::Missing,
                    SignatureVerdict::NoSecretConfigured,
                ] {
                    ui.selectable_value(&mut filter.verdict, Some(v), v.as_str());
                }
            })
            .response
            .labelled_by(label.id);
        if !filter.is_empty() && ui.button("Clear").clicked() {
            filter = Default::default();
        }
    });
    // No-op unless the filter changed: the matching rows are cached.
    rows.set_filter(filter, log);
    ui.horizontal(|ui| {
        ui.label(format!("{} of {} entries", rows.len(), log.len()));
        for format in [ExportFormat::Json, ExportFormat::Har] {
            let label = format!("Export {}…", format.extension().to_ascii_uppercase());
            if ui.button(label).on_hover_text("Export the filtered list").clicked() {
                let ids: Vec<i64> = rows.entries(log).filter_map(|e| e.id).collect();
                dialogs.open(super::DialogRequest::Export(format, ids), ui.ctx());
            }
        }
        if ui.button("Import HAR…").on_hover_text("Add a HAR file's calls to this list, marked imported").clicked() {
            dialogs.open(super::DialogRequest::ImportHar, ui.ctx());
        }
    });
    ui.add_space(2.0);
}

/// The table, newest first; returns the sequence number of a clicked row.
fn table_ui(ui: &mut Ui, rows: &FilteredRows, log: &TrafficLog, selected: Option<u64>) -> Option<u64> {
    let total = rows.len();
    if total == 0 {
        ui.weak(if log.is_empty() { "No traffic yet." } else { "No entry matches the filter." });
        return None;
    }
    let mut clicked = None;
    TableBuilder::new(ui)
        .striped(true)
        .sense(Sense::click())
        .auto_shrink([false, false])
        .column(Column::exact(96.0))
        .column(Column::exact(70.0))
        .column(Column::initial(110.0).clip(true))
        .column(Column::exact(60.0))
        .column(Column::remainder().at_least(160.0).clip(true))
        .column(Column::exact(54.0))
        .column(Column::exact(70.0))
        .column(Column::exact(90.0))
        .header(ROW_HEIGHT, |mut header| {
            for title in ["Time", "Direction", "Account", "Method", "Path", "Status", "Latency", "Signature"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            // Newest first; only the rows on screen reach this closure.
            body.rows(ROW_HEIGHT, total, |mut row| {
                let index = total - 1 - row.index();
                let Some((seq, entry)) = rows.row(log, index) else { return };
                row.set_selected(selected == Some(seq));
                row.col(|ui| cell(ui, time_text(entry), None));
                row.col(|ui| cell(ui, entry.direction.as_str(), None));
                row.col(|ui| {
                    if entry.imported {
                        cell(ui, format!("{} (imported)", entry.account), Some(ui.visuals().weak_text_color()));
                    } else {
                        cell(ui, &entry.account, None);
                    }
                });
                row.col(|ui| cell(ui, &entry.method, None));
                row.col(|ui| cell(ui, path_of(&entry.url), None));
                row.col(|ui| status_cell(ui, entry));
                row.col(|ui| {
                    cell(ui, entry.latency_us.map(crate::model::traffic::latency_text).unwrap_or_default(), None)
                });
                row.col(|ui| {
                    if let Some(v) = entry.verdict {
                        let color = if v == SignatureVerdict::Valid { ok_color(ui) } else { error_color(ui) };
                        cell(ui, v.as_str(), Some(color));
                    }
                });
                if row.response().clicked() {
                    clicked = Some(seq);
                }
            });
        });
    clicked
}

fn status_cell(ui: &mut Ui, entry: &TrafficEntry) {
    match (entry.status, &entry.error) {
        (Some(s), _) => {
            let color = match s {
                200..=299 => ok_color(ui),
                400..=499 => warn_color(ui),
                _ => error_color(ui),
            };
            cell(ui, s.to_string(), Some(color));
        }
        (None, Some(_)) => cell(ui, "error", Some(error_color(ui))),
        // Socket events have no HTTP status.
        (None, None) if entry.direction == crate::model::Direction::Socket => cell(ui, "event", None),
        (None, None) => cell(ui, "…", None),
    }
}

/// A table cell: not selectable, so a click selects the row.
fn cell(ui: &mut Ui, text: impl Into<String>, color: Option<egui::Color32>) {
    let mut text = RichText::new(text.into());
    if let Some(color) = color {
        text = text.color(color);
    }
    ui.add(egui::Label::new(text).selectable(false).truncate());
}

/// The path (and query) of a full URL; paths are returned as they are.
fn path_of(url: &str) -> &str {
    match url.find("://") {
        Some(i) => url[i + 3..].find('/').map(|j| &url[i + 3 + j..]).unwrap_or("/"),
        None => url,
    }
}

fn time_text(entry: &TrafficEntry) -> String {
    let t = entry.at;
    format!("{:02}:{:02}:{:02}.{:03}", t.hour(), t.minute(), t.second(), t.millisecond())
}
