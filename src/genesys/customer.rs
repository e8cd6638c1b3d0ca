//! The pretend customer and the "raise ticket" form a bot fills in before a
//! handoff (name, mobile, email, query, priority, extra attributes).

use std::collections::BTreeMap;
use std::fmt;

use super::types::Party;

/// How Genesys should read `channel.from.id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdType {
    Email,
    Phone,
    Opaque,
}

impl IdType {
    /// Email for `a@b.c`, Phone only for an E.164 number (`+447700900123`),
    /// else Opaque: Genesys reads a `Phone` id as an E.164 address.
    pub fn detect(id: &str) -> IdType {
        if is_email(id) {
            IdType::Email
        } else if is_e164(id) {
            IdType::Phone
        } else {
            IdType::Opaque
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            IdType::Email => "Email",
            IdType::Phone => "Phone",
            IdType::Opaque => "Opaque",
        }
    }
}

impl fmt::Display for IdType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The customer of a test conversation (`channel.from`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// Stable id: Genesys keys the conversation on integration + this id.
    pub id: String,
    pub id_type: IdType,
    pub nickname: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
}

impl Customer {
    /// A customer with this id; the id type is chosen from its shape.
    pub fn new(id: impl Into<String>) -> Customer {
        let id = id.into();
        let id_type = IdType::detect(&id);
        let email = (id_type == IdType::Email).then(|| id.clone());
        Customer { id, id_type, nickname: None, first_name: None, last_name: None, email }
    }

    /// Sets nickname, first and last name from a full name ("Ada King Lovelace"
    /// → first "Ada", last "King Lovelace").
    pub fn with_name(mut self, name: &str) -> Customer {
        let name = name.trim();
        if name.is_empty() {
            return self;
        }
        self.nickname = Some(name.to_string());
        let mut parts = name.splitn(2, char::is_whitespace);
        self.first_name = parts.next().map(str::to_string);
        self.last_name = parts.next().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        self
    }

    /// The wire form for `channel.from`.
    pub fn to_party(&self) -> Party {
        Party {
            id: self.id.clone(),
            id_type: Some(self.id_type.as_str().to_string()),
            nickname: self.nickname.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            image: None,
        }
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

/// Ticket priority as the bot/agent desktop expects it.
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

/// Which ticket field an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketField {
    Email,
    Name,
    Mobile,
    Query,
    Priority,
    Attr,
    Text,
}

/// A ticket field error whose message names the field and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TicketError {
    pub field: TicketField,
    pub message: String,
}

/// The "raise ticket" form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketDraft {
    pub email: String,
    pub name: String,
    pub mobile: String,
    pub query: String,
    pub priority: String,
    /// The first message text (defaults to the query).
    pub text: String,
    /// Extra `KEY=VALUE` attributes.
    pub attrs: Vec<String>,
}

/// A validated ticket: who writes, what Architect gets, what is said first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ticket {
    pub customer: Customer,
    /// Strings only, as `channel.metadata.customAttributes` requires.
    pub custom_attributes: BTreeMap<String, String>,
    pub text: String,
    pub priority: Option<Priority>,
    /// Accepted but odd values (an unknown priority), to show next to the form.
    pub warnings: Vec<String>,
}

impl TicketDraft {
    /// Validates the form. Email is mandatory (it is the customer id).
    pub fn parse(&self) -> Result<Ticket, Vec<TicketError>> {
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let email = self.email.trim();
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
        let mobile = self.mobile.trim();
        if !mobile.is_empty() && !is_phone(mobile) {
            errors.push(TicketError {
                field: TicketField::Mobile,
                message: format!(
                    "Mobile \"{mobile}\" is not a phone number: use digits with an optional leading +, e.g. +44 7700 900123"
                ),
            });
        }
        let priority = (!self.priority.trim().is_empty()).then(|| Priority::parse(&self.priority));
        if let Some(Priority::Other(p)) = &priority {
            warnings.push(format!(
                "Priority \"{p}\" is not LOW, MEDIUM, HIGH or URGENT: it is sent as typed, check what your flow expects"
            ));
        }
        let mut extra = BTreeMap::new();
        for attr in &self.attrs {
            match attr.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() => {
                    extra.insert(k.trim().to_string(), v.trim().to_string());
                }
                _ => errors.push(TicketError {
                    field: TicketField::Attr,
                    message: format!("Attribute \"{attr}\" is not KEY=VALUE: write it like orderId=12345"),
                }),
            }
        }
        let query = self.query.trim();
        let text = if !self.text.trim().is_empty() {
            self.text.trim().to_string()
        } else if !query.is_empty() {
            query.to_string()
        } else {
            String::new()
        };
        if text.is_empty() {
            errors.push(TicketError {
                field: TicketField::Text,
                message: "Message text is empty: give a query or a text for the first customer message".into(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let customer = Customer::new(email).with_name(&self.name);
        let mut attrs = extra;
        let mut put = |k: &str, v: &str| {
            if !v.is_empty() {
                attrs.insert(k.to_string(), v.to_string());
            }
        };
        put("name", self.name.trim());
        put("mobile", mobile);
        put("email", email);
        put("query", query);
        if let Some(p) = &priority {
            put("priority", p.as_str());
        }
        Ok(Ticket { customer, custom_attributes: attrs, text, priority, warnings })
    }
}

#[cfg(test)]
mod tests;
