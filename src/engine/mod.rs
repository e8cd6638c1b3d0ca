//! The shared core: turns commands into work on tokio and reports events.
