//! The channel's WebSocket: events, heartbeats, and the server closing it.

use std::time::{Duration, Instant};

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use tokio::sync::mpsc;

use super::{NotificationHub, Outgoing, channel_not_found};

pub(super) async fn open_socket(
    State(hub): State<NotificationHub>,
    Path(id): Path<String>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let (tx, rx) = mpsc::unbounded_channel();
    {
        let mut state = hub.lock();
        let Some(channel) = state.channels.get_mut(&id) else {
            return channel_not_found(&id);
        };
        channel.last_used = Instant::now();
        if let Some(old) = channel.socket.replace(tx) {
            let _ = old.send(Outgoing::Close);
        }
    }
    let heartbeat = hub.config.heartbeat;
    upgrade.on_upgrade(move |socket| serve_socket(hub, socket, rx, heartbeat))
}

async fn serve_socket(
    hub: NotificationHub,
    mut socket: WebSocket,
    mut rx: mpsc::UnboundedReceiver<Outgoing>,
    heartbeat: Duration,
) {
    let beat =
        json!({ "topicName": "channel.metadata", "eventBody": { "message": "WebSocket Heartbeat" } }).to_string();
    let mut ticker = tokio::time::interval(heartbeat);
    ticker.tick().await;
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Outgoing::Text(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Some(Outgoing::Close) | None => {
                    let _ = socket.send(Message::Close(None)).await;
                    return;
                }
            },
            _ = ticker.tick() => {
                let muted = hub.lock().muted;
                if !muted && socket.send(Message::Text(beat.clone().into())).await.is_err() {
                    return;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}
