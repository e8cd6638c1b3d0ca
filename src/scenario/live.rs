//! A run as a window shows it while it goes: one row per customer.

use std::time::Instant;

use super::report::{Outcome, Timings};
use super::run::RunStatus;
use super::sim::{Phase, Sim};

/// Where a customer is, for the Runs table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowState {
    Queued,
    Running,
    Passed,
    Failed,
    Error,
}

impl RowState {
    pub fn label(self) -> &'static str {
        match self {
            RowState::Queued => "queued",
            RowState::Running => "running",
            RowState::Passed => "passed",
            RowState::Failed => "failed",
            RowState::Error => "error",
        }
    }
}

/// One customer of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerRow {
    pub n: usize,
    pub customer_id: String,
    pub state: RowState,
    /// The step it is at (1-based), and its name.
    pub step: usize,
    pub step_name: &'static str,
    pub took_ms: u64,
    pub reason: String,
    pub agent_joined_ms: Option<f64>,
    pub first_reply_ms: Option<f64>,
}

/// The rows of `status`; `steps` names the steps.
pub fn rows(status: &RunStatus<'_>, steps: &[super::Step]) -> Vec<CustomerRow> {
    let now = Instant::now();
    status.sims.iter().zip(status.timings).map(|(sim, timings)| row(sim, timings, steps, now)).collect()
}

fn row(sim: &Sim, timings: &Timings, steps: &[super::Step], now: Instant) -> CustomerRow {
    let state = match (&sim.phase, &sim.outcome) {
        (Phase::Queued, _) => RowState::Queued,
        (Phase::Done, Some(Outcome::Fail { .. })) => RowState::Failed,
        (Phase::Done, Some(Outcome::Error { .. })) => RowState::Error,
        (Phase::Done, _) => RowState::Passed,
        _ => RowState::Running,
    };
    let step = sim.step.min(steps.len().saturating_sub(1));
    let end = sim.finished.unwrap_or(now);
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    CustomerRow {
        n: sim.n,
        customer_id: sim.customer_id.clone(),
        state,
        step: step + 1,
        step_name: steps.get(step).map_or("", super::Step::name),
        took_ms: sim.started.map_or(0, |s| end.saturating_duration_since(s).as_millis() as u64),
        reason: sim.outcome.as_ref().map(Outcome::reason).unwrap_or_default(),
        agent_joined_ms: timings.agent_joined.map(ms),
        first_reply_ms: timings.first_reply.map(ms),
    }
}
