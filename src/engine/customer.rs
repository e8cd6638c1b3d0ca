//! Customer actions outside a chat thread for the command line's scenarios:
//! a typing event, and a receipt for an agent message. Each answers
//! [`HeadlessEvent::CustomerActed`] with Genesys' verdict.

use super::command::{Event, Failure, HeadlessEvent, RequestId};
use super::worker::Engine;
use crate::config::Environment;
use crate::genesys::{Customer, ReceiptStatus};

/// What a simulated customer does besides posting a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CustomerAction {
    /// `POST …/inbound/open/event` with a Typing event.
    Typing,
    /// `POST …/inbound/open/receipt` about the agent message `message_id`.
    Receipt { message_id: String, status: ReceiptStatus },
}

impl Engine {
    pub(super) fn customer_act(
        &mut self,
        request: RequestId,
        env: Environment,
        account: &str,
        customer: Customer,
        action: CustomerAction,
    ) {
        let client = match self.accounts.client(env, account) {
            Ok((_, client)) => client,
            Err(e) => {
                let answer = HeadlessEvent::CustomerActed { request, result: Err(e.into()) };
                return self.shared.events.send(Event::Headless(answer));
            }
        };
        let events = self.shared.events.clone();
        self.spawn(async move {
            let result = match &action {
                CustomerAction::Typing => client.send_typing(&customer).await.map(|_| ()),
                CustomerAction::Receipt { message_id, status } => {
                    client.send_receipt(&customer.id, message_id, status).await.map(|_| ())
                }
            };
            let answer = HeadlessEvent::CustomerActed { request, result: result.map_err(Failure::from) };
            events.send(Event::Headless(answer));
        });
    }
}
