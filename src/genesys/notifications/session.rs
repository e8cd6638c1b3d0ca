//! The long-running notifications session: one channel per session, reused
//! for as long as it lives.
//!
//! - A dropped, silent or closing socket is reopened on the **same channel**
//!   (its subscriptions stay on the server); a new channel is created only
//!   when the old one expired or is gone (404), so a session never piles up
//!   channels (Genesys keeps 20 per client and evicts the oldest).
//! - A failing subscription call never drops the channel: it is retried on the
//!   same channel with backoff.
//! - After subscribing a conversation, its current participants are fetched
//!   once, because Genesys does not replay events sent before the subscription.

use std::collections::HashSet;
use std::time::Duration;

use futures_util::StreamExt;
use time::OffsetDateTime;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_util::sync::CancellationToken;

use super::tracking::{Seen, Timeline, Watched};
use super::{
    ApiError, CONVERSATION_TOPICS, Channel, ChannelTopic, NotificationsApi, NotifierEvent, PresenceEvent,
    SOCKET_CLOSING_TOPIC, SessionOptions, WatchCommand, conversation_topic, parse_message, rejection_message,
    snapshot_events,
};

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Why serving a socket stopped.
enum SocketEnd {
    Cancelled,
    /// The channel is about to expire: make a new one.
    Renew,
    /// The channel is gone (404): make a new one.
    ChannelGone(String),
    /// The socket died or is closing: open a new socket on the same channel,
    /// after `backoff` when it failed, at once when Genesys announced it.
    Reopen {
        error: String,
        backoff: bool,
    },
}

struct State<'a, A: NotificationsApi> {
    api: &'a A,
    options: &'a SessionOptions,
    events: &'a mpsc::UnboundedSender<NotifierEvent>,
    watched: Watched,
    seen: Seen,
    timeline: Timeline,
    /// Permission sets already reported (one message per distinct refusal).
    rejections: HashSet<String>,
    /// Subscriptions failed on the live channel: retry the full list at this time.
    resubscribe_at: Option<Instant>,
    subscribe_backoff: Duration,
}

/// Runs a notifications session until `cancel` fires or `commands` closes.
pub async fn run_session<A: NotificationsApi>(
    api: A,
    options: SessionOptions,
    mut commands: mpsc::UnboundedReceiver<WatchCommand>,
    events: mpsc::UnboundedSender<NotifierEvent>,
    cancel: CancellationToken,
) {
    let mut state = State {
        api: &api,
        options: &options,
        events: &events,
        watched: Watched::default(),
        seen: Seen::default(),
        timeline: Timeline::default(),
        rejections: HashSet::new(),
        resubscribe_at: None,
        subscribe_backoff: options.backoff_initial,
    };
    let mut channel: Option<(Channel, Instant)> = None;
    let mut backoff = options.backoff_initial;
    loop {
        let (current, renew_at, new_channel) = match channel.take() {
            Some((c, renew_at)) if Instant::now() < renew_at => (c, renew_at, false),
            _ => match api.create_channel().await {
                Ok(c) => {
                    let renew_at = Instant::now() + lifetime_of(&c, &options);
                    (c, renew_at, true)
                }
                Err(e) => {
                    let error = format!("creating the notification channel failed: {e}");
                    if !state.wait(error, &mut backoff, &cancel).await {
                        return;
                    }
                    continue;
                }
            },
        };
        let socket = match tokio_tungstenite::connect_async(current.connect_uri.as_str()).await {
            Ok((socket, _)) => socket,
            Err(e) => {
                let gone = matches!(&e, tungstenite::Error::Http(r) if r.status().as_u16() == 404);
                if !gone {
                    channel = Some((current, renew_at));
                }
                if !state.wait(format!("opening the notification socket failed: {e}"), &mut backoff, &cancel).await {
                    return;
                }
                continue;
            }
        };
        if new_channel && state.watched.topic_count() > 0 {
            match state.subscribe_all(&current.id).await {
                Ok(()) => {}
                Err(e) if e.channel_gone() => {
                    let error = format!("the new notification channel is already gone: {e}");
                    if !state.wait(error, &mut backoff, &cancel).await {
                        return;
                    }
                    continue;
                }
                Err(e) => state.subscribe_failed(format!("subscribing to conversation events failed: {e}")),
            }
        }
        let topics = state.watched.topic_count();
        let _ = events.send(NotifierEvent::Connected { channel_id: current.id.clone(), topics, new_channel });
        // Events sent while no socket was open are not replayed: read who is connected now.
        state.fill_in(&state.watched.live()).await;
        match state.serve(socket, &current, renew_at, &mut commands, &cancel, &mut backoff).await {
            SocketEnd::Cancelled => return,
            SocketEnd::Renew => backoff = options.backoff_initial,
            SocketEnd::ChannelGone(error) => {
                if !state.wait(error, &mut backoff, &cancel).await {
                    return;
                }
            }
            SocketEnd::Reopen { error, backoff: failed } => {
                channel = Some((current, renew_at));
                if failed && !state.wait(error, &mut backoff, &cancel).await {
                    return;
                }
            }
        }
    }
}

impl<A: NotificationsApi> State<'_, A> {
    /// Reports a disconnection and waits `backoff` (doubled for next time).
    /// False when cancelled meanwhile.
    async fn wait(&self, error: String, backoff: &mut Duration, cancel: &CancellationToken) -> bool {
        let _ = self.events.send(NotifierEvent::Disconnected { error, retry_in: *backoff });
        let wait = *backoff;
        *backoff = (*backoff * 2).min(self.options.backoff_max);
        tokio::select! {
            _ = cancel.cancelled() => false,
            _ = tokio::time::sleep(wait) => true,
        }
    }

    async fn serve(
        &mut self,
        mut socket: Socket,
        channel: &Channel,
        renew_at: Instant,
        commands: &mut mpsc::UnboundedReceiver<WatchCommand>,
        cancel: &CancellationToken,
        backoff: &mut Duration,
    ) -> SocketEnd {
        let mut last_frame = Instant::now();
        let end = loop {
            let silent_at = last_frame + self.options.silence_timeout;
            let resubscribe_at = self.resubscribe_at;
            tokio::select! {
                _ = cancel.cancelled() => break SocketEnd::Cancelled,
                _ = tokio::time::sleep_until(renew_at) => break SocketEnd::Renew,
                _ = tokio::time::sleep_until(silent_at) => break SocketEnd::Reopen {
                    error: format!("no heartbeat from the notification socket for {} s", self.options.silence_timeout.as_secs()),
                    backoff: false,
                },
                _ = sleep_until_some(resubscribe_at) => {
                    self.resubscribe_at = None;
                    if let Some(end) = self.retry_subscriptions(&channel.id).await {
                        break end;
                    }
                }
                command = commands.recv() => match command {
                    None => break SocketEnd::Cancelled,
                    Some(command) => if let Some(end) = self.on_command(&channel.id, command).await {
                        break end;
                    },
                },
                message = socket.next() => {
                    last_frame = Instant::now();
                    if let Some(end) = self.on_frame(message, backoff) {
                        break end;
                    }
                }
            }
        };
        let _ = socket.close(None).await;
        end
    }

    fn on_frame(
        &mut self,
        message: Option<Result<Message, tungstenite::Error>>,
        backoff: &mut Duration,
    ) -> Option<SocketEnd> {
        let reopen = |error: String| Some(SocketEnd::Reopen { error, backoff: true });
        match message {
            None => reopen("the notification socket closed".into()),
            Some(Err(e)) => reopen(format!("the notification socket failed: {e}")),
            Some(Ok(Message::Close(frame))) => {
                let reason = frame.map(|f| f.reason.to_string()).unwrap_or_default();
                reopen(format!("the notification socket was closed by the server {reason}").trim_end().to_string())
            }
            Some(Ok(Message::Text(text))) => {
                // A frame got through: the connection works again.
                *backoff = self.options.backoff_initial;
                self.on_text(text.as_str())
            }
            Some(Ok(_)) => None,
        }
    }

    fn on_text(&mut self, text: &str) -> Option<SocketEnd> {
        if text.contains("\"channel.metadata\"") {
            let _ = self.events.send(NotifierEvent::Heartbeat);
            return None;
        }
        if text.contains(SOCKET_CLOSING_TOPIC) {
            return Some(SocketEnd::Reopen { error: "Genesys announced the socket is closing".into(), backoff: false });
        }
        match parse_message(text) {
            Ok(Some(event)) if self.seen.first_time(text) => self.report(event),
            Ok(_) => {}
            Err(e) => tracing::debug!("ignoring a notification: {e}"),
        }
        None
    }

    fn report(&mut self, event: PresenceEvent) {
        if event.kind.ends_conversation() {
            self.watched.mark_ended(&event.conversation_id);
        }
        if self.timeline.admit(&event) {
            let _ = self.events.send(NotifierEvent::Presence(event));
        }
    }

    async fn on_command(&mut self, channel_id: &str, command: WatchCommand) -> Option<SocketEnd> {
        let result = match command {
            WatchCommand::Watch(conversation_id) => match self.watched.add(&conversation_id, self.options.topic_cap) {
                Ok(evicted) if evicted.is_empty() => {
                    let new: Vec<String> =
                        CONVERSATION_TOPICS.iter().map(|s| conversation_topic(&conversation_id, s)).collect();
                    self.subscribe(channel_id, &new, false).await.map(|()| Some(conversation_id))
                }
                Ok(_) => self.subscribe_all(channel_id).await.map(|()| Some(conversation_id)),
                Err(message) => {
                    let _ = self.events.send(NotifierEvent::WatchFailed { conversation_id, message });
                    Ok(None)
                }
            },
            WatchCommand::Unwatch(conversation_id) if self.watched.remove(&conversation_id) => {
                self.subscribe_all(channel_id).await.map(|()| None)
            }
            WatchCommand::Unwatch(_) => Ok(None),
        };
        match result {
            Ok(Some(conversation_id)) => {
                self.fill_in(&[conversation_id]).await;
                None
            }
            Ok(None) => None,
            Err(e) if e.channel_gone() => {
                Some(SocketEnd::ChannelGone(format!("the notification channel is gone: {e}")))
            }
            Err(e) => {
                self.subscribe_failed(format!("subscribing to conversation events failed: {e}"));
                None
            }
        }
    }

    async fn retry_subscriptions(&mut self, channel_id: &str) -> Option<SocketEnd> {
        match self.subscribe_all(channel_id).await {
            Ok(()) => {
                self.subscribe_backoff = self.options.backoff_initial;
                self.fill_in(&self.watched.live()).await;
                None
            }
            Err(e) if e.channel_gone() => {
                Some(SocketEnd::ChannelGone(format!("the notification channel is gone: {e}")))
            }
            Err(e) => {
                self.subscribe_failed(format!("subscribing to conversation events failed: {e}"));
                None
            }
        }
    }

    fn subscribe_failed(&mut self, error: String) {
        let retry_in = self.subscribe_backoff;
        self.subscribe_backoff = (self.subscribe_backoff * 2).min(self.options.backoff_max);
        self.resubscribe_at = Some(Instant::now() + retry_in);
        let _ = self.events.send(NotifierEvent::SubscribeFailed { error, retry_in });
    }

    async fn subscribe_all(&mut self, channel_id: &str) -> Result<(), ApiError> {
        let topics = self.watched.topics();
        self.subscribe(channel_id, &topics, true).await
    }

    async fn subscribe(&mut self, channel_id: &str, topics: &[String], replace: bool) -> Result<(), ApiError> {
        let answer = if replace {
            self.api.replace_subscriptions(channel_id, topics).await?
        } else {
            self.api.add_subscriptions(channel_id, topics).await?
        };
        self.report_rejections(&answer);
        Ok(())
    }

    fn report_rejections(&mut self, topics: &[ChannelTopic]) {
        for topic in topics.iter().filter(|t| t.is_rejected()) {
            let key = format!("{:?}|{:?}", topic.missing_permissions, topic.rejection_reason);
            if self.rejections.insert(key) {
                let _ = self.events.send(NotifierEvent::Rejected {
                    topic: topic.id.clone(),
                    missing_permissions: topic.missing_permissions.clone(),
                    message: rejection_message(topic),
                });
            }
        }
    }

    /// Fetches who is connected in each conversation and reports what the
    /// timeline does not show yet. A failure only costs the fill-in.
    async fn fill_in(&mut self, conversation_ids: &[String]) {
        for conversation_id in conversation_ids {
            match self.api.conversation(conversation_id).await {
                Ok(snapshot) => {
                    for event in snapshot_events(conversation_id, &snapshot) {
                        self.report(event);
                    }
                }
                Err(e) => tracing::debug!("conversation {conversation_id} not fetched: {e}"),
            }
        }
    }
}

async fn sleep_until_some(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

fn lifetime_of(channel: &Channel, options: &SessionOptions) -> Duration {
    let lifetime = channel
        .expires
        .as_deref()
        .and_then(|e| OffsetDateTime::parse(e, &time::format_description::well_known::Rfc3339).ok())
        .map(|exp| exp - OffsetDateTime::now_utc())
        .and_then(|d| Duration::try_from(d).ok())
        .unwrap_or(options.default_lifetime);
    lifetime.saturating_sub(options.renew_before_expiry).max(Duration::from_secs(1))
}
