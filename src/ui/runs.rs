//! Runs: pick a scenario file, set customers and concurrency, start and stop;
//! a live table of the customers (click one to open its chat), the timing
//! distributions filling in as the run goes, and past runs side by side.

use std::path::PathBuf;

use egui::{RichText, Sense, Ui};
use egui_extras::{Column, TableBuilder};
use egui_plot::{Bar, BarChart, Legend, Plot};

use super::dialogs::{DialogRequest, Dialogs};
use super::error_color;
use crate::app::chats::ThreadKey;
use crate::app::selection::Selection;
use crate::app::state::AppState;
use crate::app::state::runs::{CurrentRun, FinishedRun};
use crate::engine::command::Command;
use crate::engine::runs::RunRequest;
use crate::scenario::live::{CustomerRow, RowState};
use crate::scenario::report::Spread;

const ROW_HEIGHT: f32 = 20.0;

/// Past runs shown side by side.
const COMPARED: usize = 4;

#[derive(Debug)]
pub struct RunsView {
    /// The scenario file path being typed or picked.
    pub path: String,
    pub customers: usize,
    pub concurrency: usize,
    /// A customer whose chat was clicked: the window opens it.
    open_chat: Option<ThreadKey>,
    /// A clicked customer that has no chat yet (no agent message arrived).
    no_chat: Option<String>,
    /// "Traffic of this run" was pressed: the text every request of the run holds.
    show_traffic: Option<String>,
    next_run: u64,
}

impl Default for RunsView {
    fn default() -> Self {
        Self {
            path: String::new(),
            customers: 10,
            concurrency: 5,
            open_chat: None,
            no_chat: None,
            show_traffic: None,
            next_run: 1,
        }
    }
}

impl RunsView {
    /// The traffic filter "Traffic of this run" asked for, once.
    pub fn take_show_traffic(&mut self) -> Option<String> {
        self.show_traffic.take()
    }

    /// The chat a click asked for, once.
    pub fn take_open_chat(&mut self) -> Option<ThreadKey> {
        self.open_chat.take()
    }

    pub fn ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        selection: &Selection,
        commands: &mut Vec<Command>,
        dialogs: &mut dyn Dialogs,
    ) {
        ui.heading("Runs");
        self.setup_ui(ui, state, selection, commands, dialogs);
        ui.separator();
        match &state.runs.current {
            Some(run) => self.current_ui(ui, run, state, selection),
            None => {
                ui.weak("No run yet: pick a scenario file (YAML, see the README's Scenarios) and press Start.");
            }
        }
        compare_ui(ui, &state.runs.finished);
    }

    fn setup_ui(
        &mut self,
        ui: &mut Ui,
        state: &AppState,
        selection: &Selection,
        commands: &mut Vec<Command>,
        dialogs: &mut dyn Dialogs,
    ) {
        let running = state.runs.running();
        ui.horizontal(|ui| {
            ui.label("Scenario file");
            ui.add(egui::TextEdit::singleline(&mut self.path).desired_width(380.0).hint_text("path/to/scenario.yaml"));
            if ui.button("Browse…").clicked() {
                dialogs.open(DialogRequest::Scenario, ui.ctx());
            }
            let recent = &state.runs.recent;
            if !recent.is_empty() {
                egui::ComboBox::from_id_salt("recent_scenarios").selected_text("Recent").show_ui(ui, |ui| {
                    for path in recent {
                        let text = path.display().to_string();
                        if ui.selectable_label(self.path == text, &text).clicked() {
                            self.path = text;
                        }
                    }
                });
            }
        });
        ui.horizontal(|ui| {
            ui.label("Customers");
            ui.add(egui::DragValue::new(&mut self.customers).range(1..=1000));
            ui.label("at a time");
            ui.add(egui::DragValue::new(&mut self.concurrency).range(1..=200));
            let account = selection.account.clone();
            let can_start = !running && account.is_some() && !self.path.trim().is_empty();
            let start = ui.add_enabled(can_start, egui::Button::new("Start"));
            if start.clicked()
                && let Some(account) = account
            {
                let stored = state.accounts.of(selection.env).iter().find(|a| a.name == account);
                let pace = crate::scenario::pace::DEFAULT_RATE;
                let rate = stored.map_or(Some(pace), |a| crate::scenario::pace::rate(None, a));
                commands.push(Command::StartRun(self.request(selection, account, rate)));
            }
            if let Some(run) = state.runs.current.as_ref().filter(|_| running)
                && ui.button("Stop").clicked()
            {
                commands.push(Command::StopRun { run_id: run.run_id.clone() });
            }
            if let Some(account) = &selection.account {
                ui.weak(format!("as {account} ({})", selection.env));
            }
        });
    }

    fn request(&mut self, selection: &Selection, account: String, rate_per_minute: Option<u32>) -> RunRequest {
        let run_id = format!("w{}-{}", self.next_run, &uuid::Uuid::new_v4().simple().to_string()[..6]);
        self.next_run += 1;
        RunRequest {
            run_id,
            path: PathBuf::from(self.path.trim()),
            env: selection.env,
            account,
            customers: self.customers,
            concurrency: self.concurrency,
            // Paced as the command line paces it: none for the emulator, 240 a minute for an org.
            rate_per_minute,
        }
    }

    fn current_ui(&mut self, ui: &mut Ui, run: &CurrentRun, state: &AppState, selection: &Selection) {
        let p = run.progress;
        let done = p.passed + p.failed + p.errors;
        ui.horizontal(|ui| {
            ui.strong(&run.scenario);
            ui.weak(run.path.display().to_string());
            // Every customer id of the run starts so (`gd-<run>-<n>`): its messages,
            // deliveries and receipts name it.
            if ui.button("Traffic of this run").clicked() {
                self.show_traffic = Some(crate::scenario::customer::run_prefix(&run.run_id));
            }
        });
        let fraction = if p.total == 0 { 0.0 } else { done as f32 / p.total as f32 };
        let text = format!(
            "{done}/{}  passed {}  failed {}  errors {}  running {}",
            p.total, p.passed, p.failed, p.errors, p.running
        );
        ui.add(egui::ProgressBar::new(fraction).text(text));
        if let Some(customer) = &self.no_chat {
            ui.weak(format!("{customer} has no chat yet: no agent message reached the listener for it."));
        }
        ui.columns(2, |columns| {
            let clicked = table_ui(&mut columns[0], &run.rows).and_then(|n| run.rows.iter().find(|r| r.n == n));
            if let (Some(row), Some(account)) = (clicked, &selection.account) {
                let key = ThreadKey::new(account.clone(), row.customer_id.clone());
                self.no_chat = state.chats.thread(&key).is_none().then(|| row.customer_id.clone());
                self.open_chat = state.chats.thread(&key).is_some().then_some(key);
            }
            plot_ui(&mut columns[1], &run.rows);
        });
    }
}

/// The customers; returns the number of a clicked one.
fn table_ui(ui: &mut Ui, rows: &[CustomerRow]) -> Option<usize> {
    let mut clicked = None;
    let height = ui.available_height().max(200.0) - 10.0;
    TableBuilder::new(ui)
        .striped(true)
        .sense(Sense::click())
        .max_scroll_height(height)
        .auto_shrink([false, true])
        .column(Column::exact(32.0))
        .column(Column::initial(118.0).clip(true))
        .column(Column::exact(56.0))
        .column(Column::initial(130.0).clip(true))
        .column(Column::exact(52.0))
        .column(Column::remainder().at_least(60.0).clip(true))
        .header(ROW_HEIGHT, |mut header| {
            for title in ["#", "Customer", "State", "Step", "Time", "Reason"] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, rows.len(), |mut row| {
                let r = &rows[row.index()];
                row.col(|ui| {
                    ui.label(r.n.to_string());
                });
                let mut cell_clicked = false;
                row.col(|ui| {
                    let link = ui.add(egui::Label::new(&r.customer_id).sense(Sense::click()));
                    cell_clicked |= link.on_hover_text("Open this customer's chat").clicked();
                });
                row.col(|ui| {
                    let text = RichText::new(r.state.label());
                    ui.label(match r.state {
                        RowState::Failed | RowState::Error => text.color(error_color(ui)),
                        RowState::Passed => text.color(super::ok_color(ui)),
                        _ => text,
                    });
                });
                row.col(|ui| {
                    ui.label(format!("{} {}", r.step, r.step_name));
                });
                row.col(|ui| {
                    ui.label(format!("{:.1} s", r.took_ms as f64 / 1000.0));
                });
                row.col(|ui| {
                    cell_clicked |= ui.label(&r.reason).on_hover_text(&r.reason).clicked();
                });
                if cell_clicked || row.response().clicked() {
                    clicked = Some(r.n);
                }
            });
        });
    clicked
}

/// Histograms of time to agent joined and to first reply (100 ms buckets).
fn plot_ui(ui: &mut Ui, rows: &[CustomerRow]) {
    let bars = |values: Vec<f64>, offset: f64| -> Vec<Bar> {
        let mut counts = std::collections::BTreeMap::<i64, u32>::new();
        for v in values {
            *counts.entry((v / 100.0).floor() as i64).or_default() += 1;
        }
        counts.into_iter().map(|(b, n)| Bar::new(b as f64 * 100.0 + 50.0 + offset, f64::from(n)).width(40.0)).collect()
    };
    let joined = bars(rows.iter().filter_map(|r| r.agent_joined_ms).collect(), -20.0);
    let replied = bars(rows.iter().filter_map(|r| r.first_reply_ms).collect(), 20.0);
    ui.label("Customers by time (ms): agent joined, first reply");
    Plot::new("run_timings")
        .height(ui.available_height().clamp(160.0, 320.0))
        .legend(Legend::default())
        .allow_scroll(false)
        .x_axis_label("ms since the first message")
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("agent joined", joined));
            plot.bar_chart(BarChart::new("first reply", replied));
        });
}

/// Finished runs side by side, newest first.
fn compare_ui(ui: &mut Ui, finished: &[FinishedRun]) {
    if finished.is_empty() {
        return;
    }
    ui.separator();
    ui.strong("Past runs");
    let runs: Vec<&FinishedRun> = finished.iter().take(COMPARED).collect();
    let ms = |s: Option<Spread>, pick: fn(&Spread) -> std::time::Duration| {
        s.map_or("–".into(), |s| format!("{:.0} ms", pick(&s).as_secs_f64() * 1000.0))
    };
    egui::Grid::new("runs_compare").striped(true).show(ui, |ui| {
        ui.label("");
        for run in &runs {
            ui.strong(format!("{} ({})", run.report.scenario, run.report.run_id));
        }
        ui.end_row();
        let line = |ui: &mut Ui, title: &str, cell: &dyn Fn(&FinishedRun) -> String| {
            ui.label(title);
            for run in &runs {
                ui.label(cell(run));
            }
            ui.end_row();
        };
        line(ui, "Customers passed", &|r| format!("{} / {}", r.report.count("pass"), r.report.customers.len()));
        line(ui, "Took", &|r| format!("{:.1} s", r.report.took.as_secs_f64()));
        for (i, name) in ["Agent joined", "First reply", "Delivery delay"].into_iter().enumerate() {
            line(ui, &format!("{name} p50 / p95"), &|r| {
                let s = r.report.spreads()[i].1;
                format!("{} / {}", ms(s, |s| s.p50), ms(s, |s| s.p95))
            });
        }
        line(ui, "429 answers", &|r| r.report.throttled.to_string());
    });
}
