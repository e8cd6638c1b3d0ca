//! genesys-desk: a workbench for Genesys Cloud Open Messaging integrations.
//!
//! - [`config`]: accounts, environments, validation, secrets (no async, no UI)
//! - [`model`]: plain data shared by every layer (traffic, chats, verify checks)
//! - [`genesys`]: the Genesys Cloud client (OAuth, integrations, inbound, verify)
//! - [`emulator`]: a local Genesys Cloud for first run, demos and tests
//! - [`webhook`]: the local listener for signed agent messages
//! - [`storage`]: SQLite history of traffic and chats
//! - [`engine`]: the shared core that turns commands into work and reports events
//! - [`app`], [`ui`]: the egui desktop app
//! - [`cli`]: the command line

pub mod app;
pub mod cli;
pub mod config;
pub mod emulator;
pub mod engine;
pub mod genesys;
pub mod logging;
pub mod model;
pub mod runtime;
pub mod scenario;
pub mod storage;
pub mod ui;
pub mod webhook;
