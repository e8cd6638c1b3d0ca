//! The local webhook listener: receives Genesys' signed agent messages.

pub mod signature;
