//! `send --follow`: the engine runs a listener for the account (history in
//! the home's database), posts the message, and reports each agent delivery
//! and each presence event of the conversation (notifications socket); this
//! prints them until the conversation ends or `--timeout`.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::FutureExt;
use serde_json::json;
use time::format_description::well_known::Rfc3339;

use super::{Post, print};
use crate::cli::listen::listener_addr;
use crate::cli::output::{delivery_json, delivery_line, out, printable, stop_signal, warn};
use crate::cli::{CliError, CliResult};
use crate::config::{Account, Paths};
use crate::engine::bind::local_url;
use crate::engine::command::ToastLevel;
use crate::engine::{self, Command, EngineConfig, Event, HeadlessEngine, HeadlessEvent, ListenerSetup, RequestId};
use crate::genesys::notifications::PresenceKind;
use crate::webhook::{ANY_ACCOUNT, Delivery, OutboundKind, OutboundMessage, WebhookAccount};

/// How long `--follow` waits for the wrap-up once agent and customer both left
/// (the emulator and a quick agent send it right away; a long after-call work
/// should not keep the command running).
const WRAP_UP_GRACE: Duration = Duration::from_secs(2);

/// `send --follow` options, resolved.
pub(super) struct Follow {
    pub bind: SocketAddr,
    pub any_path: bool,
    pub timeout: Duration,
    pub json: bool,
    /// `--reply-with N`: the option to pick in the first structured message.
    pub reply_with: Option<usize>,
}

/// Why following stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    WrapUp,
    CustomerLeft,
    Timeout,
    Interrupted,
}

impl End {
    fn as_str(self) -> &'static str {
        match self {
            End::WrapUp => "wrap-up",
            End::CustomerLeft => "customer-left",
            End::Timeout => "timeout",
            End::Interrupted => "interrupted",
        }
    }
}

/// What has been seen of the followed conversation.
#[derive(Debug, Default)]
struct Progress {
    customer_id: String,
    conversation_id: Option<String>,
    agent_replies: usize,
    agent_left: bool,
    /// The customer left after the agent: only the wrap-up may still come.
    customer_left: bool,
    end: Option<End>,
    /// Notification problems already printed (each once).
    reported: Vec<String>,
    /// `--reply-with`'s answer, once chosen: sent by the follow loop.
    answer: Option<(String, crate::genesys::types::structured::ButtonResponse)>,
    answered: bool,
}

impl Progress {
    /// A delivery about this customer or conversation (the listener may also
    /// receive other conversations of the same integration).
    fn concerns(&self, message: &OutboundMessage) -> bool {
        let same_customer = message.customer_id.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(&self.customer_id));
        let same_conversation =
            message.conversation_id.is_some() && message.conversation_id.as_deref() == self.conversation_id.as_deref();
        same_customer || same_conversation
    }
}

impl Follow {
    pub(super) async fn run(self, runtime: &tokio::runtime::Handle, paths: Paths, post: Post) -> CliResult {
        let mut webhook_account = WebhookAccount::from(&post.account);
        if self.any_path {
            webhook_account.name = ANY_ACCOUNT.to_string();
        }
        let mut config = EngineConfig::headless(paths, vec![post.account.clone()]);
        config.listener = Some(ListenerSetup { addr: self.bind, accounts: Some(vec![webhook_account]) });
        let mut engine = engine::spawn_headless(runtime, config);
        // Installed before anything is printed: a Ctrl-C from then on stops cleanly.
        let stop = stop_signal();
        tokio::pin!(stop);
        let fix = "send --follow takes its address from --listen 127.0.0.1:PORT (point the webhook there)";
        let local_base = match listener_addr(&mut engine, Some(fix)).await {
            Ok(addr) => local_url(addr),
            Err(e) => {
                engine.shutdown().await;
                return Err(e);
            }
        };
        let local_webhook = if self.any_path {
            format!("{local_base}/hooks/<name>")
        } else {
            format!("{local_base}{}", post.account.webhook_path())
        };
        print::announce(&post.account, &local_base, &local_webhook, self.any_path, self.json);

        let mut progress = Progress { customer_id: post.message.customer.id.clone(), ..Progress::default() };
        let outcome = self.follow(&mut engine, &post, &mut progress, &mut stop).await;
        // Deliveries already answered (e.g. the last reply racing the wrap-up) are still shown.
        for event in engine.shutdown().await {
            self.on_event(event, &mut progress);
        }
        outcome?;
        self.print_end(&progress);
        self.verdict(&progress, &post.account, &local_webhook)
    }

    /// Sends, then reports until the conversation ends, the timeout, or `stop`.
    async fn follow(
        &self,
        engine: &mut HeadlessEngine,
        post: &Post,
        progress: &mut Progress,
        stop: &mut std::pin::Pin<&mut impl Future<Output = ()>>,
    ) -> CliResult {
        if stop.as_mut().now_or_never().is_some() {
            return Err(CliError::Failed("interrupted before the message was sent".into()));
        }
        let request = RequestId(1);
        engine.send(post.command(request, true));
        // What arrives before Genesys' answer is shown after it.
        let mut early = Vec::new();
        let sent = tokio::select! {
            sent = super::sent(engine, request, |event| early.push(event)) => sent?,
            _ = stop.as_mut() => {
                return Err(CliError::Failed(
                    "interrupted while sending: the message may or may not have reached Genesys".into(),
                ));
            }
        };
        let (message, sent) = sent;
        print::sent(&sent, &message, self.json, true);
        progress.conversation_id = sent.conversation_id.clone();
        for event in early {
            self.on_event(event, progress);
        }

        let deadline = tokio::time::sleep(self.timeout);
        tokio::pin!(deadline);
        // Armed once both sides left: the wrap-up usually follows at once.
        let grace = tokio::time::sleep(self.timeout);
        tokio::pin!(grace);
        let mut grace_armed = false;
        while progress.end.is_none() {
            if progress.customer_left && !grace_armed {
                grace.as_mut().reset(tokio::time::Instant::now() + WRAP_UP_GRACE);
                grace_armed = true;
            }
            tokio::select! {
                _ = stop.as_mut() => progress.end = Some(End::Interrupted),
                _ = &mut deadline => progress.end = Some(End::Timeout),
                _ = &mut grace, if grace_armed => progress.end = Some(End::CustomerLeft),
                event = engine.next() => match event {
                    Some(event) => self.on_event(event, progress),
                    None => progress.end = Some(End::Interrupted),
                },
            }
            if let Some((originating_message_id, response)) = progress.answer.take() {
                let (env, account) = (crate::config::Environment::Development, post.account.name.clone());
                let customer_id = progress.customer_id.clone();
                engine.send(Command::SendButtonResponse {
                    env,
                    account,
                    customer_id,
                    originating_message_id,
                    response,
                });
            }
        }
        Ok(())
    }

    fn on_event(&self, event: Event, progress: &mut Progress) {
        match event {
            Event::Headless(HeadlessEvent::WebhookReceived(d)) => self.on_delivery(&d, progress),
            Event::Headless(HeadlessEvent::PresenceChanged { conversation_id, kind, at, text, .. }) => {
                if progress.conversation_id.as_deref() != Some(conversation_id.as_str()) {
                    return;
                }
                if self.json {
                    out(&json!({
                        "type": "presence",
                        "event": print::presence_name(&kind),
                        "text": text,
                        "conversation_id": conversation_id,
                        "at": at.format(&Rfc3339).unwrap_or_default(),
                    })
                    .to_string());
                } else {
                    out(&format!("{} {}", print::clock(at), printable(&text)));
                }
                match kind {
                    ref kind if kind.ends_conversation() => progress.end = Some(End::WrapUp),
                    PresenceKind::AgentLeft { .. } => progress.agent_left = true,
                    PresenceKind::CustomerLeft if progress.agent_left => progress.customer_left = true,
                    _ => {}
                }
            }
            Event::PresenceUnavailable { message, .. } => {
                report_once(progress, format!("{message} Agent replies still arrive through the webhook."))
            }
            Event::Headless(HeadlessEvent::NotificationsRetrying { error, .. }) => report_once(
                progress,
                format!(
                    "notifications (agent joined/left/wrap-up): {error}; retrying. Agent replies still arrive \
                     through the webhook."
                ),
            ),
            Event::Toast { level: ToastLevel::Warning, text } => warn("warning", &text),
            Event::Toast { level: ToastLevel::Error, text } => warn("error", &text),
            _ => {}
        }
    }

    fn on_delivery(&self, d: &Delivery, progress: &mut Progress) {
        let Some(m) = &d.message else {
            // Refused or unreadable: never an agent message, but the user must see why.
            eprintln!("webhook refused: {}", delivery_line(d));
            return;
        };
        if !progress.concerns(m) {
            return;
        }
        if progress.conversation_id.is_none() {
            progress.conversation_id = m.conversation_id.clone();
        }
        if matches!(m.kind, OutboundKind::Text | OutboundKind::Structured) && !d.duplicate {
            progress.agent_replies += 1;
        }
        if self.json {
            let mut value = delivery_json(d);
            value["type"] = json!("delivery");
            value["duplicate"] = json!(d.duplicate);
            out(&value.to_string());
        } else {
            out(&print::agent_line(d, m));
        }
        if m.kind == OutboundKind::Structured && !d.duplicate {
            self.structured(d, m, progress);
        }
    }

    /// The options of a structured message, numbered; `--reply-with N` picks one.
    fn structured(&self, d: &Delivery, m: &OutboundMessage, progress: &mut Progress) {
        let items = crate::model::structured::parse(&m.raw);
        let answers = crate::model::structured::answers(&items);
        if !self.json {
            for line in print::structured_lines(&items, &answers) {
                out(&line);
            }
        }
        let (Some(n), false, Some(id)) = (self.reply_with, progress.answered, m.id.clone()) else { return };
        progress.answered = true;
        match answers.get(n - 1).and_then(|(kind, text, payload)| print::button_response(kind, text, payload)) {
            Some(response) => {
                if !self.json {
                    out(&format!("{} customer picks {n}: {}", print::clock(d.traffic.at), printable(&response.text)));
                }
                progress.answer = Some((id, response));
            }
            None => warn("error", &format!("--reply-with {n}: the message has {} options", answers.len())),
        }
    }

    fn print_end(&self, progress: &Progress) {
        let end = progress.end.unwrap_or(End::Timeout);
        if self.json {
            out(&json!({"type": "end", "reason": end.as_str(), "agent_replies": progress.agent_replies}).to_string());
            return;
        }
        let why = match end {
            End::WrapUp => "conversation wrapped up".to_string(),
            End::CustomerLeft => "conversation ended".to_string(),
            End::Timeout => format!("stopped after {} s", self.timeout.as_secs()),
            End::Interrupted => "stopped (interrupted)".to_string(),
        };
        let replies = progress.agent_replies;
        out(&format!("{why}; {replies} agent repl{}", if replies == 1 { "y" } else { "ies" }));
    }

    /// Exit 0 only if an agent replied; otherwise say where the webhook must point.
    fn verdict(&self, progress: &Progress, account: &Account, local_webhook: &str) -> CliResult {
        if progress.agent_replies > 0 {
            return Ok(());
        }
        let why = match progress.end {
            Some(End::WrapUp) | Some(End::CustomerLeft) => "the conversation ended without an agent reply".to_string(),
            Some(End::Interrupted) => "stopped before an agent reply arrived".to_string(),
            Some(End::Timeout) | None => format!("no agent reply within {} s", self.timeout.as_secs()),
        };
        let target = account.public_webhook_url().map(|u| format!("{u} (your public tunnel to {local_webhook})"));
        Err(CliError::Failed(format!(
            "{why}: check that the integration's webhook URL points at this listener: {}",
            target.unwrap_or_else(|| local_webhook.to_string())
        )))
    }
}

/// Prints a notifications warning once per distinct text.
fn report_once(progress: &mut Progress, text: String) {
    if !progress.reported.contains(&text) {
        warn("warning", &text);
        progress.reported.push(text);
    }
}
