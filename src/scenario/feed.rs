//! The engine's events, each handed to the customer it concerns: Genesys'
//! answers by request, deliveries by customer id, presence by conversation.

use std::time::{Duration, Instant};

use super::report::Outcome;
use super::run::Run;
use super::sim::Phase;
use crate::engine::command::{Event, HeadlessEvent, RequestId};
use crate::genesys::notifications::PresenceKind;
use crate::webhook::{Delivery, OutboundKind};

impl Run<'_> {
    pub(super) fn on_event(&mut self, event: Event) {
        let now = Instant::now();
        match event {
            Event::Headless(HeadlessEvent::MessageSent { request, result, .. }) => {
                let conversation = result.as_ref().ok().and_then(|sent| sent.conversation_id.clone());
                self.answered(request, result.map(|_| ()).map_err(|f| f.to_string()), conversation, now);
            }
            Event::Headless(HeadlessEvent::CustomerActed { request, result }) => {
                self.answered(request, result.map_err(|f| f.to_string()), None, now);
            }
            Event::Headless(HeadlessEvent::WebhookReceived(delivery)) => self.delivered(&delivery, now),
            Event::Headless(HeadlessEvent::PresenceChanged { conversation_id, kind, .. }) => {
                let Some(&i) = self.by_conversation.get(&conversation_id) else { return };
                let seen = &mut self.sims[i].seen;
                match kind {
                    PresenceKind::AgentJoined { .. } => {
                        seen.joined.get_or_insert(now);
                    }
                    PresenceKind::AgentLeft { .. } => {
                        seen.left.get_or_insert(now);
                    }
                    PresenceKind::WrapUp { .. } | PresenceKind::CustomerLeft => {
                        seen.ended.get_or_insert(now);
                    }
                    _ => {}
                }
                if self.timings[i].agent_joined.is_none() {
                    self.timings[i].agent_joined = self.sims[i].since_first_sent(self.sims[i].seen.joined);
                }
            }
            Event::TrafficRecorded(entry) if entry.status == Some(429) => self.report.throttled += 1,
            _ => {}
        }
    }

    /// Genesys answered customer `request`'s API call.
    fn answered(&mut self, request: RequestId, result: Result<(), String>, conversation: Option<String>, now: Instant) {
        let Some(i) = self.by_request.remove(&request.0) else { return };
        if let Some(conversation) = conversation {
            self.by_conversation.insert(conversation.clone(), i);
            self.sims[i].conversation_id.get_or_insert(conversation);
        }
        let steps = self.steps();
        let sim = &mut self.sims[i];
        if sim.phase != Phase::Sending {
            return;
        }
        match result {
            Ok(()) => sim.next_step(steps, now),
            Err(message) => {
                let (step, name) = (sim.step, steps[sim.step].name());
                sim.finish(Outcome::Error { step, name: name.to_string(), message });
            }
        }
    }

    fn delivered(&mut self, delivery: &Delivery, now: Instant) {
        let Some(message) = &delivery.message else { return };
        let Some(&i) = message.customer_id.as_deref().and_then(|c| self.by_customer.get(c)) else { return };
        if delivery.duplicate {
            self.report.duplicates += 1;
            return;
        }
        if delivery.attempt > 1 {
            self.report.retries += 1;
        }
        if let Some(conversation) = &message.conversation_id {
            self.by_conversation.insert(conversation.clone(), i);
        }
        let seen = &mut self.sims[i].seen;
        match &message.kind {
            kind if kind.is_typing() => seen.typing += 1,
            OutboundKind::Text | OutboundKind::Structured => {
                seen.replies.push_back((now, message.summary()));
                seen.last_reply_id = message.id.clone().or(seen.last_reply_id.take());
                seen.first_reply.get_or_insert(now);
                let timings = &mut self.timings[i];
                if let Some(sent) = message.sent_at() {
                    let delay = delivery.traffic.at - sent;
                    timings.delivery_delays.push(delay.try_into().unwrap_or(Duration::ZERO));
                }
                if timings.first_reply.is_none() {
                    timings.first_reply = self.sims[i].since_first_sent(self.sims[i].seen.first_reply);
                }
            }
            OutboundKind::Receipt { status: Some(status), .. } => seen.receipts.push_back(status.clone()),
            _ => {}
        }
    }
}
