//! Who is calling: a caller on this machine may be told the account names.

use std::net::SocketAddr;

use axum::http::HeaderMap;

/// Headers a tunnel or reverse proxy adds with the real caller's address.
const FORWARDING_HEADERS: [&str; 5] =
    ["forwarded", "x-forwarded-for", "x-real-ip", "cf-connecting-ip", "true-client-ip"];

/// True when the caller is on this machine: a loopback peer (IPv4, IPv6, or
/// IPv4-mapped) whose request does not carry a forwarding header. Tunnels
/// (cloudflared, ngrok, ...) connect from loopback too, but add `X-Forwarded-For`
/// or `CF-Connecting-IP`, so their callers do not count as local. An unknown
/// peer (no `ConnectInfo`) is not local.
pub fn local_caller(peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
    let loopback = peer.is_some_and(|addr| match addr.ip() {
        std::net::IpAddr::V4(ip) => ip.is_loopback(),
        std::net::IpAddr::V6(ip) => ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
    });
    loopback && FORWARDING_HEADERS.iter().all(|name| !headers.contains_key(*name))
}
