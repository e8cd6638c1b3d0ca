//! Fault modes: the listener misbehaves on purpose, so integrators can watch
//! what Genesys does when their webhook is slow or failing (it waits 10 s,
//! retries timeouts, 429 and 5xx up to 5 times 5 s apart, and gives up on
//! other 4xx: https://developer.genesys.cloud/commdigital/digital/openmessaging/validate.html).
//! A fault applies to valid deliveries only; it is off unless asked for and never stored.

use std::str::FromStr;
use std::time::Duration;

use axum::http::StatusCode;

/// How the listener answers a valid delivery instead of `200`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Always this status (e.g. 429, 500, 503).
    Status(u16),
    /// `200`, but only after this long (past Genesys' 10 s timeout: it retries).
    Delay(Duration),
    /// `status` for the first `attempts` attempts of each delivery, then `200`.
    FailFirst { attempts: u32, status: u16 },
    /// Close the connection without answering (Genesys sees a failed connection and retries).
    Drop,
}

/// A connection's hang-up: cancelling it closes that connection without an answer.
#[derive(Debug, Clone, Default)]
pub struct Hangup(pub tokio_util::sync::CancellationToken);

impl Fault {
    /// The answer to attempt `attempt` (1 = first): its status and how long to wait before it.
    pub fn answer(self, attempt: u32) -> (StatusCode, Duration) {
        let status = |code: u16| StatusCode::from_u16(code).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        match self {
            Fault::Status(code) => (status(code), Duration::ZERO),
            Fault::Delay(delay) => (StatusCode::OK, delay),
            Fault::FailFirst { attempts, status: code } if attempt <= attempts => (status(code), Duration::ZERO),
            Fault::FailFirst { .. } => (StatusCode::OK, Duration::ZERO),
            // Never sent: the connection is closed instead.
            Fault::Drop => (StatusCode::SERVICE_UNAVAILABLE, Duration::ZERO),
        }
    }

    /// What the traffic row says about an answer this fault gave.
    pub fn explain(self, status: StatusCode, attempt: u32) -> String {
        match self {
            Fault::Delay(delay) => format!("fault mode: answered after {} s on purpose", delay.as_secs_f32()),
            Fault::Drop => {
                format!("fault mode drop: attempt {attempt}: connection closed without an answer on purpose")
            }
            _ if status == StatusCode::OK => format!("fault mode {self}: attempt {attempt} accepted"),
            _ => format!("fault mode {self}: attempt {attempt} answered {} on purpose", status.as_u16()),
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Status(code) => write!(f, "{code}"),
            Fault::Delay(delay) => write!(f, "delay:{}", humantime::format_duration(*delay)),
            Fault::FailFirst { attempts, status } => write!(f, "fail-first:{attempts}:{status}"),
            Fault::Drop => write!(f, "drop"),
        }
    }
}

/// `429`, `500`, `503` (any 4xx/5xx), `delay:12s`, `fail-first:2` (503) or `fail-first:2:429`.
impl FromStr for Fault {
    type Err = String;

    fn from_str(text: &str) -> Result<Fault, String> {
        let help = "write 429, 500 or 503 (any 4xx/5xx status), delay:12s, drop, fail-first:2 or fail-first:2:429";
        let code = |t: &str| match t.trim().parse::<u16>() {
            Ok(code) if (400..600).contains(&code) => Ok(code),
            _ => Err(format!("fault \"{text}\": \"{t}\" is not a 4xx or 5xx status: {help}")),
        };
        let text = text.trim();
        if text == "drop" {
            return Ok(Fault::Drop);
        }
        if let Some(delay) = text.strip_prefix("delay:") {
            let delay = humantime::parse_duration(delay.trim())
                .map_err(|e| format!("fault \"{text}\": \"{delay}\" is not a duration ({e}): {help}"))?;
            return Ok(Fault::Delay(delay));
        }
        if let Some(rest) = text.strip_prefix("fail-first:") {
            let (count, status) = rest.split_once(':').map_or((rest, None), |(c, s)| (c, Some(s)));
            let attempts = count
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("fault \"{text}\": \"{count}\" is not a number of attempts: {help}"))?;
            let status = status.map(code).transpose()?.unwrap_or(503);
            return Ok(Fault::FailFirst { attempts, status });
        }
        code(text).map(Fault::Status)
    }
}

/// The answer `fault` gives stored delivery `traffic` on its `attempt`, and
/// how long to wait before sending it; the row is rewritten with that answer.
pub(super) async fn answer(
    fault: Fault,
    attempt: u32,
    traffic: &mut crate::model::TrafficEntry,
    writer: &crate::storage::WriterHandle,
) -> (axum::response::Response, Duration) {
    use axum::response::IntoResponse;
    let (status, delay) = fault.answer(attempt);
    let explanation = fault.explain(status, attempt);
    let latency = traffic.latency_us.unwrap_or(0).saturating_add(crate::model::traffic::micros(delay));
    // A dropped connection is recorded as a 503 row: no answer was sent (the note says so).
    traffic.status = Some(status.as_u16());
    traffic.latency_us = Some(latency);
    traffic.explanation = Some(explanation.clone());
    if let Some(id) = traffic.id {
        let code = status.as_u16();
        let update = explanation.clone();
        if let Err(e) = writer.run(move |db| db.set_traffic_answer(id, code, latency, &update)).await {
            tracing::warn!("fault answer of traffic row {id} not stored: {e}");
        }
    }
    ((status, explanation).into_response(), delay)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_read_and_answer_by_attempt() {
        let fail: Fault = "fail-first:2".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fail, Fault::FailFirst { attempts: 2, status: 503 });
        assert_eq!(fail.answer(2).0, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(fail.answer(3).0, StatusCode::OK);
        assert_eq!("429".parse::<Fault>(), Ok(Fault::Status(429)));
        assert_eq!("delay:12s".parse::<Fault>(), Ok(Fault::Delay(Duration::from_secs(12))));
        assert_eq!("fail-first:1:500".parse::<Fault>(), Ok(Fault::FailFirst { attempts: 1, status: 500 }));
        assert_eq!("drop".parse::<Fault>(), Ok(Fault::Drop));
        for bad in ["200", "fail-first:0", "delay:soon", "teapot"] {
            assert!(bad.parse::<Fault>().is_err_and(|e| e.contains("write 429")), "{bad}");
        }
        assert_eq!(fail.to_string(), "fail-first:2:503");
    }
}
