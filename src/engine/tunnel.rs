//! A public https URL for the listener: `cloudflared` or `ngrok` run as a
//! child process against it; the URL is read from what the tool prints.
//! Genesys only posts to https on port 443, and quick tunnels change URL on
//! every start, so reading it beats copying it by hand.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long the tool may take to print its URL.
const URL_WITHIN: Duration = Duration::from_secs(30);

/// The tunnel tools genesys-desk can drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TunnelKind {
    Cloudflared,
    Ngrok,
}

impl TunnelKind {
    pub fn program(self) -> &'static str {
        match self {
            TunnelKind::Cloudflared => "cloudflared",
            TunnelKind::Ngrok => "ngrok",
        }
    }

    /// The arguments for a quick tunnel to `port` on this machine that print the URL.
    fn args(self, port: u16) -> Vec<String> {
        match self {
            // https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/do-more-with-tunnels/trycloudflare/
            TunnelKind::Cloudflared => {
                vec!["tunnel".into(), "--no-autoupdate".into(), "--url".into(), format!("http://127.0.0.1:{port}")]
            }
            // https://ngrok.com/docs/agent/cli/#ngrok-http (logfmt log lines carry `url=`).
            TunnelKind::Ngrok => {
                vec![
                    "http".into(),
                    port.to_string(),
                    "--log".into(),
                    "stdout".into(),
                    "--log-format".into(),
                    "logfmt".into(),
                ]
            }
        }
    }

    /// The public URL in one line of the tool's output, if there is one.
    pub fn find_url(self, line: &str) -> Option<String> {
        let url = |token: &str| token.trim_matches(|c: char| c == '|' || c == '"' || c.is_whitespace()).to_string();
        match self {
            TunnelKind::Cloudflared => line
                .split_whitespace()
                .find(|t| t.starts_with("https://") && t.trim_end_matches('|').ends_with(".trycloudflare.com"))
                .map(url),
            TunnelKind::Ngrok => line
                .split_whitespace()
                .find_map(|t| t.strip_prefix("url="))
                .filter(|u| u.starts_with("https://"))
                .map(url),
        }
    }
}

impl std::str::FromStr for TunnelKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cloudflared" => Ok(TunnelKind::Cloudflared),
            "ngrok" => Ok(TunnelKind::Ngrok),
            other => Err(format!("tunnel \"{other}\": use cloudflared or ngrok")),
        }
    }
}

/// Where `program` is on PATH, if anywhere.
pub fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| is_executable(p))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// A running tunnel; the child ends when this is dropped.
#[derive(Debug)]
pub struct Tunnel {
    pub url: String,
    _child: Child,
}

/// Starts `kind` against `port` and waits for its URL.
pub async fn start(kind: TunnelKind, port: u16) -> Result<Tunnel, String> {
    let program = on_path(kind.program()).ok_or_else(|| {
        format!("{} is not installed (not on PATH): install it, or use the other tunnel tool", kind.program())
    })?;
    let mut child = Command::new(&program)
        .args(kind.args(port))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("{} did not start: {e}", program.display()))?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(format!("{} gave no output to read", kind.program()));
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    for reader in [Box::new(stdout) as Box<dyn tokio::io::AsyncRead + Unpin + Send>, Box::new(stderr)] {
        let tx = tx.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(reader).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    let found = tokio::time::timeout(URL_WITHIN, async {
        while let Some(line) = rx.recv().await {
            if let Some(url) = kind.find_url(&line) {
                return Some(url);
            }
        }
        None
    })
    .await;
    match found {
        Ok(Some(url)) => Ok(Tunnel { url, _child: child }),
        Ok(None) => Err(format!("{} exited without printing a public URL", kind.program())),
        Err(_) => Err(format!("{} printed no public URL within {} s", kind.program(), URL_WITHIN.as_secs())),
    }
}

impl super::worker::Engine {
    pub(super) fn start_tunnel(&mut self, kind: TunnelKind) {
        let failed = |message: String| super::command::Event::TunnelFailed { message };
        let base = super::worker::lock(&self.shared.listener_base).clone();
        let Some(port) = base.and_then(|b| url::Url::parse(&b).ok()).and_then(|u| u.port()) else {
            return self.shared.events.send(failed("The listener is not running: start it first (Settings)".into()));
        };
        // A new tunnel replaces the old one (its child ends).
        self.tunnel = None;
        let shared = self.shared.clone();
        self.spawn(async move {
            match start(kind, port).await {
                Ok(tunnel) => shared.after(super::provision::AfterTask::TunnelUp(tunnel)),
                Err(message) => shared.events.send(failed(message)),
            }
        });
    }

    pub(super) fn stop_tunnel(&mut self) {
        if self.tunnel.take().is_some() {
            self.shared.events.send(super::command::Event::TunnelStopped);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_is_found_in_each_tools_output() {
        let cloudflared = "2026-11-28T10:00:00Z INF |  https://odd-words-here.trycloudflare.com                                     |";
        assert_eq!(
            TunnelKind::Cloudflared.find_url(cloudflared).as_deref(),
            Some("https://odd-words-here.trycloudflare.com")
        );
        assert_eq!(TunnelKind::Cloudflared.find_url("INF Requesting new quick Tunnel on trycloudflare.com..."), None);
        let ngrok = r#"t=2026-11-28T10:00:00+0000 lvl=info msg="started tunnel" obj=tunnels name=command_line addr=http://localhost:8787 url=https://ab12-203-0-113-9.ngrok-free.app"#;
        assert_eq!(TunnelKind::Ngrok.find_url(ngrok).as_deref(), Some("https://ab12-203-0-113-9.ngrok-free.app"));
        assert_eq!(TunnelKind::Ngrok.find_url("lvl=info msg=\"client session established\""), None);
    }
}
