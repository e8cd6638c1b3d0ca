//! The Genesys Cloud client: OAuth, integrations, inbound messages, verify.

pub mod notifications;
