//! The "Start test chat" form a bot fills in before a handoff (name, mobile,
//! email, query, priority, custom attributes) and its one validator, shared
//! by the GUI, the engine and `genesys-desk send`.

use std::collections::BTreeMap;
use std::fmt;

/// Ticket priority as the agent desktop expects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Priority {
    Low,
    Medium,
    High,
    Urgent,
    /// Not one of the four: sent as typed (trimmed) and flagged.
    Other(String),
}

impl Priority {
    /// The four standard priorities, in the order users pick them.
    pub const STANDARD: [Priority; 4] = [Priority::Low, Priority::Medium, Priority::High, Priority::Urgent];

    /// Normalises what people type: "low", "Medium", "urgent!", "P1", "hi".
    pub fn parse(input: &str) -> Priority {
        let word: String = input.trim().chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_lowercase();
        match word.as_str() {
            "low" | "lo" | "p4" | "minor" => Priority::Low,
            "medium" | "med" | "normal" | "mid" | "p3" => Priority::Medium,
            "high" | "hi" | "p2" | "important" => Priority::High,
            "urgent" | "critical" | "asap" | "p1" | "emergency" => Priority::Urgent,
            _ => Priority::Other(input.trim().to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Priority::Low => "LOW",
            Priority::Medium => "MEDIUM",
            Priority::High => "HIGH",
            Priority::Urgent => "URGENT",
            Priority::Other(s) => s,
        }
    }
}

/// A field of the form, for inline errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TicketField {
    Account,
    AfterAssignment,
    Name,
    Mobile,
    Email,
    /// The query, which is also the first message unless a text is given.
    Query,
    Priority,
    Attributes,
}

impl TicketField {
    /// The label used in the form and in messages.
    pub fn label(self) -> &'static str {
        match self {
            TicketField::Account => "Account",
            TicketField::AfterAssignment => "Message after ticket assignment",
            TicketField::Name => "Name",
            TicketField::Mobile => "Mobile",
            TicketField::Email => "Email",
            TicketField::Query => "Query",
            TicketField::Priority => "Priority",
            TicketField::Attributes => "Custom attributes",
        }
    }
}

/// One invalid field and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TicketError {
    pub field: TicketField,
    pub message: String,
}

/// The form as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketDraft {
    pub name: String,
    pub mobile: String,
    /// Mandatory: it is the customer id.
    pub email: String,
    /// Posted as the first customer message unless `text` is given.
    pub query: String,
    /// `LOW`, `MEDIUM`, `HIGH`, `URGENT` (other text is sent as typed, with a warning).
    pub priority: String,
    /// The first message, when it should differ from the query (the CLI's `--text`).
    pub text: String,
    /// Shown in the thread as a system line once the chat started.
    pub after_assignment_message: String,
    /// Custom attributes (key, value) sent with the first message; rows with
    /// neither are ignored.
    pub attributes: Vec<(String, String)>,
}

impl Default for TicketDraft {
    fn default() -> Self {
        Self {
            name: String::new(),
            mobile: String::new(),
            email: String::new(),
            query: String::new(),
            priority: Priority::Medium.as_str().into(),
            text: String::new(),
            after_assignment_message: "Thanks, an agent will be with you shortly.".into(),
            attributes: Vec::new(),
        }
    }
}

/// A validated ticket: who writes, what Architect gets, what is said first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    /// The customer id (the email).
    pub email: String,
    pub name: String,
    /// Strings only, as Genesys' custom attributes require.
    pub custom_attributes: BTreeMap<String, String>,
    pub text: String,
    pub priority: Option<Priority>,
    /// Accepted but odd values (an unknown priority), to show next to the form.
    pub warnings: Vec<String>,
}

impl TicketDraft {
    /// One error per bad field (email is mandatory).
    pub fn validate(&self) -> Vec<TicketError> {
        self.parse().err().unwrap_or_default()
    }

    /// Validates the form.
    pub fn parse(&self) -> Result<Ticket, Vec<TicketError>> {
        let mut errors = Vec::new();
        let email = self.email.trim();
        let mobile = self.mobile.trim();
        check_email(email, &mut errors);
        if !mobile.is_empty() && !is_phone(mobile) {
            errors.push(TicketError {
                field: TicketField::Mobile,
                message: format!(
                    "Mobile \"{mobile}\" is not a phone number: use digits with an optional leading +, e.g. +44 7700 900123"
                ),
            });
        }
        let attributes = self.checked_attributes(&mut errors);
        let query = self.query.trim();
        let text = if self.text.trim().is_empty() { query } else { self.text.trim() };
        if text.is_empty() {
            errors.push(TicketError {
                field: TicketField::Query,
                message: "Query is empty: give a query, it is the first customer message".into(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let priority = (!self.priority.trim().is_empty()).then(|| Priority::parse(&self.priority));
        let warnings = match &priority {
            Some(Priority::Other(p)) => vec![format!(
                "Priority \"{p}\" is not LOW, MEDIUM, HIGH or URGENT: it is sent as typed, check what your flow expects"
            )],
            _ => Vec::new(),
        };
        let mut custom_attributes = attributes;
        let mut put = |k: &str, v: &str| {
            if !v.is_empty() {
                custom_attributes.insert(k.to_string(), v.to_string());
            }
        };
        put("name", self.name.trim());
        put("mobile", mobile);
        put("email", email);
        put("query", query);
        if let Some(p) = &priority {
            put("priority", p.as_str());
        }
        Ok(Ticket {
            email: email.to_string(),
            name: self.name.trim().to_string(),
            custom_attributes,
            text: text.to_string(),
            priority,
            warnings,
        })
    }

    /// The attribute rows with a key, keys and values trimmed and kept as
    /// typed (a key may contain `=`); a value without a key is an error.
    fn checked_attributes(&self, errors: &mut Vec<TicketError>) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for (key, value) in &self.attributes {
            let (key, value) = (key.trim(), value.trim());
            if key.is_empty() && value.is_empty() {
                continue;
            }
            if key.is_empty() {
                errors.push(TicketError {
                    field: TicketField::Attributes,
                    message: format!(
                        "Custom attribute with value \"{value}\" has no key: give it a name such as orderId"
                    ),
                });
                continue;
            }
            out.insert(key.to_string(), value.to_string());
        }
        out
    }
}

fn check_email(email: &str, errors: &mut Vec<TicketError>) {
    if email.is_empty() {
        errors.push(TicketError {
            field: TicketField::Email,
            message: "Email is empty: it is mandatory, it identifies the customer (e.g. jane@example.com)".into(),
        });
    } else if !is_email(email) {
        errors.push(TicketError {
            field: TicketField::Email,
            message: format!("Email \"{email}\" is not an email address: write it like jane@example.com"),
        });
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A simple, strict-enough email check: one `@`, a non-empty local part, a
/// dotted domain, no spaces.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
        && domain.split('.').count() >= 2
        && domain.split('.').all(|p| !p.is_empty())
}

/// E.164: a `+` then 8 to 15 digits, nothing else.
pub fn is_e164(text: &str) -> bool {
    text.strip_prefix('+').is_some_and(|d| (8..=15).contains(&d.len()) && d.chars().all(|c| c.is_ascii_digit()))
}

/// What people type in a Mobile field: digits with an optional leading `+`
/// and common separators; 6–15 digits.
pub fn is_phone(text: &str) -> bool {
    let t = text.trim();
    let body = t.strip_prefix('+').unwrap_or(t);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    (6..=15).contains(&digits) && body.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.'))
}

#[cfg(test)]
mod tests;
