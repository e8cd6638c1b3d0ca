//! `genesys-desk send`: the "raise ticket" fields become the customer and
//! custom attributes; prints the Genesys message id and conversation id.
//!
//! With `--follow` it first starts a webhook listener for the account (history
//! in the home's database), sends, then prints each agent delivery and each
//! presence event of the conversation (notifications socket) as they arrive,
//! until the conversation ends or `--timeout`; exit 0 only if an agent replied.
//! A local `--image` file needs that listener: it serves the file at `/media/<id>`.

use std::io::Write;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use futures_util::FutureExt;
use serde_json::json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::listen::{delivery_json, delivery_line};
use super::verify::{AccountArgs, WEBHOOK_SECRET_ENV, resolve_account};
use super::{CliError, CliResult};
use crate::config::defaults::LISTENER_ADDR;
use crate::config::{Account, Paths};
use crate::genesys::notifications::{NotifierEvent, PresenceKind, SessionOptions, WatchCommand, run_session};
use crate::genesys::{Client, ClientOptions, ImageRef, InboundMessage, SentMessage, TicketDraft};
use crate::model::traffic::TrafficSink;
use crate::model::{Direction, SignatureVerdict, TrafficEntry};
use crate::storage::{Db, Writer, WriterHandle};
use crate::webhook::{
    ANY_ACCOUNT, Delivery, ListenError, Listener, ListenerConfig, OutboundKind, OutboundMessage, RunningListener,
    WebhookAccount, public_media_url,
};

#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub target: AccountArgs,
    /// Customer email (mandatory): also the customer id.
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub mobile: Option<String>,
    #[arg(long)]
    pub query: Option<String>,
    #[arg(long)]
    pub priority: Option<String>,
    /// Message text (defaults to the query).
    #[arg(long)]
    pub text: Option<String>,
    /// Image as a public URL, or (with --follow) a local file the listener serves at /media.
    #[arg(long)]
    pub image: Option<String>,
    /// Extra custom attribute KEY=VALUE (repeatable).
    #[arg(long = "attr", value_name = "KEY=VALUE")]
    pub attrs: Vec<String>,
    #[arg(long)]
    pub json: bool,
    /// --follow and its options (boxed: keeps the clap command enum small).
    #[command(flatten)]
    pub follow: Box<FollowArgs>,
}

/// `send --follow` options.
#[derive(Debug, Args)]
pub struct FollowArgs {
    /// Keep running after the send: start a webhook listener and print agent
    /// replies and agent joined/left/wrap-up events until the conversation ends.
    #[arg(long)]
    pub follow: bool,
    /// With --follow: give up after this many seconds.
    #[arg(long, value_name = "SECS", default_value_t = 120, requires = "follow")]
    pub timeout: u64,
    /// With --follow: listener bind address (default 127.0.0.1:8787; port 0 picks a free one).
    #[arg(long, value_name = "ADDR", requires = "follow")]
    pub listen: Option<String>,
}

/// What `--image` names: a public URL, or a local file the `--follow`
/// listener serves at `/media/<id>`.
#[derive(Debug)]
enum ImageArg {
    Url(ImageRef),
    Local(PathBuf),
}

fn image_arg(image: &str, follow: bool) -> Result<ImageArg, CliError> {
    let lower = image.trim().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        return ImageRef::from_url(image)
            .map(ImageArg::Url)
            .map_err(|e| CliError::Usage(format!("--image: {}", e.user_message())));
    }
    if !follow {
        // Genesys downloads attachments itself, so a local file needs a server
        // that outlives the send: only the --follow listener is one.
        return Err(CliError::Usage(format!(
            "--image \"{image}\" is a local file: Genesys downloads attachments by public URL. Add --follow so this command \
             runs a listener that serves the file (at the account's public webhook base URL, or locally for the \
             emulator), or pass a public --image https://..."
        )));
    }
    let path = PathBuf::from(image);
    if !path.is_file() {
        return Err(CliError::Usage(format!(
            "--image \"{image}\": no such file: give the path of an image file, or a public https:// URL"
        )));
    }
    Ok(ImageArg::Local(path))
}

pub fn run(home: Option<PathBuf>, args: SendArgs) -> CliResult {
    let draft = TicketDraft {
        email: args.email.clone(),
        name: args.name.clone().unwrap_or_default(),
        mobile: args.mobile.clone().unwrap_or_default(),
        query: args.query.clone().unwrap_or_default(),
        priority: args.priority.clone().unwrap_or_default(),
        text: args.text.clone().unwrap_or_default(),
        attrs: args.attrs.clone(),
    };
    let ticket = draft
        .parse()
        .map_err(|errors| CliError::Usage(errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("\n")))?;
    for warning in &ticket.warnings {
        eprintln!("warning: {warning}");
    }
    let image = args.image.as_deref().map(|i| image_arg(i, args.follow.follow)).transpose()?;
    let account = resolve_account(home.clone(), &args.target)?;
    let message = InboundMessage {
        customer: ticket.customer.clone(),
        text: Some(ticket.text.clone()),
        image: None,
        custom_attributes: ticket.custom_attributes.clone(),
    };
    if args.follow.follow {
        let bind_text = args.follow.listen.clone().unwrap_or_else(|| LISTENER_ADDR.to_string());
        let bind: SocketAddr = bind_text.parse().map_err(|_| {
            CliError::Usage(format!("--listen \"{bind_text}\" is not an address: use IP:PORT, e.g. {LISTENER_ADDR}"))
        })?;
        if let Some(ImageArg::Local(path)) = &image {
            media_base_check(&account, path)?;
        }
        let paths = Paths::resolve(home.as_deref()).map_err(CliError::Failed)?;
        let follow = Follow {
            paths,
            bind,
            // The explicit --host form has no stored name, so its listener accepts
            // whatever /hooks/<name> the integration's webhook URL uses.
            any_path: args.target.account.is_none(),
            timeout: Duration::from_secs(args.follow.timeout),
            json: args.json,
        };
        let runtime =
            crate::runtime::build().map_err(|e| CliError::Failed(format!("cannot start the runtime: {e}")))?;
        return runtime.block_on(follow.run(account, message, image));
    }
    let message = InboundMessage {
        image: match image {
            Some(ImageArg::Url(image)) => Some(image),
            _ => None,
        },
        ..message
    };
    let runtime = crate::runtime::build().map_err(|e| CliError::Failed(format!("cannot start the runtime: {e}")))?;
    let client =
        Client::new(&account, ClientOptions::default(), None).map_err(|e| CliError::Failed(e.user_message()))?;
    let sent = runtime.block_on(client.send_message(&message)).map_err(|e| CliError::Failed(e.user_message()))?;
    print_sent(&sent, &message, args.json, false);
    Ok(())
}

fn print_sent(sent: &SentMessage, message: &InboundMessage, json: bool, typed: bool) {
    if json {
        let mut value = json!({
            "ok": true,
            "messageId": sent.id,
            "conversationId": sent.conversation_id,
            "correlationId": sent.correlation_id,
            "customerId": message.customer.id,
            "customAttributes": message.custom_attributes,
        });
        if typed {
            value["type"] = json!("sent");
            value["image"] = json!(message.image.as_ref().map(|i| i.url.clone()));
        }
        out(&value.to_string());
    } else {
        out(&format!("message id:      {}", sent.id));
        out(&format!("conversation id: {}", sent.conversation_id.as_deref().unwrap_or("(not returned)")));
        out(&format!("customer id:     {} ({})", message.customer.id, message.customer.id_type));
        if let Some(c) = &sent.correlation_id {
            out(&format!("correlation id:  {c}"));
        }
        if let Some(image) = &message.image {
            out(&format!("image URL:       {}", image.url));
        }
    }
}

/// One stdout line, flushed at once (scripts and tests read it live).
fn out(line: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(stdout, "{line}");
    let _ = stdout.flush();
}

/// A local image is fetched by Genesys from the account's public base URL; only
/// a custom (local) host such as the emulator can fetch it from the listener itself.
fn media_base_check(account: &Account, path: &Path) -> Result<(), CliError> {
    if account.public_webhook_base.is_none() && account.host.region().is_some() {
        return Err(CliError::Usage(format!(
            "--image {}: Genesys Cloud fetches images by public URL, and {} has no public webhook base URL. \
             Set it to your tunnel's https address (genesys-desk accounts add ... --public-webhook-base https://...) \
             so the listener can serve the file, or pass a public --image https://...",
            path.display(),
            account.name
        )));
    }
    Ok(())
}

/// How long `--follow` waits for the wrap-up once agent and customer both left
/// (the emulator and a quick agent send it right away; a long after-call work
/// should not keep the command running).
const WRAP_UP_GRACE: Duration = Duration::from_secs(2);

/// `send --follow`: listener + notifications session around one send.
struct Follow {
    paths: Paths,
    bind: SocketAddr,
    any_path: bool,
    timeout: Duration,
    json: bool,
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
    async fn run(self, account: Account, mut message: InboundMessage, image: Option<ImageArg>) -> CliResult {
        let db_path = self.paths.history_db();
        let db = Db::open(&db_path).with_context(|| format!("opening the history {}", db_path.display()))?;
        let writer = Writer::spawn(db).context("starting the history writer")?;
        let mut webhook_account = WebhookAccount::from(&account);
        if self.any_path {
            webhook_account.name = ANY_ACCOUNT.to_string();
        }
        let (sink, mut deliveries) = mpsc::unbounded_channel();
        let config = ListenerConfig::new(vec![webhook_account], self.paths.media_dir());
        let listener = Listener::start(self.bind, config, writer.clone(), sink).await.map_err(|e| match e {
            ListenError::Bind { addr, source } => CliError::Failed(format!(
                "cannot listen on {addr}: {source} (is `genesys-desk listen` or the app already using that port? \
                 stop it, or pick another with --listen 127.0.0.1:PORT and point the webhook there)"
            )),
            other => CliError::Failed(other.to_string()),
        })?;
        if let Some(w) = listener.warning() {
            eprintln!("warning: {w}");
        }
        let local_base = local_base(listener.addr());
        let local_webhook = if self.any_path {
            format!("{local_base}/hooks/<name>")
        } else {
            format!("{local_base}{}", account.webhook_path())
        };
        self.announce(&account, &local_base, &local_webhook);

        let outcome =
            self.follow(&account, &mut message, image, &listener, &local_base, &writer, &mut deliveries).await;
        listener.shutdown().await;
        writer.flush().await.map_err(|e| CliError::Failed(format!("history: {e}")))?;
        let progress = outcome?;
        if progress.agent_replies > 0 {
            return Ok(());
        }
        let secs = self.timeout.as_secs();
        let why = match progress.end {
            Some(End::WrapUp) | Some(End::CustomerLeft) => "the conversation ended without an agent reply".to_string(),
            Some(End::Interrupted) => "stopped before an agent reply arrived".to_string(),
            Some(End::Timeout) | None => format!("no agent reply within {secs} s"),
        };
        let target = account.public_webhook_url().map(|u| format!("{u} (your public tunnel to {local_webhook})"));
        Err(CliError::Failed(format!(
            "{why}: check that the integration's webhook URL points at this listener: {}",
            target.unwrap_or(local_webhook)
        )))
    }

    fn announce(&self, account: &Account, local_base: &str, local_webhook: &str) {
        let public = account.public_webhook_url();
        if self.json {
            out(&json!({
                "type": "listening",
                "listen": local_base,
                "local_webhook_url": local_webhook,
                "webhook_url": public.clone().unwrap_or_else(|| local_webhook.to_string()),
            })
            .to_string());
            return;
        }
        out(&format!("listening on {local_base}"));
        match public {
            Some(url) => {
                out(&format!("webhook URL:     {url} (Genesys calls this; your tunnel forwards it to {local_webhook})"))
            }
            None if self.any_path => out(&format!(
                "webhook URL:     {local_webhook} (any name; signatures checked with {WEBHOOK_SECRET_ENV})"
            )),
            None if account.host.region().is_none() => out(&format!("webhook URL:     {local_webhook}")),
            None => out(&format!(
                "webhook URL:     {local_webhook} (Genesys Cloud only calls https on port 443: put a tunnel in front \
                 and set the account's public webhook base URL)"
            )),
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn follow(
        &self,
        account: &Account,
        message: &mut InboundMessage,
        image: Option<ImageArg>,
        listener: &RunningListener,
        local_base: &str,
        writer: &WriterHandle,
        deliveries: &mut mpsc::UnboundedReceiver<Delivery>,
    ) -> Result<Progress, CliError> {
        message.image = match image {
            Some(ImageArg::Url(image)) => Some(image),
            Some(ImageArg::Local(path)) => {
                let base = account.public_webhook_base.clone().unwrap_or_else(|| local_base.to_string());
                Some(serve_image(listener, &base, &path).await?)
            }
            None => None,
        };
        let (traffic_tx, mut traffic) = mpsc::unbounded_channel::<TrafficEntry>();
        let sink: TrafficSink = Arc::new(move |entry| {
            let _ = traffic_tx.send(entry);
        });
        let client = Client::new(account, ClientOptions::default(), Some(sink))
            .map_err(|e| CliError::Failed(e.user_message()))?;

        // The socket opens while the message is sent, so the conversation's
        // events are subscribed as soon as its id is known.
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let (events_tx, mut events) = mpsc::unbounded_channel();
        let cancel = CancellationToken::new();
        let session = tokio::spawn(run_session(
            client.clone(),
            SessionOptions::default(),
            commands_rx,
            events_tx,
            cancel.clone(),
        ));
        let _stop_session = cancel.clone().drop_guard();

        // Polled once now so the signal handlers are installed before anything
        // is printed: a Ctrl-C from then on stops cleanly instead of killing.
        let stop = super::listen::stop_signal();
        tokio::pin!(stop);
        if (&mut stop).now_or_never().is_some() {
            return Err(CliError::Failed("interrupted before the message was sent".into()));
        }
        let sent = tokio::select! {
            sent = client.send_message(message) => sent,
            _ = &mut stop => {
                store_traffic(writer, &mut traffic).await;
                return Err(CliError::Failed("interrupted while sending: the message may or may not have reached Genesys".into()));
            }
        };
        let sent = match sent {
            Ok(sent) => sent,
            Err(e) => {
                store_traffic(writer, &mut traffic).await;
                return Err(CliError::Failed(e.user_message()));
            }
        };
        print_sent(&sent, message, self.json, true);
        let mut progress = Progress {
            customer_id: message.customer.id.clone(),
            conversation_id: sent.conversation_id.clone(),
            ..Progress::default()
        };
        if let Some(id) = &progress.conversation_id {
            let _ = commands.send(WatchCommand::Watch(id.clone()));
        }

        let deadline = tokio::time::sleep(self.timeout);
        tokio::pin!(deadline);
        // Armed once both sides left: the wrap-up usually follows at once.
        let grace = tokio::time::sleep(self.timeout);
        tokio::pin!(grace);
        let mut grace_armed = false;
        let mut reported_errors: Vec<String> = Vec::new();
        while progress.end.is_none() {
            if progress.customer_left && !grace_armed {
                grace.as_mut().reset(tokio::time::Instant::now() + WRAP_UP_GRACE);
                grace_armed = true;
            }
            tokio::select! {
                _ = &mut stop => progress.end = Some(End::Interrupted),
                _ = &mut deadline => progress.end = Some(End::Timeout),
                _ = &mut grace, if grace_armed => progress.end = Some(End::CustomerLeft),
                Some(entry) = traffic.recv() => store_one(writer, entry).await,
                Some(delivery) = deliveries.recv() => {
                    self.on_delivery(&delivery, &mut progress, &commands);
                }
                Some(event) = events.recv() => {
                    self.on_event(event, &mut progress, writer, account, &mut reported_errors).await;
                }
            }
        }
        cancel.cancel();
        let _ = session.await;
        // Deliveries already answered (e.g. the last reply racing the wrap-up) are still shown.
        while let Ok(delivery) = deliveries.try_recv() {
            self.on_delivery(&delivery, &mut progress, &commands);
        }
        store_traffic(writer, &mut traffic).await;
        let end = progress.end.unwrap_or(End::Timeout);
        if self.json {
            out(&json!({"type": "end", "reason": end.as_str(), "agent_replies": progress.agent_replies}).to_string());
        } else {
            let why = match end {
                End::WrapUp => "conversation wrapped up".to_string(),
                End::CustomerLeft => "conversation ended".to_string(),
                End::Timeout => format!("stopped after {} s", self.timeout.as_secs()),
                End::Interrupted => "stopped (interrupted)".to_string(),
            };
            out(&format!(
                "{why}; {} agent repl{}",
                progress.agent_replies,
                if progress.agent_replies == 1 { "y" } else { "ies" }
            ));
        }
        Ok(progress)
    }

    fn on_delivery(&self, d: &Delivery, progress: &mut Progress, commands: &mpsc::UnboundedSender<WatchCommand>) {
        let Some(m) = &d.message else {
            // Refused or unreadable: never an agent message, but the user must see why.
            eprintln!("webhook refused: {}", delivery_line(d));
            return;
        };
        if !progress.concerns(m) {
            return;
        }
        if progress.conversation_id.is_none()
            && let Some(id) = &m.conversation_id
        {
            progress.conversation_id = Some(id.clone());
            let _ = commands.send(WatchCommand::Watch(id.clone()));
        }
        let is_reply = matches!(m.kind, OutboundKind::Text | OutboundKind::Structured) && !d.duplicate;
        if is_reply {
            progress.agent_replies += 1;
        }
        if self.json {
            let mut value = delivery_json(d);
            value["type"] = json!("delivery");
            value["duplicate"] = json!(d.duplicate);
            out(&value.to_string());
        } else {
            out(&agent_line(d, m));
        }
    }

    async fn on_event(
        &self,
        event: NotifierEvent,
        progress: &mut Progress,
        writer: &WriterHandle,
        account: &Account,
        reported: &mut Vec<String>,
    ) {
        match event {
            NotifierEvent::Presence(p) => {
                if progress.conversation_id.as_deref() != Some(p.conversation_id.as_str()) {
                    return;
                }
                if !p.from_snapshot {
                    let mut entry = TrafficEntry::new(Direction::Socket, &account.name, "WS", &p.topic);
                    entry.at = p.at;
                    entry.response_body = p.raw.clone();
                    store_one(writer, entry).await;
                }
                let text = p.kind.describe(None);
                if self.json {
                    out(&json!({
                        "type": "presence",
                        "event": presence_name(&p.kind),
                        "text": text,
                        "conversation_id": p.conversation_id,
                        "at": p.at.format(&Rfc3339).unwrap_or_default(),
                    })
                    .to_string());
                } else {
                    out(&format!("{} {text}", clock(p.at)));
                }
                match p.kind {
                    ref kind if kind.ends_conversation() => progress.end = Some(End::WrapUp),
                    PresenceKind::AgentLeft { .. } => progress.agent_left = true,
                    PresenceKind::CustomerLeft if progress.agent_left => progress.customer_left = true,
                    _ => {}
                }
            }
            NotifierEvent::Rejected { message, .. } => {
                if !reported.contains(&message) {
                    eprintln!("warning: {message} Agent replies still arrive through the webhook.");
                    reported.push(message);
                }
            }
            NotifierEvent::SubscribeFailed { error, .. } | NotifierEvent::Disconnected { error, .. } => {
                if !reported.contains(&error) {
                    eprintln!(
                        "warning: notifications (agent joined/left/wrap-up): {error}; retrying. Agent replies \
                         still arrive through the webhook."
                    );
                    reported.push(error);
                }
            }
            NotifierEvent::WatchFailed { message, .. } => eprintln!("warning: {message}"),
            NotifierEvent::Connected { .. } | NotifierEvent::Heartbeat => {}
        }
    }
}

/// Registers a local image with the listener's media store and returns its public reference.
async fn serve_image(listener: &RunningListener, base: &str, path: &Path) -> Result<ImageRef, CliError> {
    let id = listener
        .media()
        .register(path)
        .await
        .map_err(|e| CliError::Failed(format!("--image {}: {e}", path.display())))?;
    let url = public_media_url(base, &id);
    let mut image = ImageRef::from_url(&url).map_err(|e| CliError::Failed(e.user_message()))?;
    if let Some(mime) = mime_guess::from_path(path).first() {
        image.mime = mime.essence_str().to_string();
    }
    image.filename = path.file_name().map(|f| f.to_string_lossy().into_owned());
    Ok(image)
}

/// `http://ADDR` the listener answers on; an all-interfaces bind is reached through loopback.
fn local_base(addr: SocketAddr) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv4() { Ipv4Addr::LOCALHOST.into() } else { Ipv6Addr::LOCALHOST.into() });
    }
    format!("http://{addr}")
}

fn presence_name(kind: &PresenceKind) -> &'static str {
    match kind {
        PresenceKind::Queued { .. } => "queued",
        PresenceKind::AgentJoined { .. } => "agent_joined",
        PresenceKind::AgentLeft { .. } => "agent_left",
        PresenceKind::WrapUp { .. } => "wrap_up",
        PresenceKind::CustomerLeft => "customer_left",
        PresenceKind::Other { .. } => "other",
    }
}

fn clock(at: OffsetDateTime) -> String {
    format!("{:02}:{:02}:{:02}", at.hour(), at.minute(), at.second())
}

/// "12:00:03 agent: "Hello" <url> [signature valid]".
fn agent_line(d: &Delivery, m: &OutboundMessage) -> String {
    let mut line = format!("{} ", clock(d.traffic.at));
    match &m.kind {
        OutboundKind::Text | OutboundKind::Structured => {
            line.push_str("agent:");
            if let Some(text) = m.text.as_deref().filter(|t| !t.is_empty()) {
                line.push_str(&format!(" {text:?}"));
            }
            for a in &m.attachments {
                let name = a.filename.as_deref().map(|f| format!("{f} ")).unwrap_or_default();
                line.push_str(&format!(" [{} {name}<{}>]", a.media_type.to_lowercase(), a.url));
            }
        }
        OutboundKind::Event(_) if m.kind.name() == "typing" => line.push_str("agent is typing"),
        _ => line.push_str(&format!("agent {}: {}", m.kind.name(), m.summary())),
    }
    let verdict = if d.accepted_unsigned {
        "ACCEPTED UNSIGNED".to_string()
    } else {
        match d.traffic.verdict {
            Some(SignatureVerdict::NoSecretConfigured) => "not verified: no webhook secret".to_string(),
            Some(v) => format!("signature {}", v.as_str()),
            None => "signature -".to_string(),
        }
    };
    line.push_str(&format!(" [{verdict}]"));
    if d.attempt > 1 {
        line.push_str(&format!(" (attempt {}{})", d.attempt, if d.duplicate { ", duplicate" } else { "" }));
    }
    line
}

async fn store_one(writer: &WriterHandle, entry: TrafficEntry) {
    if let Err(e) = writer.insert_traffic(entry).await {
        tracing::warn!("traffic not stored: {e}");
    }
}

async fn store_traffic(writer: &WriterHandle, traffic: &mut mpsc::UnboundedReceiver<TrafficEntry>) {
    while let Ok(entry) = traffic.try_recv() {
        store_one(writer, entry).await;
    }
}
