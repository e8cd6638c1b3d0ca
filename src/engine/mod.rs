//! The shared core: turns commands into work on tokio and reports events.

pub mod command;

pub use command::{Command, Event, RequestId};
