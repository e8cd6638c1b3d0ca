use crate::model::ThreadKey;
use std::collections::BTreeMap;

use super::*;
use crate::config::defaults::emulator_account_draft;
use crate::config::{Environment, Tier};
use crate::engine::command::TicketField;

#[test]
fn starting_a_chat_selects_its_thread() {
    let mut state = AppState::default();
    state.apply(Event::AccountsLoaded {
        tier: Tier::Two,
        accounts: BTreeMap::from([(Environment::Development, vec![emulator_account_draft().parse().unwrap()])]),
        secret_warning: None,
    });
    let mut selection = Selection::default();
    selection.keep_account(&state);
    let mut view = ChatView::default();
    assert_eq!(view.form.start_command(&selection, &state), None, "empty ticket is refused");
    assert!(view.form.error_for(TicketField::Email).is_some());
    let t = &mut view.form.ticket;
    t.name = "Ada".into();
    t.mobile = "+353871234567".into();
    t.email = "ada@example.com".into();
    t.query = "Where is my order?".into();
    t.priority = "high".into();
    t.attributes = vec![("orderId".into(), "42".into()), (String::new(), String::new())];
    let Some(Command::StartChat { request, account, ticket, .. }) = view.form.start_command(&selection, &state) else {
        panic!("no StartChat")
    };
    assert_eq!((account.as_str(), ticket.priority.as_str()), ("Emulator", "HIGH"));
    assert_eq!(ticket.attributes.len(), 1);
    assert!(view.form.start.is_waiting());
    let started = Event::ChatStarted { request, account: "Emulator".into(), customer_id: "cust-1".into() };
    view.on_event(&started);
    state.apply(started);
    assert_eq!(view.selected(), Some(&ThreadKey::new("Emulator", "cust-1")));
    assert!(!view.form.start.is_waiting());
}

#[test]
fn a_start_error_names_its_field_until_that_field_is_edited() {
    let mut view = ChatView::default();
    view.form.request = Some(RequestId(3));
    let message = "Email is refused by the org".to_string();
    view.on_event(&Event::ChatStartFailed { request: RequestId(3), message, field: Some(TicketField::Email) });
    assert!(view.form.error_for(TicketField::Email).is_some());
    view.form.edited(TicketField::Name);
    assert!(view.form.error_for(TicketField::Email).is_some(), "another field's edit keeps it");
    view.form.edited(TicketField::Email);
    assert!(view.form.error_for(TicketField::Email).is_none());
}
