//! Scenario runs in the app: the same runner as `scenario run`, reading a
//! tap of this engine's events and sending it commands; the window gets the
//! customers' rows a few times a second and the report at the end.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::EngineHandle;
use super::command::{Command, Event, ToastLevel};
use super::worker::{Engine, Shared};
use crate::config::Environment;
use crate::scenario::run::{Driver, RunOptions, run};
use crate::storage::StoredRun;

/// How often a running scenario refreshes the window's table.
const ROWS_EVERY: Duration = Duration::from_millis(250);

/// What `Command::StartRun` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRequest {
    pub run_id: String,
    pub path: PathBuf,
    pub env: Environment,
    pub account: String,
    pub customers: usize,
    pub concurrency: usize,
    /// API calls a minute; `None`: no pacing.
    pub rate_per_minute: Option<u32>,
}

/// The app engine as a run's driver.
struct Tap {
    handle: EngineHandle,
    events: mpsc::UnboundedReceiver<Event>,
}

impl Driver for Tap {
    fn send(&self, command: Command) {
        self.handle.send(command);
    }

    fn next(&mut self) -> impl Future<Output = Option<Event>> + Send {
        self.events.recv()
    }
}

impl Engine {
    pub(super) fn start_run(&mut self, request: RunRequest) {
        let events = self.shared.events.clone();
        let file = match crate::scenario::load(&request.path) {
            Ok(file) => file,
            Err(e) => return events.send(Event::RunFailed { run_id: request.run_id, message: e.to_string() }),
        };
        let stop = CancellationToken::new();
        self.runs.retain(|_, token| !token.is_cancelled());
        self.runs.insert(request.run_id.clone(), stop.clone());
        let Some(tx) = self.shared.commands.upgrade() else { return };
        let mut tap = Tap { handle: EngineHandle { tx }, events: events.tap() };
        let opts = RunOptions {
            env: request.env,
            account: request.account.clone(),
            customers: request.customers,
            concurrency: request.concurrency,
            rate_per_minute: request.rate_per_minute,
            timeout: Duration::from_secs(300),
            run_id: request.run_id.clone(),
        };
        events.send(Event::RunStarted {
            run_id: request.run_id.clone(),
            scenario: file.scenario.name.clone(),
            path: request.path.clone(),
            customers: request.customers,
        });
        let shared = self.shared.clone();
        self.spawn(async move {
            let steps = file.scenario.steps.clone();
            let mut shown = Instant::now() - ROWS_EVERY;
            let report = run(
                &mut tap,
                &file,
                &opts,
                |status| {
                    if shown.elapsed() >= ROWS_EVERY || status.progress.running == 0 {
                        shown = Instant::now();
                        let rows = crate::scenario::live::rows(status, &steps);
                        events.send(Event::RunUpdate { run_id: opts.run_id.clone(), progress: status.progress, rows });
                    }
                },
                stop.cancelled(),
            )
            .await;
            stop.cancel();
            let stored = StoredRun { path: request.path, account: request.account, report: report.clone() };
            record(&shared, stored).await;
            events.send(Event::RunFinished { run_id: opts.run_id.clone(), report: Box::new(report) });
        });
    }

    /// Keeps a finished run of the command line in the history.
    pub(super) fn record_run(&mut self, run: StoredRun) {
        let shared = self.shared.clone();
        self.spawn(async move { record(&shared, run).await });
    }

    pub(super) fn stop_run(&mut self, run_id: &str) {
        if let Some(token) = self.runs.remove(run_id) {
            token.cancel();
        }
    }
}

/// Stores a finished run; a failure is said once, as a toast.
async fn record(shared: &Shared, run: StoredRun) {
    let id = run.report.run_id.clone();
    if let Err(e) = shared.writer.run(move |db| db.insert_run(&run)).await {
        shared.toast(ToastLevel::Error, format!("Run {id} was not kept in the history: {e}"));
    }
}
