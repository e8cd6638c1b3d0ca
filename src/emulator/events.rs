//! What the emulator records and reports: the requests it handled, each
//! agent message's delivery attempts and outcome, and its event stream (the
//! `emulator` command prints it, `--json` as one object per event).

/// One request the emulator handled.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RequestRecord {
    pub method: String,
    /// Path and query.
    pub path: String,
    pub status: u16,
    pub latency_ms: u64,
}

/// How a webhook delivery ended.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum DeliveryOutcome {
    /// The webhook answered 2xx.
    Delivered { status: u16 },
    /// Retries exhausted on timeouts, connection failures, 429 or 5xx;
    /// `last` says what happened.
    GaveUp { last: String },
    /// The webhook answered a 4xx other than 429: Genesys does not retry
    /// those, and the agent message is marked failed.
    Rejected { status: u16 },
    /// The integration has no webhook URL.
    NoWebhook,
}

/// One agent message and its delivery attempts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryRecord {
    /// The outbound payload `id`.
    pub message_id: String,
    /// `Typing`, `Text` or `Image`.
    pub kind: String,
    pub customer_id: String,
    pub url: Option<String>,
    pub attempts: u32,
    pub outcome: DeliveryOutcome,
}

/// What the emulator reports as it works (the CLI prints these; `--json`:
/// one object per event, its kind in `"event"`).
#[derive(Debug, Clone, serde::Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EmulatorEvent {
    Request(RequestRecord),
    DeliveryAttempt {
        kind: String,
        url: String,
        attempt: u32,
        result: String,
    },
    Delivery(DeliveryRecord),
    /// The agent left: the customer's conversation disconnected. A message
    /// within the threading timeline continues it.
    ConversationEnded {
        customer_id: String,
        conversation_id: String,
    },
}
