//! Binding and serving the listener, with graceful shutdown.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use http_body_util::{BodyStream, StreamBody};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

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

/// How long the listener waits on a client, how many connections it holds, and
/// how long shutdown waits. Genesys posts a small body at once and gives up
/// after 10 s, so the defaults are generous for it and short for stuck clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerLimits {
    /// From the moment a connection waits for a request (just opened, or its
    /// previous answer sent) until that request's headers are complete.
    pub header_read_timeout: Duration,
    /// From a request's headers until its whole body is read.
    pub body_read_timeout: Duration,
    /// A connection that moves no byte either way for this long is closed.
    pub idle_timeout: Duration,
    /// Connections served at once; further ones wait in the accept queue.
    /// `None`: below the process's open-files limit ([`default_max_connections`]).
    pub max_connections: Option<usize>,
    /// After shutdown starts, how long open requests may still finish.
    pub shutdown_grace: Duration,
}

impl Default for ListenerLimits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            max_connections: None,
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

impl ListenerLimits {
    /// The same limits with every duration at most a year, so adding one to
    /// "now" cannot overflow (a huge value means "no limit" in practice).
    fn bounded(self) -> Self {
        let year = |d: Duration| d.min(Duration::from_secs(365 * 24 * 3600));
        Self {
            header_read_timeout: year(self.header_read_timeout),
            body_read_timeout: year(self.body_read_timeout),
            idle_timeout: year(self.idle_timeout),
            max_connections: self.max_connections,
            shutdown_grace: year(self.shutdown_grace),
        }
    }
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
        let limits = config.limits.bounded();
        let state = ListenerState::new(config, writer, sink).await?;
        let tcp = TcpListener::bind(bind).await.map_err(|source| ListenError::Bind { addr: bind, source })?;
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
        let app = router(state)
            .layer(axum::middleware::from_fn(move |req, next| body_deadline(req, next, limits.body_read_timeout)));
        let task = tokio::spawn(serve(tcp, app, limits, cancel.clone()));
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
    task: JoinHandle<()>,
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

    /// Stops accepting, lets in-flight requests finish for at most
    /// [`ListenerLimits::shutdown_grace`], then closes what is left.
    pub async fn shutdown(self) {
        self.cancel.cancel();
        if let Err(e) = self.task.await {
            tracing::warn!("listener task failed: {e}");
        }
    }
}

/// Room kept below the open-files limit for the database, media files, HTTP
/// clients and (in the app) the window, when the cap comes from that limit.
const FD_HEADROOM: u64 = 64;
/// The cap when the open-files limit is unknown (macOS' default limit is 256).
const FALLBACK_MAX_CONNECTIONS: usize = 192;
/// Never more than this many connections: Genesys posts a few at a time.
const MAX_MAX_CONNECTIONS: usize = 1024;

/// The connection cap when none is configured: the soft open-files limit
/// (`RLIMIT_NOFILE`) less headroom, at least a quarter of it, at most 1024.
pub fn default_max_connections() -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").ok();
    max_connections_for(limits.as_deref().and_then(soft_open_files_limit))
}

/// The soft "Max open files" of a `/proc/<pid>/limits` text (see proc(5),
/// <https://man7.org/linux/man-pages/man5/proc_pid_limits.5.html>); `u64::MAX` for "unlimited".
pub fn soft_open_files_limit(proc_limits: &str) -> Option<u64> {
    let line = proc_limits.lines().find_map(|l| l.strip_prefix("Max open files"))?;
    match line.split_whitespace().next()? {
        "unlimited" => Some(u64::MAX),
        soft => soft.parse().ok(),
    }
}

/// The cap for a soft open-files limit (`None`: unknown).
pub fn max_connections_for(soft_limit: Option<u64>) -> usize {
    let Some(soft) = soft_limit else { return FALLBACK_MAX_CONNECTIONS };
    let cap = soft.saturating_sub(FD_HEADROOM).max(soft / 4).max(1);
    usize::try_from(cap).unwrap_or(MAX_MAX_CONNECTIONS).min(MAX_MAX_CONNECTIONS)
}

/// Accepts connections while fewer than the cap are open, serves each with the
/// timeouts, and on `cancel` stops accepting and closes them within the grace.
async fn serve(tcp: TcpListener, app: Router, limits: ListenerLimits, cancel: CancellationToken) {
    let cap = limits.max_connections.unwrap_or_else(default_max_connections).clamp(1, Semaphore::MAX_PERMITS);
    let permits = Arc::new(Semaphore::new(cap));
    // HTTP/1 only, as axum::serve without its `http2` feature served before.
    let mut builder = auto::Builder::new(TokioExecutor::new()).http1_only();
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read_timeout);
    let builder = Arc::new(builder);
    let connections = TaskTracker::new();
    let abort = CancellationToken::new();
    loop {
        // Past the cap, new connections wait in the kernel's accept queue.
        let permit = tokio::select! {
            () = cancel.cancelled() => break,
            permit = Arc::clone(&permits).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            () = cancel.cancelled() => break,
            accepted = tcp.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!("listener cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        // With the peer address, so the router can tell local callers (router::local_caller).
        // The hang-up lets a fault mode drop this connection without an answer.
        let hangup = super::fault::Hangup::default();
        let app =
            app.clone().layer(axum::Extension(axum::extract::ConnectInfo(peer))).layer(axum::Extension(hangup.clone()));
        let conn = Connection { builder: Arc::clone(&builder), app, idle: limits.idle_timeout, hangup };
        let (stop, abort) = (cancel.clone(), abort.clone());
        connections.spawn(async move {
            conn.run(stream, stop, abort).await;
            drop(permit);
        });
    }
    drop(tcp);
    connections.close();
    if tokio::time::timeout(limits.shutdown_grace, connections.wait()).await.is_err() {
        tracing::warn!(
            "listener: {} connection(s) still open {:?} after shutdown began; closing them",
            connections.len(),
            limits.shutdown_grace
        );
        abort.cancel();
        connections.wait().await;
    }
}

/// One accepted connection and what it is served with.
struct Connection {
    builder: Arc<auto::Builder<TokioExecutor>>,
    app: Router,
    idle: Duration,
    hangup: super::fault::Hangup,
}

impl Connection {
    /// Serves until the client closes, the idle timeout passes, or `abort`;
    /// on `stop` finishes the request in flight and closes.
    async fn run(self, stream: TcpStream, stop: CancellationToken, abort: CancellationToken) {
        let activity = Activity::new();
        let io = TokioIo::new(Watched { inner: stream, activity: activity.clone() });
        let conn = self.builder.serve_connection(io, TowerToHyperService::new(self.app));
        tokio::pin!(conn);
        let mut stopping = false;
        loop {
            tokio::select! {
                served = conn.as_mut() => {
                    if let Err(e) = served {
                        tracing::debug!("listener connection ended: {e}");
                    }
                    return;
                }
                () = activity.idle_for(self.idle) => return,
                () = abort.cancelled() => return,
                () = self.hangup.0.cancelled() => return,
                () = stop.cancelled(), if !stopping => {
                    stopping = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// When a connection last moved a byte.
#[derive(Clone)]
struct Activity {
    opened: Instant,
    /// Milliseconds after `opened`.
    last: Arc<AtomicU64>,
}

impl Activity {
    fn new() -> Self {
        Self { opened: Instant::now(), last: Arc::new(AtomicU64::new(0)) }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }

    /// Returns once no byte moved for `idle`.
    async fn idle_for(&self, idle: Duration) {
        loop {
            let last = self.opened + Duration::from_millis(self.last.load(Ordering::Relaxed));
            let deadline = last + idle;
            if Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep_until(deadline.into()).await;
        }
    }
}

/// A socket that records its reads and writes in an [`Activity`].
struct Watched {
    inner: TcpStream,
    activity: Activity,
}

impl AsyncRead for Watched {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            this.activity.touch();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.activity.touch();
        }
        polled
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Gives the request's body until `timeout` after its headers to arrive whole;
/// a body still incomplete then fails to read, and the connection is closed
/// after the answer.
async fn body_deadline(req: Request, next: Next, timeout: Duration) -> Response {
    let deadline = tokio::time::Instant::now() + timeout;
    let timed_out = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&timed_out);
    let req = req.map(move |body| {
        let frames = futures_util::stream::unfold(Some(BodyStream::new(body)), move |frames| {
            let flag = Arc::clone(&flag);
            async move {
                let mut frames = frames?;
                match tokio::time::timeout_at(deadline, frames.next()).await {
                    Ok(Some(frame)) => Some((frame.map_err(axum::BoxError::from), Some(frames))),
                    Ok(None) => None,
                    Err(_) => {
                        flag.store(true, Ordering::Relaxed);
                        let e = BodyTimeout(timeout);
                        Some((Err(axum::BoxError::from(e)), None))
                    }
                }
            }
        });
        Body::new(StreamBody::new(frames))
    });
    let mut response = next.run(req).await;
    if timed_out.load(Ordering::Relaxed) {
        response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// The body did not arrive within the body-read timeout.
#[derive(Debug, thiserror::Error)]
#[error("the body did not arrive within {0:?} of the headers")]
struct BodyTimeout(Duration);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_soft_open_files_limit() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                      Max cpu time              unlimited            unlimited            seconds   \n\
                      Max open files            256                  524288               files     \n";
        assert_eq!(soft_open_files_limit(limits), Some(256));
        assert_eq!(soft_open_files_limit("Max open files  unlimited  unlimited  files"), Some(u64::MAX));
        assert_eq!(soft_open_files_limit("Max processes 10 10 processes"), None);
    }

    #[test]
    fn the_cap_keeps_headroom_below_the_open_files_limit() {
        assert_eq!(max_connections_for(Some(256)), 192);
        assert_eq!(max_connections_for(Some(1024)), 960);
        assert_eq!(max_connections_for(Some(64)), 16);
        assert_eq!(max_connections_for(Some(u64::MAX)), 1024);
        assert_eq!(max_connections_for(None), 192);
        // This process's own limit gives a cap it can afford.
        let cap = default_max_connections();
        assert!((1..=1024).contains(&cap), "{cap}");
    }
}
