//! The customer answers a structured message (quick reply, card button,
//! date): posted as a structured response; the answer shows as the customer's
//! bubble marked with what was clicked.

use super::chat::{customer_message, known_customer, store_and_show, update_status};
use super::command::ToastLevel;
use super::worker::Engine;
use crate::config::Environment;
use crate::genesys::types::structured::ButtonResponse;
use crate::model::DeliveryStatus;

impl Engine {
    pub(super) fn send_button_response(
        &mut self,
        env: Environment,
        account: &str,
        customer_id: String,
        originating_message_id: String,
        response: ButtonResponse,
    ) {
        let (account, client) = match self.accounts.client(env, account) {
            Ok(found) => found,
            Err(e) => return self.shared.toast(ToastLevel::Error, e.to_string()),
        };
        let shared = self.shared.clone();
        self.spawn(async move {
            let customer = known_customer(&shared, &account.name, &customer_id);
            let marked = format!("{}  [{}: {}]", response.text, response.kind.label(), response.payload);
            let shown = store_and_show(&shared, customer_message(&account.name, &customer, &marked)).await;
            match client.send_button_response(&customer, &originating_message_id, response).await {
                Ok(_) => update_status(&shared, shown, DeliveryStatus::Sent).await,
                Err(e) => {
                    let message = e.user_message();
                    shared.toast(ToastLevel::Error, format!("{}: {message}", account.name));
                    update_status(&shared, shown, DeliveryStatus::Failed(message)).await;
                }
            }
        });
    }
}
