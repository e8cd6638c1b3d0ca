//! The Genesys Cloud client: OAuth, integrations, inbound messages, verify.
//!
//! - [`Client`]: one per account; token cache, retries, redacted traffic.
//! - [`Customer`], [`TicketDraft`]: who the pretend customer is and what a bot hands over.
//! - [`Error`]: keeps status, Genesys code/message, correlation id; names the field to fix.
//! - [`verify::run`]: the checklist every screen and the CLI share.
//! - [`types`]: serde wire types (also used by the emulator).

pub mod client;
pub mod customer;
mod doctor;
pub mod error;
pub mod notifications;
pub mod types;
pub mod verify;

pub use client::{
    CORRELATION_HEADER, Client, ClientOptions, ImageRef, InboundMessage, IntegrationSummary, ReceiptStatus,
    SentMessage, TokenInfo,
};
pub use customer::{Customer, IdType};
pub use error::{Error, Step};
pub use types::Integration;
