//! Running a scenario on the app's engine: customers start as concurrency
//! allows, every API call they make waits for the shared pacer, and each
//! event the engine reports (Genesys' answers, webhook deliveries, presence)
//! goes to the customer it concerns.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::pace::Pacer;
use super::parse::ScenarioFile;
use super::report::{CustomerReport, Outcome, RunReport, Timings};
use super::sim::{Check, Phase, Sim, expected};
use super::{customer, model::Step};
use crate::config::Environment;
use crate::engine::HeadlessEngine;
use crate::engine::command::{Command, Event, RequestId};
use crate::engine::customer::CustomerAction;
use crate::genesys::{InboundMessage, ReceiptStatus};

/// How a run goes.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub env: Environment,
    pub account: String,
    pub customers: usize,
    pub concurrency: usize,
    /// API calls per minute for all customers together; `None`: no pacing.
    pub rate_per_minute: Option<u32>,
    /// How long one customer may take for all its steps.
    pub timeout: Duration,
    /// Makes the customer ids of this run its own (`gd-<run>-<n>`).
    pub run_id: String,
}

/// A customer that just finished, for a line per customer.
#[derive(Debug, Clone)]
pub struct Finished {
    pub n: usize,
    pub customer_id: String,
    pub outcome: &'static str,
    pub reason: String,
}

/// Counts for a progress display.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunProgress {
    pub total: usize,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub running: usize,
}

pub(super) struct Run<'a> {
    pub(super) file: &'a ScenarioFile,
    pub(super) opts: &'a RunOptions,
    pub(super) sims: Vec<Sim>,
    pub(super) timings: Vec<Timings>,
    pub(super) by_customer: HashMap<String, usize>,
    pub(super) by_conversation: HashMap<String, usize>,
    pub(super) by_request: HashMap<u64, usize>,
    pub(super) next_request: u64,
    pub(super) pacer: Pacer,
    pub(super) report: RunReport,
    /// Customers already handed to `progress` as finished.
    pub(super) reported: Vec<bool>,
    pub(super) reported_upto: usize,
}

/// Where a run sends its requests and reads the engine's events: the command
/// line's headless engine, or a tap on the app's engine.
pub trait Driver {
    fn send(&self, command: Command);
    fn next(&mut self) -> impl Future<Output = Option<Event>> + Send;
}

impl Driver for HeadlessEngine {
    fn send(&self, command: Command) {
        HeadlessEngine::send(self, command);
    }

    fn next(&mut self) -> impl Future<Output = Option<Event>> + Send {
        HeadlessEngine::next(self)
    }
}

/// The run as it stands, for a progress display.
pub struct RunStatus<'r> {
    pub progress: RunProgress,
    /// Customers finished since the last call.
    pub finished: &'r [Finished],
    pub sims: &'r [Sim],
    pub timings: &'r [Timings],
}

/// Runs `file` with `opts` until every customer finished or `stop` resolves;
/// `progress` sees the run after every change.
pub async fn run(
    engine: &mut impl Driver,
    file: &ScenarioFile,
    opts: &RunOptions,
    mut progress: impl FnMut(&RunStatus<'_>),
    stop: impl Future<Output = ()>,
) -> RunReport {
    let started = Instant::now();
    let mut run = Run::new(file, opts);
    tokio::pin!(stop);
    loop {
        let now = Instant::now();
        run.start_customers(now);
        for i in 0..run.sims.len() {
            run.advance(engine, i, now);
        }
        let done = run.newly_finished();
        progress(&RunStatus { progress: run.progress(), finished: &done, sims: &run.sims, timings: &run.timings });
        if run.sims.iter().all(|s| s.phase == Phase::Done) {
            break;
        }
        let wake = run.next_wake(now);
        tokio::select! {
            event = engine.next() => match event {
                Some(event) => run.on_event(event),
                None => { run.stop_all("the engine stopped"); break; }
            },
            () = tokio::time::sleep_until(tokio::time::Instant::from_std(wake)) => {}
            () = &mut stop => { run.stop_all("interrupted"); break; }
        }
    }
    let done = run.newly_finished();
    progress(&RunStatus { progress: run.progress(), finished: &done, sims: &run.sims, timings: &run.timings });
    run.finish(started.elapsed())
}

impl<'a> Run<'a> {
    fn new(file: &'a ScenarioFile, opts: &'a RunOptions) -> Run<'a> {
        let sims: Vec<Sim> = (1..=opts.customers).map(|n| Sim::new(n, customer::id(&opts.run_id, n))).collect();
        let by_customer = sims.iter().enumerate().map(|(i, s)| (s.customer_id.clone(), i)).collect();
        let report =
            RunReport { scenario: file.scenario.name.clone(), run_id: opts.run_id.clone(), ..RunReport::default() };
        Run {
            file,
            opts,
            timings: vec![Timings::default(); sims.len()],
            sims,
            by_customer,
            by_conversation: HashMap::new(),
            by_request: HashMap::new(),
            next_request: 1,
            pacer: Pacer::new(opts.rate_per_minute),
            report,
            reported: vec![false; opts.customers],
            reported_upto: 0,
        }
    }

    pub(super) fn steps(&self) -> &'a [Step] {
        &self.file.scenario.steps
    }

    fn progress(&self) -> RunProgress {
        let mut p = RunProgress { total: self.sims.len(), ..RunProgress::default() };
        for s in &self.sims {
            match (&s.phase, s.outcome.as_ref().map(Outcome::label)) {
                (Phase::Queued, _) => {}
                (Phase::Done, Some("pass")) => p.passed += 1,
                (Phase::Done, Some("fail")) => p.failed += 1,
                (Phase::Done, _) => p.errors += 1,
                _ => p.running += 1,
            }
        }
        p
    }

    /// Customers finished since the last call.
    fn newly_finished(&mut self) -> Vec<Finished> {
        let mut done = Vec::new();
        for (i, sim) in self.sims.iter().enumerate().skip(self.reported_upto) {
            if sim.phase != Phase::Done || self.reported[i] {
                continue;
            }
            self.reported[i] = true;
            let outcome = sim.outcome.clone().unwrap_or(Outcome::Pass);
            done.push(Finished {
                n: sim.n,
                customer_id: sim.customer_id.clone(),
                outcome: outcome.label(),
                reason: outcome.reason(),
            });
        }
        while self.reported.get(self.reported_upto).copied() == Some(true) {
            self.reported_upto += 1;
        }
        done
    }

    fn start_customers(&mut self, now: Instant) {
        let running = self.sims.iter().filter(|s| !matches!(s.phase, Phase::Queued | Phase::Done)).count();
        let free = self.opts.concurrency.max(1).saturating_sub(running);
        for sim in self.sims.iter_mut().filter(|s| s.phase == Phase::Queued).take(free) {
            sim.phase = Phase::Ready;
            sim.started = Some(now);
            sim.step_started = Some(now);
        }
    }

    /// Moves customer `i` on as far as it can go now.
    fn advance(&mut self, engine: &impl Driver, i: usize, now: Instant) {
        let steps = self.steps();
        loop {
            let sim = &mut self.sims[i];
            if matches!(sim.phase, Phase::Queued | Phase::Done) {
                return;
            }
            if sim.started.is_some_and(|s| now.saturating_duration_since(s) > self.opts.timeout) {
                let got = format!("still at this step after {} s (--timeout)", self.opts.timeout.as_secs());
                let (step, name) = (sim.step, steps[sim.step].name());
                return sim.finish(Outcome::Fail {
                    step,
                    name: name.to_string(),
                    expected: expected(&steps[step]),
                    got,
                });
            }
            match sim.phase {
                Phase::Sending => return,
                Phase::Sleeping(until) if now < until => return,
                Phase::Sleeping(_) => sim.next_step(steps, now),
                Phase::Expecting(deadline) => match sim.seen.check(&steps[sim.step]) {
                    Check::Met => {
                        if matches!(steps[sim.step], Step::ExpectReceipt(_)) {
                            let took = sim.step_started.map_or(Duration::ZERO, |s| now.saturating_duration_since(s));
                            self.timings[i].receipts.push(took);
                        }
                        sim.next_step(steps, now);
                    }
                    Check::Waiting if now >= deadline => {
                        let step = &steps[sim.step];
                        let outcome = Outcome::Fail {
                            step: sim.step,
                            name: step.name().to_string(),
                            expected: expected(step),
                            got: sim.seen.what_came(step),
                        };
                        return sim.finish(outcome);
                    }
                    Check::Waiting => return,
                },
                Phase::Ready => {
                    if !self.start_step(engine, i, now) {
                        return;
                    }
                }
                Phase::Queued | Phase::Done => return,
            }
        }
    }

    /// Starts the current step; false when it must wait for the pacer.
    fn start_step(&mut self, engine: &impl Driver, i: usize, now: Instant) -> bool {
        let step = &self.steps()[self.sims[i].step];
        let sim = &mut self.sims[i];
        sim.step_started = Some(now);
        match step {
            Step::Wait(d) => sim.phase = Phase::Sleeping(now + *d),
            Step::Say(_) | Step::SendImage(_) | Step::Typing | Step::FailLastReply => {
                if !self.pacer.take(now) {
                    return false;
                }
                self.send(engine, i, step, now);
            }
            expectation => sim.phase = Phase::Expecting(now + expectation.within().unwrap_or_default()),
        }
        true
    }

    fn send(&mut self, engine: &impl Driver, i: usize, step: &Step, now: Instant) {
        let request = RequestId(self.next_request);
        self.next_request += 1;
        self.by_request.insert(request.0, i);
        let template = &self.file.scenario.customer;
        let sim = &mut self.sims[i];
        let (env, account) = (self.opts.env, self.opts.account.clone());
        let who = customer::build(template, &sim.customer_id, sim.n);
        let message = |text: Option<String>| InboundMessage {
            text,
            image: None,
            custom_attributes: customer::attributes(template, sim.n),
            customer: who.clone(),
        };
        let command = match step {
            Step::Say(text) => {
                let message = Box::new(message(Some(customer::numbered(text, sim.n))));
                Command::SendMessage { request, env, account, message, local_image: None, watch: true }
            }
            Step::SendImage(path) => {
                let local_image = Some(self.file.resolve(path));
                Command::SendMessage {
                    request,
                    env,
                    account,
                    message: Box::new(message(None)),
                    local_image,
                    watch: true,
                }
            }
            Step::Typing => {
                Command::CustomerAct { request, env, account, customer: who, action: CustomerAction::Typing }
            }
            _ => {
                let Some(message_id) = sim.seen.last_reply_id.clone() else {
                    let (step, name) = (sim.step, "fail_last_reply");
                    return sim.finish(Outcome::Error {
                        step,
                        name: name.to_string(),
                        message: "no agent reply to fail yet".into(),
                    });
                };
                let status = ReceiptStatus::Failed {
                    code: "GeneralError".into(),
                    message: "failed on purpose by the scenario (fail_last_reply)".into(),
                };
                let action = CustomerAction::Receipt { message_id, status };
                Command::CustomerAct { request, env, account, customer: who, action }
            }
        };
        if matches!(step, Step::Say(_) | Step::SendImage(_)) {
            sim.first_sent.get_or_insert(now);
        }
        sim.phase = Phase::Sending;
        engine.send(command);
    }

    /// The soonest moment something may change without an event.
    fn next_wake(&self, now: Instant) -> Instant {
        let mut wake = now + Duration::from_secs(1);
        for sim in &self.sims {
            let at = match sim.phase {
                Phase::Sleeping(until) | Phase::Expecting(until) => Some(until),
                Phase::Ready => Some(self.pacer.next_at().max(now)),
                _ => None,
            };
            let limit = sim.started.map(|s| s + self.opts.timeout + Duration::from_millis(1));
            for at in [at, limit].into_iter().flatten() {
                wake = wake.min(at);
            }
        }
        wake
    }

    fn stop_all(&mut self, why: &str) {
        let steps = self.steps();
        for sim in self.sims.iter_mut().filter(|s| s.phase != Phase::Done) {
            let (step, name) = (sim.step.min(steps.len() - 1), steps[sim.step.min(steps.len() - 1)].name());
            sim.finish(Outcome::Error { step, name: name.to_string(), message: why.to_string() });
        }
    }

    fn finish(mut self, took: Duration) -> RunReport {
        let end = Instant::now();
        for (sim, timings) in self.sims.into_iter().zip(self.timings) {
            self.report.customers.push(CustomerReport {
                n: sim.n,
                customer_id: sim.customer_id,
                outcome: sim.outcome.unwrap_or(Outcome::Pass),
                steps: sim.steps,
                took: sim.started.map_or(Duration::ZERO, |s| sim.finished.unwrap_or(end).saturating_duration_since(s)),
                timings,
            });
        }
        self.report.took = took;
        self.report
    }
}
