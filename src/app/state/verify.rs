//! Verify runs: the checks the engine reported for each account, with the
//! previous report kept while a new run is under way.

use std::collections::BTreeMap;

use crate::app::pending::Pending;
use crate::config::{Environment, Field};
use crate::engine::command::{Event, RequestId, ToastLevel};
use crate::model::{Check, CheckId, CheckStatus, VerifyReport};

/// One verify run of an account: checks arrive one by one.
#[derive(Debug, Clone, Default)]
pub struct VerifyRun {
    pub request: RequestId,
    /// The checks of the current run so far (or of the last finished run).
    pub checks: Vec<Check>,
    pub result: Pending<VerifyReport>,
}

impl VerifyRun {
    /// Fields whose check failed in the latest finished or running run.
    pub fn failed_fields(&self) -> Vec<Field> {
        self.checks.iter().filter(|c| c.status == CheckStatus::Fail).filter_map(|c| c.field).collect()
    }

    /// True when the webhook check says the integration points elsewhere.
    pub fn webhook_mismatch(&self) -> bool {
        self.checks
            .iter()
            .any(|c| c.id == CheckId::Webhook && matches!(c.status, CheckStatus::Warn | CheckStatus::Fail))
    }
}

/// The runs keyed by (storing environment, account name).
#[derive(Debug, Clone, Default)]
pub struct VerifyRuns {
    runs: BTreeMap<(Environment, String), VerifyRun>,
}

impl VerifyRuns {
    /// A `Command::Verify` was sent: the run waits, keeping the last report.
    pub fn started(&mut self, request: RequestId, env: Environment, account: &str) {
        let run = self.runs.entry((env.source(), account.to_string())).or_default();
        run.request = request;
        run.checks.clear();
        run.result.start();
    }

    /// Applies a verify event; returns the toast it deserves, if any. Events
    /// of a request that is no longer the latest of its account are ignored.
    pub fn apply(&mut self, event: Event) -> Option<(ToastLevel, String)> {
        match event {
            Event::CheckFinished { request, check } => {
                let run = self.by_request(request)?.1;
                match run.checks.iter_mut().find(|c| c.id == check.id) {
                    Some(slot) => *slot = check,
                    None => run.checks.push(check),
                }
                None
            }
            Event::VerifyFinished { request, report } => {
                let (name, run) = self.by_request(request)?;
                run.checks = report.checks.clone();
                let ok = report.ok();
                run.result.finish(Ok(report));
                Some(if ok {
                    (ToastLevel::Success, format!("Verify {name}: all checks passed"))
                } else {
                    (ToastLevel::Warning, format!("Verify {name}: some checks failed"))
                })
            }
            _ => None,
        }
    }

    fn by_request(&mut self, request: RequestId) -> Option<(String, &mut VerifyRun)> {
        self.runs.iter_mut().find(|(_, r)| r.request == request).map(|((_, name), run)| (name.clone(), run))
    }

    /// The run of `account` in `env` (or its source environment).
    pub fn run(&self, env: Environment, account: &str) -> Option<&VerifyRun> {
        self.runs.get(&(env.source(), account.to_string()))
    }
}
