//! The only place a tokio runtime is built.

/// A multi-threaded runtime with named workers.
pub fn build() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().thread_name("genesys-desk-worker").build()
}

/// Ctrl-C, or on Unix SIGTERM or SIGHUP (the terminal closed): what asks the
/// command line, and the window, to stop cleanly (the listener drains, the
/// history is flushed, a tunnel's child process ends). The handlers are
/// installed when this is called, not when the future is first polled, so a
/// signal that arrives before the caller waits on it still stops cleanly.
/// Call it inside the runtime.
pub fn stop_signal() -> impl Future<Output = ()> + Send {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let kinds = [SignalKind::interrupt(), SignalKind::terminate(), SignalKind::hangup()];
        let signals: Vec<_> = kinds.into_iter().filter_map(|kind| signal(kind).ok()).collect();
        async move {
            if signals.is_empty() {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
            let waits = signals.into_iter().map(|mut s| Box::pin(async move { s.recv().await }));
            futures_util::future::select_all(waits).await;
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
