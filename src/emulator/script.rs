//! Knobs for the scripted agent, so scenarios can exercise what real agents
//! and queues do: wait in queue, answer slowly or never, transfer, leave
//! without wrap-up, and deliveries Genesys has to retry.

use std::time::Duration;

/// How the emulator's agent behaves beyond its fixed delays.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentScript {
    /// The reply delay is drawn between `agent_reply_delay` and this (None: fixed).
    pub reply_delay_max: Option<Duration>,
    /// Time in queue before an agent joins a new conversation.
    pub queue_wait: Duration,
    /// False: conversations are queued and no agent ever joins or answers.
    pub answers: bool,
    /// After its first reply the agent transfers the conversation to a second agent.
    pub transfers: bool,
    /// False: after "bye" the agent leaves, but no wrap-up or customer end follows.
    pub wraps_up: bool,
    /// Share of webhook attempts (0–1) whose acknowledgement Genesys does not
    /// get, so it retries them: the listener sees the same delivery again.
    pub webhook_failure_rate: f64,
}

impl Default for AgentScript {
    fn default() -> Self {
        AgentScript {
            reply_delay_max: None,
            queue_wait: Duration::ZERO,
            answers: true,
            transfers: false,
            wraps_up: true,
            webhook_failure_rate: 0.0,
        }
    }
}

impl AgentScript {
    /// The reply delay to use now: `base`, or a uniform draw up to the max.
    pub fn reply_delay(&self, base: Duration) -> Duration {
        match self.reply_delay_max.filter(|max| *max > base) {
            Some(max) => base + (max - base).mul_f64(fastrand::f64()),
            None => base,
        }
    }

    /// Whether this webhook attempt's acknowledgement is lost.
    pub fn fails_attempt(&self) -> bool {
        self.webhook_failure_rate > 0.0 && fastrand::f64() < self.webhook_failure_rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reply_delay_stays_in_its_range() {
        let ms = Duration::from_millis;
        let script = AgentScript { reply_delay_max: Some(ms(200)), ..AgentScript::default() };
        assert!((0..200).map(|_| script.reply_delay(ms(100))).all(|d| (ms(100)..=ms(200)).contains(&d)));
        assert_eq!(AgentScript::default().reply_delay(ms(100)), ms(100));
        assert!(!AgentScript::default().fails_attempt());
        assert!(AgentScript { webhook_failure_rate: 1.0, ..AgentScript::default() }.fails_attempt());
    }
}
