//! Environments: a workspace is two-tier (Development, Live) or three-tier
//! (Staging, Sandbox, Production). Live and Production show the accounts of
//! Development and Staging read-only.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How many environments a workspace has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    #[default]
    Two,
    Three,
}

impl Tier {
    /// The environments of this tier, in display order.
    pub fn environments(self) -> &'static [Environment] {
        match self {
            Tier::Two => &[Environment::Development, Environment::Live],
            Tier::Three => &[Environment::Staging, Environment::Sandbox, Environment::Production],
        }
    }

    /// The default environment for edits: the first editable one.
    pub fn default_environment(self) -> Environment {
        match self {
            Tier::Two => Environment::Development,
            Tier::Three => Environment::Staging,
        }
    }
}

impl FromStr for Tier {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "two" | "2" => Ok(Tier::Two),
            "three" | "3" => Ok(Tier::Three),
            other => Err(format!("tier \"{other}\" is unknown: use two or three")),
        }
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tier::Two => "two",
            Tier::Three => "three",
        })
    }
}

/// One environment of a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Live,
    Staging,
    Sandbox,
    Production,
}

impl Environment {
    pub const ALL: [Environment; 5] = [
        Environment::Development,
        Environment::Live,
        Environment::Staging,
        Environment::Sandbox,
        Environment::Production,
    ];

    /// The tier this environment belongs to.
    pub fn tier(self) -> Tier {
        match self {
            Environment::Development | Environment::Live => Tier::Two,
            _ => Tier::Three,
        }
    }

    /// Where this environment's accounts are stored: Live reads Development,
    /// Production reads Staging; the others store their own.
    pub fn source(self) -> Environment {
        match self {
            Environment::Live => Environment::Development,
            Environment::Production => Environment::Staging,
            other => other,
        }
    }

    /// Read-only environments show accounts but never change them.
    pub fn is_read_only(self) -> bool {
        self.source() != self
    }

    pub fn label(self) -> &'static str {
        match self {
            Environment::Development => "Development",
            Environment::Live => "Live",
            Environment::Staging => "Staging",
            Environment::Sandbox => "Sandbox",
            Environment::Production => "Production",
        }
    }

    /// The message for a refused mutation, naming where to edit instead.
    pub fn read_only_message(self) -> String {
        format!(
            "{} is read-only: it shows the {} accounts. Switch to {} to add, edit or delete accounts.",
            self.label(),
            self.source().label(),
            self.source().label()
        )
    }
}

impl FromStr for Environment {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Environment::ALL.into_iter().find(|e| e.label().to_ascii_lowercase() == wanted).ok_or_else(|| {
            format!("environment \"{}\" is unknown: use development, live, staging, sandbox or production", s.trim())
        })
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_and_production_are_read_only_views() {
        assert_eq!(Environment::Live.source(), Environment::Development);
        assert_eq!(Environment::Production.source(), Environment::Staging);
        assert_eq!(Environment::Sandbox.source(), Environment::Sandbox);
        assert!(Environment::Live.is_read_only());
        assert!(Environment::Production.is_read_only());
        assert!(!Environment::Sandbox.is_read_only());
        assert!(Environment::Live.read_only_message().contains("Switch to Development"));
        assert!(Environment::Production.read_only_message().contains("Switch to Staging"));
    }

    #[test]
    fn parse_is_case_insensitive() {
        assert_eq!("PRODUCTION".parse::<Environment>(), Ok(Environment::Production));
        assert_eq!(" sandbox ".parse::<Environment>(), Ok(Environment::Sandbox));
        assert!("prod".parse::<Environment>().unwrap_err().contains("development, live"));
        assert_eq!("three".parse::<Tier>(), Ok(Tier::Three));
        assert_eq!(Tier::Three.default_environment(), Environment::Staging);
    }
}
