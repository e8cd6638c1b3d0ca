//! The "Start test chat" form (the seed's raise-ticket form) as typed, and its
//! validation through the client's ticket parser (one validator for the GUI,
//! the engine and `genesys-desk send`).

/// The seed's priorities, in the order users pick them.
pub const PRIORITIES: [&str; 4] = ["LOW", "MEDIUM", "HIGH", "URGENT"];

/// A field of the "Start test chat" form, for inline errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TicketField {
    Account,
    AfterAssignment,
    Name,
    Mobile,
    Email,
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

/// One invalid ticket field and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketError {
    pub field: TicketField,
    pub message: String,
}

/// The "Start test chat" form as typed (the seed's raise-ticket form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketDraft {
    pub name: String,
    pub mobile: String,
    pub email: String,
    /// Posted as the first customer message.
    pub query: String,
    /// `LOW`, `MEDIUM`, `HIGH`, `URGENT` (free text is kept as typed, upper-cased).
    pub priority: String,
    /// Shown in the thread as a system line once the chat started.
    pub after_assignment_message: String,
    /// Extra custom attributes (key, value) sent with the first message.
    pub attributes: Vec<(String, String)>,
}

impl Default for TicketDraft {
    fn default() -> Self {
        Self {
            name: String::new(),
            mobile: String::new(),
            email: String::new(),
            query: String::new(),
            priority: "MEDIUM".into(),
            after_assignment_message: "Thanks, an agent will be with you shortly.".into(),
            attributes: Vec::new(),
        }
    }
}

impl TicketDraft {
    /// The client's ticket form (one validator for the GUI, the engine and
    /// `genesys-desk send`): attributes become `KEY=VALUE`, empty rows dropped.
    pub fn to_genesys(&self) -> crate::genesys::customer::TicketDraft {
        crate::genesys::customer::TicketDraft {
            email: self.email.clone(),
            name: self.name.clone(),
            mobile: self.mobile.clone(),
            query: self.query.clone(),
            priority: self.priority.clone(),
            text: String::new(),
            attrs: self
                .attributes
                .iter()
                .filter(|(k, v)| !(k.trim().is_empty() && v.trim().is_empty()))
                .map(|(k, v)| format!("{}={}", k.trim(), v.trim()))
                .collect(),
        }
    }

    /// One error per bad field (email is mandatory), from the client's validator.
    pub fn validate(&self) -> Vec<TicketError> {
        match self.to_genesys().parse() {
            Ok(_) => Vec::new(),
            Err(errors) => errors
                .into_iter()
                .map(|e| TicketError { field: TicketField::from(e.field), message: e.message })
                .collect(),
        }
    }
}

impl From<crate::genesys::customer::TicketField> for TicketField {
    fn from(field: crate::genesys::customer::TicketField) -> Self {
        use crate::genesys::customer::TicketField as Client;
        match field {
            Client::Email => TicketField::Email,
            Client::Name => TicketField::Name,
            Client::Mobile => TicketField::Mobile,
            Client::Query | Client::Text => TicketField::Query,
            Client::Priority => TicketField::Priority,
            Client::Attr => TicketField::Attributes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket() -> TicketDraft {
        TicketDraft {
            name: "Ada".into(),
            mobile: "+353 87 123 4567".into(),
            email: "ada@example.com".into(),
            query: "My order is late".into(),
            ..TicketDraft::default()
        }
    }

    #[test]
    fn a_complete_ticket_is_valid() {
        assert_eq!(ticket().validate(), vec![]);
    }

    #[test]
    fn email_is_mandatory_and_the_others_are_checked_when_given() {
        let mut t = ticket();
        t.email = " ".into();
        t.mobile = "12ab".into();
        let fields: Vec<_> = t.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, vec![TicketField::Email, TicketField::Mobile]);
        t = ticket();
        t.name = String::new();
        t.mobile = String::new();
        assert_eq!(t.validate(), vec![], "name and mobile are optional");
        t.email = "ada@".into();
        assert!(t.validate()[0].message.starts_with("Email \"ada@\" is not an email address"));
        t = ticket();
        t.query = String::new();
        assert_eq!(t.validate()[0].field, TicketField::Query);
        t = ticket();
        t.attributes = vec![(String::new(), "orphan".into())];
        assert_eq!(t.validate()[0].field, TicketField::Attributes);
    }
}
