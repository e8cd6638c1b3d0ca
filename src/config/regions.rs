//! Genesys Cloud regions and the host a user typed for an account.
//!
//! Users paste hosts in many shapes (`mypurecloud.ie`, `api.mypurecloud.ie`,
//! `https://login.usw2.pure.cloud/`, `apps.mypurecloud.com`); all of them name one
//! region. An explicit `http(s)://` URL with a port or an IP address is a custom host
//! (the emulator, a test fake) that serves both the API and the login paths.

use std::fmt;
use std::net::IpAddr;

use url::Url;

/// One Genesys Cloud region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Region {
    /// AWS region key, as the SDKs name it (`eu-west-1`).
    pub key: &'static str,
    /// Human label for pickers (`Ireland`).
    pub label: &'static str,
    /// The domain without `api.`/`login.` (`mypurecloud.ie`).
    pub domain: &'static str,
}

/// The 17 regions whose API hosts the official SDK lists
/// (`purecloud_region_hosts.py` in <https://github.com/MyPureCloud/platform-client-sdk-python>).
pub const REGIONS: [Region; 17] = [
    Region { key: "us-east-1", label: "US East (Virginia)", domain: "mypurecloud.com" },
    Region { key: "us-east-2", label: "US East 2 (FedRAMP)", domain: "use2.us-gov-pure.cloud" },
    Region { key: "us-west-2", label: "US West (Oregon)", domain: "usw2.pure.cloud" },
    Region { key: "ca-central-1", label: "Canada", domain: "cac1.pure.cloud" },
    Region { key: "sa-east-1", label: "São Paulo", domain: "sae1.pure.cloud" },
    Region { key: "mx-central-1", label: "Mexico", domain: "mxc1.pure.cloud" },
    Region { key: "eu-west-1", label: "Ireland", domain: "mypurecloud.ie" },
    Region { key: "eu-west-2", label: "London", domain: "euw2.pure.cloud" },
    Region { key: "eu-central-1", label: "Frankfurt", domain: "mypurecloud.de" },
    Region { key: "eu-central-2", label: "Zurich", domain: "euc2.pure.cloud" },
    Region { key: "me-central-1", label: "UAE", domain: "mec1.pure.cloud" },
    Region { key: "ap-south-1", label: "Mumbai", domain: "aps1.pure.cloud" },
    Region { key: "ap-southeast-1", label: "Singapore", domain: "apse1.pure.cloud" },
    Region { key: "ap-southeast-2", label: "Sydney", domain: "mypurecloud.com.au" },
    Region { key: "ap-northeast-1", label: "Tokyo", domain: "mypurecloud.jp" },
    Region { key: "ap-northeast-2", label: "Seoul", domain: "apne2.pure.cloud" },
    Region { key: "ap-northeast-3", label: "Osaka", domain: "apne3.pure.cloud" },
];

impl Region {
    /// `https://api.<domain>`
    pub fn api_base(&self) -> String {
        format!("https://api.{}", self.domain)
    }

    /// `https://login.<domain>`
    pub fn login_base(&self) -> String {
        format!("https://login.{}", self.domain)
    }

    /// Finds a region by its domain (`mypurecloud.ie`) or AWS key (`eu-west-1`).
    pub fn find(name: &str) -> Option<&'static Region> {
        let name = name.trim().to_ascii_lowercase();
        REGIONS.iter().find(|r| r.domain == name || r.key == name)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}, {})", self.label, self.key, self.domain)
    }
}

/// Where an account's API and login endpoints live.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    /// A Genesys Cloud region: API on `api.<domain>`, login on `login.<domain>`.
    Region(&'static Region),
    /// An explicit URL (emulator, test fake) serving both API and login paths.
    /// Stored without a trailing slash, e.g. `http://127.0.0.1:8786`.
    Custom(String),
}

impl Host {
    /// Parses what a user typed. The error is a sentence that names the fix.
    pub fn parse(input: &str) -> Result<Host, String> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("Host URL is empty: enter your Genesys Cloud region domain, e.g. mypurecloud.ie".into());
        }
        let has_scheme = trimmed.contains("://");
        let with_scheme = if has_scheme { trimmed.to_string() } else { format!("https://{trimmed}") };
        let url = Url::parse(&with_scheme).map_err(|e| {
            format!("Host URL \"{trimmed}\" is not a valid URL ({e}): enter a region domain such as mypurecloud.ie")
        })?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(format!(
                "Host URL must start with https:// (or http:// for a local emulator), not {}://",
                url.scheme()
            ));
        }
        let host = url.host_str().unwrap_or_default().trim_end_matches('.').to_ascii_lowercase();
        if host.is_empty() {
            return Err(format!(
                "Host URL \"{trimmed}\" has no host name: enter a region domain such as mypurecloud.ie"
            ));
        }
        let is_ip = host.trim_matches(|c| c == '[' || c == ']').parse::<IpAddr>().is_ok();
        if has_scheme && (url.port().is_some() || is_ip || host == "localhost") {
            let mut base = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
            if let Some(port) = url.port() {
                base.push_str(&format!(":{port}"));
            }
            return Ok(Host::Custom(base));
        }
        if is_ip || host == "localhost" {
            return Err(format!(
                "Host URL \"{trimmed}\" is a local address: write it as a full URL with scheme and port, e.g. http://{host}:8786"
            ));
        }
        let domain = ["api.", "login.", "apps.", "api-downloads.", "streaming."]
            .iter()
            .find_map(|p| host.strip_prefix(p))
            .unwrap_or(&host);
        match REGIONS.iter().find(|r| r.domain == domain) {
            Some(region) => Ok(Host::Region(region)),
            None => Err(format!(
                "Host URL \"{trimmed}\" is not a Genesys Cloud region. Use one of: {}",
                REGIONS.iter().map(|r| format!("{} ({})", r.domain, r.label)).collect::<Vec<_>>().join(", ")
            )),
        }
    }

    /// Base URL for `/api/v2/...` calls, without a trailing slash.
    pub fn api_base(&self) -> String {
        match self {
            Host::Region(r) => r.api_base(),
            Host::Custom(url) => url.clone(),
        }
    }

    /// Base URL for `/oauth/token`, without a trailing slash.
    pub fn login_base(&self) -> String {
        match self {
            Host::Region(r) => r.login_base(),
            Host::Custom(url) => url.clone(),
        }
    }

    /// The origins (`scheme://host[:port]`) the account's OAuth token may be
    /// sent to: `api.<domain>` and `api-downloads.<domain>` of a region (where
    /// Genesys serves attachment downloads), or the custom host itself.
    pub fn token_origins(&self) -> Vec<String> {
        match self {
            Host::Region(r) => vec![format!("https://api.{}", r.domain), format!("https://api-downloads.{}", r.domain)],
            Host::Custom(url) => {
                vec![url::Url::parse(url).map(|u| u.origin().ascii_serialization()).unwrap_or_else(|_| url.clone())]
            }
        }
    }

    /// The region, when this is not a custom host.
    pub fn region(&self) -> Option<&'static Region> {
        match self {
            Host::Region(r) => Some(r),
            Host::Custom(_) => None,
        }
    }

    /// The canonical text form stored in the accounts file (domain or custom URL).
    pub fn as_config_str(&self) -> String {
        match self {
            Host::Region(r) => r.domain.to_string(),
            Host::Custom(url) => url.clone(),
        }
    }
}

impl fmt::Display for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Region(r) => write!(f, "{}", r),
            Host::Custom(url) => write!(f, "custom host {url}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region_of(input: &str) -> &'static str {
        match Host::parse(input) {
            Ok(Host::Region(r)) => r.key,
            other => panic!("{input}: expected a region, got {other:?}"),
        }
    }

    #[test]
    fn every_pasted_form_names_the_region() {
        assert_eq!(region_of("mypurecloud.ie"), "eu-west-1");
        assert_eq!(region_of("api.mypurecloud.ie"), "eu-west-1");
        assert_eq!(region_of("https://login.usw2.pure.cloud/"), "us-west-2");
        assert_eq!(region_of("apps.mypurecloud.com"), "us-east-1");
        assert_eq!(region_of("  HTTPS://API.MYPURECLOUD.COM.AU/api/v2  "), "ap-southeast-2");
        assert_eq!(region_of("https://apps.mypurecloud.de/directory/#/"), "eu-central-1");
        assert_eq!(region_of("login.use2.us-gov-pure.cloud"), "us-east-2");
    }

    #[test]
    fn all_17_regions_parse_from_their_api_host() {
        for r in REGIONS {
            assert_eq!(region_of(&format!("api.{}", r.domain)), r.key);
            assert_eq!(Region::find(r.key).map(|x| x.domain), Some(r.domain));
        }
        let mut domains: Vec<_> = REGIONS.iter().map(|r| r.domain).collect();
        domains.sort();
        domains.dedup();
        assert_eq!(domains.len(), 17);
    }

    #[test]
    fn region_endpoints() {
        let h = Host::parse("mypurecloud.ie").unwrap();
        assert_eq!(h.api_base(), "https://api.mypurecloud.ie");
        assert_eq!(h.login_base(), "https://login.mypurecloud.ie");
        assert_eq!(h.as_config_str(), "mypurecloud.ie");
    }

    #[test]
    fn custom_hosts_with_port_or_ip() {
        assert_eq!(Host::parse("http://127.0.0.1:9000").unwrap(), Host::Custom("http://127.0.0.1:9000".into()));
        assert_eq!(Host::parse("http://127.0.0.1:8786/").unwrap().api_base(), "http://127.0.0.1:8786");
        assert_eq!(Host::parse("https://10.0.0.5").unwrap(), Host::Custom("https://10.0.0.5".into()));
        assert_eq!(Host::parse("http://localhost:8786").unwrap().login_base(), "http://localhost:8786");
        assert_eq!(Host::parse("http://[::1]:8786").unwrap(), Host::Custom("http://[::1]:8786".into()));
    }

    #[test]
    fn unknown_or_broken_hosts_are_refused_with_the_region_list() {
        let err = Host::parse("example.com").unwrap_err();
        assert!(err.contains("not a Genesys Cloud region"), "{err}");
        assert!(err.contains("mypurecloud.ie") && err.contains("apne3.pure.cloud"), "{err}");
        assert!(Host::parse("").unwrap_err().contains("empty"));
        assert!(Host::parse("ftp://mypurecloud.ie").unwrap_err().contains("https://"));
        assert!(Host::parse("127.0.0.1").unwrap_err().contains("http://127.0.0.1:8786"));
        assert!(Host::parse("https://").is_err());
    }
}
