//! Genesys' webhook delivery rules, in one place for the emulator's agent and
//! `genesys-desk deliver`: each attempt waits up to the timeout (10 s); a
//! timeout, connection failure, 429 or 5xx is retried up to 5 times, 5 s apart;
//! any other 4xx is final; 2xx is delivered
//! (https://developer.genesys.cloud/commdigital/digital/openmessaging/validate.html).

use std::time::Duration;

use super::DeliveryOutcome;
use crate::webhook::signature::{SIGNATURE_HEADER, sign};

/// Timeout per attempt, retries after the first, pause between attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryRules {
    pub timeout: Duration,
    pub retries: u32,
    pub delay: Duration,
}

impl Default for RetryRules {
    fn default() -> Self {
        RetryRules { timeout: Duration::from_secs(10), retries: 5, delay: Duration::from_secs(5) }
    }
}

/// One attempt as it went: its number, when it started, what came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub number: u32,
    pub started: Duration,
    pub result: String,
}

/// Posts `body` signed with `secret` to `url` as Genesys does. `lose_ack`
/// says whether this attempt's 2xx is to be treated as lost (fault
/// injection); `on_attempt` sees each attempt. Returns the attempts and the outcome.
pub async fn post_like_genesys(
    http: &reqwest::Client,
    url: &str,
    secret: &str,
    body: &[u8],
    rules: RetryRules,
    mut lose_ack: impl FnMut() -> bool,
    mut on_attempt: impl FnMut(&Attempt),
) -> (u32, DeliveryOutcome) {
    let signature = sign(secret, body);
    let started = tokio::time::Instant::now();
    let mut last = String::new();
    for number in 1..=1 + rules.retries {
        let at = started.elapsed();
        let sent = http
            .post(url)
            .timeout(rules.timeout)
            .header("Content-Type", "application/json")
            .header(SIGNATURE_HEADER, &signature)
            .body(body.to_vec())
            .send()
            .await;
        let (retryable, outcome) = match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                last = format!("HTTP {status}");
                match status {
                    200..=299 if lose_ack() => {
                        last = format!("HTTP {status} (acknowledgement lost by fault injection)");
                        (true, None)
                    }
                    200..=299 => (false, Some(DeliveryOutcome::Delivered { status })),
                    429 | 500..=599 => (true, None),
                    _ => (false, Some(DeliveryOutcome::Rejected { status })),
                }
            }
            Err(e) if e.is_timeout() => {
                last = format!("no answer within {} s", rules.timeout.as_secs_f32());
                (true, None)
            }
            Err(e) => {
                last = format!("connection failed: {}", root_cause(&e));
                (true, None)
            }
        };
        on_attempt(&Attempt { number, started: at, result: last.clone() });
        if let Some(outcome) = outcome {
            return (number, outcome);
        }
        if !retryable {
            break;
        }
        if number <= rules.retries {
            tokio::time::sleep(rules.delay).await;
        }
    }
    (1 + rules.retries, DeliveryOutcome::GaveUp { last })
}

fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    cause
}
