//! Plain data shared by every layer (client, listener, storage, engine, UI):
//! traffic entries, chat messages and verify checks. No I/O here.

pub mod chat;
pub mod traffic;
pub mod verify;

pub use chat::{Attachment, ChatMessage, DeliveryStatus, MessageKind, Sender};
pub use traffic::{Direction, SignatureVerdict, TrafficEntry};
pub use verify::{Check, CheckId, CheckStatus, VerifyReport};
