//! Accounts, environments, validation and secrets. No async, no UI: the CLI,
//! the engine and the tests all share it.

pub mod account;
pub mod atomic;
pub mod defaults;
pub mod environment;
pub mod lock;
pub mod paths;
pub mod regions;
pub mod secret;
pub mod secrets;
pub mod share;
pub mod store;

pub use account::{Account, AccountDraft, Field, FieldError};
pub use environment::{Environment, Tier};
pub use paths::Paths;
pub use regions::{Host, REGIONS, Region};
pub use secret::SecretString;
pub use store::{AccountStore, BrokenAccount, LoadedAccounts, StoreError};
