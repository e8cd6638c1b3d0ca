//! Secrets (client secret, webhook secret) in the OS keyring when one is
//! available: Secret Service, then kernel keyutils, then a 0600 file with a
//! visible warning.
//!
//! INTERFACE STUB: the foundation work fills this in.

/// Where secrets are stored on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretBackend {
    SecretService,
    KeyUtils,
    File,
}

impl SecretBackend {
    /// A warning to show the user, if this backend deserves one.
    pub fn warning(&self) -> Option<String> {
        match self {
            SecretBackend::File => Some("No OS keyring available: secrets are stored in a 0600 file".into()),
            SecretBackend::KeyUtils => Some("Secrets are in the kernel keyring: they are lost at reboot".into()),
            SecretBackend::SecretService => None,
        }
    }
}
