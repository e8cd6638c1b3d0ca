//! Bind addresses as typed (`listen --bind`, `send --listen`, `emulator --bind`,
//! the Settings field): one parser for every front end, and the URL a local
//! client reaches a bound address at.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Where the webhook listener binds by default (`config::defaults::LISTENER_ADDR`).
pub const DEFAULT_LISTENER_ADDR: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8787);

/// Where the embedded emulator binds by default (`config::defaults::EMULATOR_ADDR`).
pub const DEFAULT_EMULATOR_ADDR: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8786);

/// A bind address that is not `IP:PORT`; the caller names the field or flag.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{text}\" is not an address: use IP:PORT, e.g. {example}")]
pub struct BindAddrError {
    pub text: String,
    pub example: SocketAddr,
}

/// Parses `text` (surrounding blanks ignored); `example` is shown when it is not `IP:PORT`.
pub fn parse_bind(text: &str, example: SocketAddr) -> Result<SocketAddr, BindAddrError> {
    text.trim().parse().map_err(|_| BindAddrError { text: text.to_string(), example })
}

/// `http://ADDR` a local client uses; an all-interfaces bind is reached through loopback.
pub fn local_url(addr: SocketAddr) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv4() { Ipv4Addr::LOCALHOST.into() } else { Ipv6Addr::LOCALHOST.into() });
    }
    format!("http://{addr}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::defaults::{EMULATOR_ADDR, LISTENER_ADDR};

    #[test]
    fn the_defaults_are_the_documented_addresses() {
        assert_eq!(parse_bind(LISTENER_ADDR, DEFAULT_LISTENER_ADDR), Ok(DEFAULT_LISTENER_ADDR));
        assert_eq!(parse_bind(EMULATOR_ADDR, DEFAULT_EMULATOR_ADDR), Ok(DEFAULT_EMULATOR_ADDR));
    }

    #[test]
    fn a_bad_address_names_the_text_and_an_example() {
        let err = parse_bind("nonsense", DEFAULT_LISTENER_ADDR).unwrap_err();
        assert_eq!(err.to_string(), "\"nonsense\" is not an address: use IP:PORT, e.g. 127.0.0.1:8787");
        assert_eq!(parse_bind(" 127.0.0.1:0 ", DEFAULT_LISTENER_ADDR), Ok("127.0.0.1:0".parse().unwrap()));
    }

    #[test]
    fn an_all_interfaces_bind_is_reached_through_loopback() {
        assert_eq!(local_url("0.0.0.0:8787".parse().unwrap()), "http://127.0.0.1:8787");
        assert_eq!(local_url("[::]:80".parse().unwrap()), "http://[::1]:80");
        assert_eq!(local_url("127.0.0.1:9".parse().unwrap()), "http://127.0.0.1:9");
    }
}
