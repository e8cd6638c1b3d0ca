//! The pretend customer of a test conversation, as Genesys sees it
//! (`channel.from`); the ticket form it comes from is `model::ticket`.

use std::fmt;

use super::types::Party;
use crate::model::ticket::{Ticket, is_e164, is_email};

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

    /// The customer a validated ticket describes: its email is the id.
    pub fn from_ticket(ticket: &Ticket) -> Customer {
        Customer::new(ticket.email.clone()).with_name(&ticket.name)
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

#[cfg(test)]
mod tests;
