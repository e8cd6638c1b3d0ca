//! The listener and the emulator as the engine last reported them.

use std::net::SocketAddr;

use crate::engine::command::{Event, ToastLevel};

/// Listener or emulator state as last reported by the engine.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ServiceStatus {
    #[default]
    Starting,
    Running {
        addr: SocketAddr,
        public_base: Option<String>,
    },
    Failed(String),
}

/// Both long-running services.
#[derive(Debug, Clone, Default)]
pub struct Services {
    pub listener: ServiceStatus,
    pub emulator: ServiceStatus,
    /// The running tunnel's public URL.
    pub tunnel: Option<String>,
    /// Accounts whose deliveries the listener answers badly on purpose.
    pub faults: std::collections::BTreeMap<String, crate::webhook::fault::Fault>,
}

impl Services {
    /// Applies a service event; returns the toast it deserves, if any.
    pub fn apply(&mut self, event: Event) -> Option<(ToastLevel, String)> {
        match event {
            Event::ListenerStarted { addr, public_base } => {
                self.listener = ServiceStatus::Running { addr, public_base };
                None
            }
            Event::ListenerFailed { error } => {
                self.listener = ServiceStatus::Failed(error.clone());
                Some((ToastLevel::Error, format!("Listener: {error}")))
            }
            Event::EmulatorStarted { addr } => {
                self.emulator = ServiceStatus::Running { addr, public_base: None };
                None
            }
            Event::TunnelStarted { url } => {
                self.tunnel = Some(url.clone());
                Some((ToastLevel::Success, format!("Tunnel: {url}")))
            }
            Event::TunnelFailed { message } => Some((ToastLevel::Error, format!("Tunnel: {message}"))),
            Event::TunnelStopped => {
                self.tunnel = None;
                None
            }
            Event::FaultSet { account, fault: Some(fault) } => {
                self.faults.insert(account.clone(), fault);
                Some((ToastLevel::Warning, format!("Fault mode {fault} on for {account}'s webhook")))
            }
            Event::FaultSet { account, fault: None } => {
                self.faults.remove(&account);
                Some((ToastLevel::Info, format!("Fault mode off for {account}'s webhook")))
            }
            Event::EmulatorFailed { error } => {
                self.emulator = ServiceStatus::Failed(error.clone());
                Some((ToastLevel::Error, format!("Emulator: {error}")))
            }
            _ => None,
        }
    }

    /// The listener's address while it runs.
    pub fn listener_addr(&self) -> Option<SocketAddr> {
        match &self.listener {
            ServiceStatus::Running { addr, .. } => Some(*addr),
            _ => None,
        }
    }
}
