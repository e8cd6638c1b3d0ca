//! Scenario runs the engine reported: the one going (its customers' rows)
//! and the finished ones, newest first, for comparing.

use std::path::PathBuf;

use crate::engine::command::{Event, ToastLevel};
use crate::scenario::live::CustomerRow;
use crate::scenario::report::RunReport;
use crate::scenario::run::RunProgress;

/// Finished runs kept for comparing.
const KEPT: usize = 20;

#[derive(Debug, Clone, Default)]
pub struct Runs {
    pub current: Option<CurrentRun>,
    /// Finished runs, newest first.
    pub finished: Vec<FinishedRun>,
    /// Scenario files used, newest first.
    pub recent: Vec<PathBuf>,
}

#[derive(Debug, Clone)]
pub struct CurrentRun {
    pub run_id: String,
    pub scenario: String,
    pub path: PathBuf,
    pub progress: RunProgress,
    pub rows: Vec<CustomerRow>,
}

#[derive(Debug, Clone)]
pub struct FinishedRun {
    pub path: PathBuf,
    pub report: RunReport,
}

impl Runs {
    /// Applies a run event; a toast when a run could not start or finished.
    pub fn apply(&mut self, event: Event) -> Option<(ToastLevel, String)> {
        match event {
            Event::RunStarted { run_id, scenario, path, customers } => {
                self.recent.retain(|p| *p != path);
                self.recent.insert(0, path.clone());
                let progress = RunProgress { total: customers, ..RunProgress::default() };
                self.current = Some(CurrentRun { run_id, scenario, path, progress, rows: Vec::new() });
                None
            }
            Event::RunFailed { message, .. } => Some((ToastLevel::Error, message)),
            Event::RunsLoaded(runs) => {
                for run in runs {
                    if !self.recent.contains(&run.path) {
                        self.recent.push(run.path.clone());
                    }
                    self.finished.push(FinishedRun { path: run.path, report: run.report });
                }
                None
            }
            Event::RunUpdate { run_id, progress, rows } => {
                if let Some(run) = self.current.as_mut().filter(|r| r.run_id == run_id) {
                    run.progress = progress;
                    run.rows = rows;
                }
                None
            }
            Event::RunFinished { run_id, report } => {
                let path = match self.current.as_ref().filter(|r| r.run_id == run_id) {
                    Some(run) => run.path.clone(),
                    None => PathBuf::new(),
                };
                let (passed, total) = (report.count("pass"), report.customers.len());
                let level = if report.all_passed() { ToastLevel::Success } else { ToastLevel::Warning };
                let text = format!("Scenario \"{}\": {passed} of {total} customers passed", report.scenario);
                self.finished.insert(0, FinishedRun { path, report: *report });
                self.finished.truncate(KEPT);
                Some((level, text))
            }
            _ => None,
        }
    }

    /// Whether a run is going (started, not yet finished).
    pub fn running(&self) -> bool {
        self.current.as_ref().is_some_and(|c| self.finished.first().is_none_or(|f| f.report.run_id != c.run_id))
    }
}
