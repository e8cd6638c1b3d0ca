//! One simulated customer: where it is in the steps, what it has seen of
//! its conversation, and whether the current expectation is met. Pure state:
//! the run loop feeds it events and asks it what to do next.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::model::{ExpectReply, ReceiptStatus, Step};
use super::report::{Outcome, StepResult};

/// What the conversation has shown so far (consumed as expectations match).
#[derive(Debug, Default)]
pub struct Seen {
    pub joined: Option<Instant>,
    pub left: Option<Instant>,
    pub ended: Option<Instant>,
    /// Agent replies not yet matched: (when, text).
    pub replies: VecDeque<(Instant, String)>,
    /// Replies already matched (what an expectation that fails reports).
    pub matched: Vec<String>,
    pub typing: usize,
    pub receipts: VecDeque<String>,
    /// The Genesys id of the agent's latest reply (for `fail_last_reply`).
    pub last_reply_id: Option<String>,
    pub first_reply: Option<Instant>,
}

/// An expectation's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Met,
    Waiting,
}

impl Seen {
    /// Whether `step` (an expectation) is met now; consumes what it matched.
    pub fn check(&mut self, step: &Step) -> Check {
        let met = match step {
            Step::ExpectAgentJoined(_) => self.joined.is_some(),
            Step::ExpectAgentLeft(_) => self.left.is_some(),
            Step::ExpectConversationEnd(_) => self.ended.is_some(),
            Step::ExpectTyping(_) => {
                let met = self.typing > 0;
                self.typing = self.typing.saturating_sub(1);
                met
            }
            Step::ExpectReply(expect) => self.take_reply(expect),
            Step::ExpectReceipt(expect) => self.take_receipt(expect.status),
            _ => true,
        };
        if met { Check::Met } else { Check::Waiting }
    }

    /// The first unmatched reply `expect` accepts, and every reply before it, are consumed.
    fn take_reply(&mut self, expect: &ExpectReply) -> bool {
        let Some(at) = self.replies.iter().position(|(_, text)| reply_matches(expect, text)) else { return false };
        for (_, text) in self.replies.drain(..=at) {
            self.matched.push(text);
        }
        true
    }

    fn take_receipt(&mut self, status: ReceiptStatus) -> bool {
        let Some(at) = self.receipts.iter().position(|s| s.eq_ignore_ascii_case(status.as_str())) else {
            return false;
        };
        self.receipts.drain(..=at);
        true
    }

    /// What came instead, for a failed expectation.
    pub fn what_came(&self, step: &Step) -> String {
        match step {
            Step::ExpectReply(_) if self.replies.is_empty() => "no agent reply".into(),
            Step::ExpectReply(_) => {
                let texts: Vec<String> = self.replies.iter().map(|(_, t)| format!("{t:?}")).collect();
                format!("agent replies {}", texts.join(", "))
            }
            Step::ExpectReceipt(_) if self.receipts.is_empty() => "no receipt".into(),
            Step::ExpectReceipt(_) => format!("receipts {}", Vec::from(self.receipts.clone()).join(", ")),
            Step::ExpectAgentJoined(_) => "no agent joined (notifications: agent presence)".into(),
            Step::ExpectAgentLeft(_) => "the agent did not leave".into(),
            Step::ExpectConversationEnd(_) => "the conversation did not end (no wrap-up or customer end)".into(),
            Step::ExpectTyping(_) => "no agent typing event".into(),
            _ => String::new(),
        }
    }
}

fn reply_matches(expect: &ExpectReply, text: &str) -> bool {
    expect.contains.as_deref().is_none_or(|c| text.contains(c))
        && expect.matches.as_ref().is_none_or(|r| r.is_match(text))
}

/// What an expectation asked for, in words.
pub fn expected(step: &Step) -> String {
    let within = step.within().map(|w| format!(" within {}", humantime::format_duration(w))).unwrap_or_default();
    match step {
        Step::ExpectReply(e) => {
            let mut what = "an agent reply".to_string();
            if let Some(c) = &e.contains {
                what.push_str(&format!(" containing {c:?}"));
            }
            if let Some(r) = &e.matches {
                what.push_str(&format!(" matching /{}/", r.as_str()));
            }
            format!("{what}{within}")
        }
        Step::ExpectReceipt(e) => format!("a {} receipt{within}", e.status.as_str()),
        Step::ExpectTyping(_) => format!("agent typing{within}"),
        Step::ExpectAgentJoined(_) => format!("an agent to join{within}"),
        Step::ExpectAgentLeft(_) => format!("the agent to leave{within}"),
        Step::ExpectConversationEnd(_) => format!("the conversation to end{within}"),
        other => other.name().to_string(),
    }
}

/// Where a customer is.
#[derive(Debug, PartialEq, Eq)]
pub enum Phase {
    /// Not started (waits for a concurrency slot).
    Queued,
    /// At a step: it starts when the pacing allows.
    Ready,
    /// An API call of the current step is on its way.
    Sending,
    /// A `wait` until then.
    Sleeping(Instant),
    /// An expectation until its deadline.
    Expecting(Instant),
    Done,
}

/// One simulated customer.
#[derive(Debug)]
pub struct Sim {
    pub n: usize,
    pub customer_id: String,
    pub step: usize,
    pub phase: Phase,
    pub step_started: Option<Instant>,
    pub started: Option<Instant>,
    /// When its first message was posted (timings start there).
    pub first_sent: Option<Instant>,
    pub conversation_id: Option<String>,
    pub seen: Seen,
    pub steps: Vec<StepResult>,
    pub outcome: Option<Outcome>,
    pub finished: Option<Instant>,
}

impl Sim {
    pub fn new(n: usize, customer_id: String) -> Sim {
        Sim {
            n,
            customer_id,
            step: 0,
            phase: Phase::Queued,
            step_started: None,
            started: None,
            first_sent: None,
            conversation_id: None,
            seen: Seen::default(),
            steps: Vec::new(),
            outcome: None,
            finished: None,
        }
    }

    /// The current step is done: record it and move on (done after the last).
    pub fn next_step(&mut self, steps: &[Step], now: Instant) {
        let took = self.step_started.map_or(Duration::ZERO, |s| now.saturating_duration_since(s));
        self.steps.push(StepResult { index: self.step, name: steps[self.step].name().to_string(), took });
        self.step += 1;
        self.step_started = Some(now);
        if self.step >= steps.len() {
            self.finish(Outcome::Pass);
        } else {
            self.phase = Phase::Ready;
        }
    }

    pub fn finish(&mut self, outcome: Outcome) {
        self.phase = Phase::Done;
        self.outcome.get_or_insert(outcome);
        self.finished.get_or_insert_with(Instant::now);
    }

    /// Time from the first message to `at`.
    pub fn since_first_sent(&self, at: Option<Instant>) -> Option<Duration> {
        Some(at?.saturating_duration_since(self.first_sent?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::{ExpectReceipt, Within};

    fn reply(contains: Option<&str>, matches: Option<&str>) -> Step {
        Step::ExpectReply(ExpectReply {
            contains: contains.map(str::to_string),
            matches: matches.map(|m| regex::Regex::new(m).unwrap_or_else(|e| panic!("{e}"))),
            within: Duration::from_secs(1),
        })
    }

    #[test]
    fn a_reply_expectation_consumes_the_first_match_and_what_came_before() {
        let now = Instant::now();
        let mut seen = Seen::default();
        seen.replies.extend([(now, "Hello".to_string()), (now, "Sorry about that".into()), (now, "Bye".into())]);
        assert_eq!(seen.check(&reply(None, Some("(?i)sorry"))), Check::Met);
        assert_eq!(seen.replies.len(), 1, "Hello and the match are consumed");
        assert_eq!(seen.check(&reply(Some("Sorry"), None)), Check::Waiting, "already consumed");
        assert_eq!(seen.what_came(&reply(Some("x"), None)), "agent replies \"Bye\"");
    }

    #[test]
    fn presence_and_typing_expectations() {
        let mut seen = Seen::default();
        let joined = Step::ExpectAgentJoined(Within::default());
        assert_eq!(seen.check(&joined), Check::Waiting);
        seen.joined = Some(Instant::now());
        assert_eq!(seen.check(&joined), Check::Met);
        let typing = Step::ExpectTyping(Within::default());
        seen.typing = 1;
        assert_eq!(seen.check(&typing), Check::Met);
        assert_eq!(seen.check(&typing), Check::Waiting, "one typing event meets one expectation");
    }

    #[test]
    fn a_receipt_expectation_wants_its_status() {
        let mut seen = Seen::default();
        seen.receipts.push_back("Failed".into());
        let delivered = Step::ExpectReceipt(ExpectReceipt { status: ReceiptStatus::Delivered, within: Duration::ZERO });
        assert_eq!(seen.check(&delivered), Check::Waiting);
        seen.receipts.push_back("Delivered".into());
        assert_eq!(seen.check(&delivered), Check::Met);
        assert!(expected(&delivered).starts_with("a Delivered receipt"));
    }
}
