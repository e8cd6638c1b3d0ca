//! Binding and serving the listener, with graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::router::{ListenerHandle, ListenerState, router};
use super::{DeliverySink, ListenerConfig, MediaError, MediaStore};
use crate::storage::WriterHandle;

/// Why the listener could not start.
#[derive(Debug, thiserror::Error)]
pub enum ListenError {
    #[error(
        "cannot listen on {addr}: {source} (is another genesys-desk or program using that port? pick another with --bind)"
    )]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("listener media: {0}")]
    Media(#[from] MediaError),
}

/// Starts listeners.
pub struct Listener;

impl Listener {
    /// Binds `bind` and serves the webhook routes until [`RunningListener::shutdown`].
    /// Binding all interfaces (`0.0.0.0`, `::`) works but returns a warning.
    pub async fn start(
        bind: SocketAddr,
        config: ListenerConfig,
        writer: WriterHandle,
        sink: DeliverySink,
    ) -> Result<RunningListener, ListenError> {
        let state = ListenerState::new(config, writer, sink).await?;
        let tcp =
            tokio::net::TcpListener::bind(bind).await.map_err(|source| ListenError::Bind { addr: bind, source })?;
        let addr = tcp.local_addr().map_err(|source| ListenError::Bind { addr: bind, source })?;
        let warning = bind.ip().is_unspecified().then(|| {
            format!(
                "the listener accepts connections on every network interface ({addr}): anyone who can reach this \
                 machine can post deliveries and fetch media; prefer 127.0.0.1 behind a tunnel"
            )
        });
        if let Some(w) = &warning {
            tracing::warn!("{w}");
        }
        let handle = state.handle();
        let cancel = CancellationToken::new();
        let app = router(state);
        let stop = cancel.clone();
        let task = tokio::spawn(async move {
            // With the peer address, so the router can tell local callers (router::local_caller).
            axum::serve(tcp, app.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await
        });
        Ok(RunningListener { addr, warning, handle, cancel, task })
    }
}

/// A listener that is serving.
#[derive(Debug)]
pub struct RunningListener {
    addr: SocketAddr,
    warning: Option<String>,
    handle: ListenerHandle,
    cancel: CancellationToken,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningListener {
    /// The bound address (the real port when bound to port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The all-interfaces warning, if the bind address deserves one.
    pub fn warning(&self) -> Option<&str> {
        self.warning.as_deref()
    }

    /// Changes accounts / registers media while running.
    pub fn handle(&self) -> ListenerHandle {
        self.handle.clone()
    }

    /// The media files served at `/media/{id}`.
    pub fn media(&self) -> Arc<MediaStore> {
        self.handle.media()
    }

    /// Stops accepting, lets in-flight requests finish, and waits for the server task.
    pub async fn shutdown(self) {
        self.cancel.cancel();
        match self.task.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!("listener stopped with an error: {e}"),
            Err(e) => tracing::warn!("listener task failed: {e}"),
        }
    }
}
