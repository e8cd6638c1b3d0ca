//! What a run found: each customer's outcome and step times, the timing
//! distributions, and the report as JSON and JUnit XML (one testcase per customer).

use std::fmt::Write as _;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// How one customer's run ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Pass,
    /// An expectation was not met: the step, what was expected, what came.
    Fail {
        step: usize,
        name: String,
        expected: String,
        got: String,
    },
    /// An action failed (Genesys refused a message, the run was stopped…).
    Error {
        step: usize,
        name: String,
        message: String,
    },
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail { .. } => "fail",
            Outcome::Error { .. } => "error",
        }
    }

    /// One sentence: why it did not pass (empty for a pass).
    pub fn reason(&self) -> String {
        match self {
            Outcome::Pass => String::new(),
            Outcome::Fail { step, name, expected, got } => {
                format!("step {} ({name}): expected {expected}; got {got}", step + 1)
            }
            Outcome::Error { step, name, message } => format!("step {} ({name}): {message}", step + 1),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepResult {
    pub index: usize,
    pub name: String,
    pub took: Duration,
}

/// Timings of one customer's conversation, from its first message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timings {
    pub agent_joined: Option<Duration>,
    pub first_reply: Option<Duration>,
    /// Genesys' message time → received, per agent delivery.
    pub delivery_delays: Vec<Duration>,
    /// How long each `expect_receipt` waited.
    pub receipts: Vec<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerReport {
    pub n: usize,
    pub customer_id: String,
    pub outcome: Outcome,
    pub steps: Vec<StepResult>,
    pub took: Duration,
    pub timings: Timings,
}

/// The whole run (stored in the history as JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunReport {
    pub scenario: String,
    pub run_id: String,
    pub took: Duration,
    pub customers: Vec<CustomerReport>,
    /// Requests Genesys answered 429 (retried after `Retry-After`).
    pub throttled: usize,
    /// Deliveries that were a retry of one already received.
    pub retries: usize,
    pub duplicates: usize,
}

/// p50 / p95 / p99 / max of a set of durations (nearest rank).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spread {
    pub count: usize,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Spread {
    pub fn of(mut values: Vec<Duration>) -> Option<Spread> {
        if values.is_empty() {
            return None;
        }
        values.sort_unstable();
        let rank = |p: f64| values[((p * values.len() as f64).ceil() as usize).clamp(1, values.len()) - 1];
        Some(Spread {
            count: values.len(),
            p50: rank(0.50),
            p95: rank(0.95),
            p99: rank(0.99),
            max: values[values.len() - 1],
        })
    }

    fn json(&self) -> Value {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        json!({ "count": self.count, "p50_ms": ms(self.p50), "p95_ms": ms(self.p95), "p99_ms": ms(self.p99), "max_ms": ms(self.max) })
    }
}

impl RunReport {
    pub fn count(&self, label: &str) -> usize {
        self.customers.iter().filter(|c| c.outcome.label() == label).count()
    }

    pub fn all_passed(&self) -> bool {
        !self.customers.is_empty() && self.count("pass") == self.customers.len()
    }

    /// The named distributions: time to agent joined, to first reply, delivery delay, receipt time.
    pub fn spreads(&self) -> Vec<(&'static str, Option<Spread>)> {
        let collect =
            |f: &dyn Fn(&Timings) -> Vec<Duration>| self.customers.iter().flat_map(|c| f(&c.timings)).collect();
        vec![
            ("agent_joined", Spread::of(collect(&|t| t.agent_joined.into_iter().collect()))),
            ("first_reply", Spread::of(collect(&|t| t.first_reply.into_iter().collect()))),
            ("delivery_delay", Spread::of(collect(&|t| t.delivery_delays.clone()))),
            ("receipt", Spread::of(collect(&|t| t.receipts.clone()))),
        ]
    }

    /// Per step (index and name): how long it took, over the customers that finished it.
    pub fn step_spreads(&self) -> Vec<(usize, &str, Option<Spread>)> {
        let steps = self.customers.iter().map(|c| c.steps.len()).max().unwrap_or(0);
        (0..steps)
            .map(|i| {
                let took: Vec<Duration> =
                    self.customers.iter().filter_map(|c| c.steps.get(i)).map(|s| s.took).collect();
                let name = self.customers.iter().find_map(|c| c.steps.get(i)).map_or("", |s| s.name.as_str());
                (i, name, Spread::of(took))
            })
            .collect()
    }

    pub fn to_json(&self) -> Value {
        let spreads: serde_json::Map<String, Value> =
            self.spreads().into_iter().map(|(k, s)| (k.to_string(), s.map_or(Value::Null, |s| s.json()))).collect();
        let steps: Vec<Value> = self
            .step_spreads()
            .into_iter()
            .map(|(i, name, s)| json!({ "step": i + 1, "name": name, "took": s.map(|s| s.json()) }))
            .collect();
        let customers: Vec<Value> = self
            .customers
            .iter()
            .map(|c| {
                json!({ "n": c.n, "customer_id": c.customer_id, "outcome": c.outcome.label(),
                        "reason": c.outcome.reason(), "took_ms": c.took.as_millis() as u64,
                        "steps": c.steps.iter().map(|s| json!({ "step": s.index + 1, "name": s.name,
                                  "took_ms": s.took.as_secs_f64() * 1000.0 })).collect::<Vec<_>>() })
            })
            .collect();
        json!({
            "scenario": self.scenario, "run_id": self.run_id, "took_ms": self.took.as_millis() as u64,
            "customers": self.customers.len(), "passed": self.count("pass"), "failed": self.count("fail"),
            "errors": self.count("error"), "throttled": self.throttled, "retries": self.retries,
            "duplicates": self.duplicates, "timings": spreads, "steps": steps, "results": customers,
        })
    }

    /// JUnit XML: one testsuite, one testcase per customer, `<failure>` / `<error>` with the reason.
    pub fn to_junit(&self) -> String {
        let esc = |s: &str| quick_xml::escape::escape(s).into_owned();
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            xml,
            "<testsuites tests=\"{n}\" failures=\"{f}\" errors=\"{e}\" time=\"{t:.3}\">\n  <testsuite name=\"{name}\" tests=\"{n}\" failures=\"{f}\" errors=\"{e}\" time=\"{t:.3}\">",
            n = self.customers.len(),
            f = self.count("fail"),
            e = self.count("error"),
            t = self.took.as_secs_f64(),
            name = esc(&self.scenario),
        );
        for c in &self.customers {
            let _ = write!(
                xml,
                "    <testcase classname=\"{}\" name=\"customer {} ({})\" time=\"{:.3}\"",
                esc(&self.scenario),
                c.n,
                esc(&c.customer_id),
                c.took.as_secs_f64()
            );
            match &c.outcome {
                Outcome::Pass => xml.push_str("/>\n"),
                Outcome::Fail { .. } => {
                    let _ =
                        writeln!(xml, ">\n      <failure message=\"{}\"/>\n    </testcase>", esc(&c.outcome.reason()));
                }
                Outcome::Error { .. } => {
                    let _ =
                        writeln!(xml, ">\n      <error message=\"{}\"/>\n    </testcase>", esc(&c.outcome.reason()));
                }
            }
        }
        xml.push_str("  </testsuite>\n</testsuites>\n");
        xml
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreads_use_the_nearest_rank() {
        let ms = |v: u64| Duration::from_millis(v);
        let s = Spread::of((1..=100).map(ms).collect()).unwrap_or_else(|| panic!("values"));
        assert_eq!((s.p50, s.p95, s.p99, s.max), (ms(50), ms(95), ms(99), ms(100)));
        let one = Spread::of(vec![ms(7)]).unwrap_or_else(|| panic!("values"));
        assert_eq!((one.p50, one.p99), (ms(7), ms(7)));
        assert!(Spread::of(Vec::new()).is_none());
    }
}
