//! The only place a tokio runtime is built.

/// A multi-threaded runtime with named workers.
pub fn build() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().thread_name("genesys-desk-worker").build()
}
