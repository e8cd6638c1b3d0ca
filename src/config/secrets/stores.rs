//! The OS secret stores behind [`super::Secrets`]: Secret Service and kernel
//! keyutils on Linux, the Keychain on macOS, the Credential Manager on
//! Windows (only Linux is built and tested here).

use std::path::Path;
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry};

use super::KEYRING_SERVICE;

/// True when a session D-Bus can be reached: its address is set, or the
/// standard socket is in `XDG_RUNTIME_DIR` (the Secret Service and the desktop
/// portal's file chooser both live on it).
pub fn session_bus() -> bool {
    std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty())
        || std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| Path::new(&d).join("bus").exists())
}

#[cfg(target_os = "linux")]
pub(super) fn secret_service() -> Result<Arc<CredentialStore>, String> {
    // Without a session bus there is nothing to connect to; checking first
    // avoids a slow connection attempt on headless machines.
    if !session_bus() {
        return Err("no session D-Bus".into());
    }
    let store: Arc<CredentialStore> = zbus_secret_service_keyring_store::Store::new().map_err(|e| e.to_string())?;
    Ok(store)
}

#[cfg(not(target_os = "linux"))]
pub(super) fn secret_service() -> Result<Arc<CredentialStore>, String> {
    Err("Secret Service is only used on Linux".into())
}

/// The macOS login keychain (the `keychain` store: no provisioning profile needed).
#[cfg(target_os = "macos")]
pub(super) fn native_store() -> Result<Arc<CredentialStore>, String> {
    let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new().map_err(|e| e.to_string())?;
    Ok(store)
}

/// The Windows Credential Manager.
#[cfg(target_os = "windows")]
pub(super) fn native_store() -> Result<Arc<CredentialStore>, String> {
    let store: Arc<CredentialStore> = windows_native_keyring_store::Store::new().map_err(|e| e.to_string())?;
    Ok(store)
}

#[cfg(not(any(target_os = "macos", target_os = "windows")))]
pub(super) fn native_store() -> Result<Arc<CredentialStore>, String> {
    Err("no native store on this OS: Secret Service is used".into())
}

#[cfg(target_os = "linux")]
pub(super) fn keyutils() -> Result<Arc<CredentialStore>, String> {
    let store: Arc<CredentialStore> = linux_keyutils_keyring_store::Store::new().map_err(|e| e.to_string())?;
    // Containers often forbid reading keys back: prove a round trip works now
    // rather than fail later with the secret already "saved".
    let probe = Entry::new_in_store(&store, KEYRING_SERVICE, "probe").map_err(|e| e.to_string())?;
    probe.set_password("probe").map_err(|e| e.to_string())?;
    let read = probe.get_password();
    let _ = probe.delete_credential();
    let read = read.map_err(|e| e.to_string())?;
    if read != "probe" {
        return Err("keyutils returned a different value than was stored".into());
    }
    Ok(store)
}

#[cfg(not(target_os = "linux"))]
pub(super) fn keyutils() -> Result<Arc<CredentialStore>, String> {
    Err("keyutils is Linux only".into())
}
