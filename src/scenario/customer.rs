//! The simulated customers of a run: each has its own id, so Genesys never
//! threads one customer's messages into another's (or an earlier run's)
//! conversation; `{n}` in the scenario's texts is the customer's number.

use std::collections::BTreeMap;

use super::model::CustomerTemplate;
use crate::genesys::Customer;

/// Customer `n`'s id in run `run_id` (Opaque).
pub fn id(run_id: &str, n: usize) -> String {
    format!("{}{n}", run_prefix(run_id))
}

/// What every customer id of run `run_id` starts with (Traffic filters a run by it).
pub fn run_prefix(run_id: &str) -> String {
    format!("gd-{run_id}-")
}

/// `text` with `{n}` replaced by the customer number.
pub fn numbered(text: &str, n: usize) -> String {
    text.replace("{n}", &n.to_string())
}

/// Customer `n`: its id, name and email from the template.
pub fn build(template: &CustomerTemplate, id: &str, n: usize) -> Customer {
    let mut customer = Customer::new(id);
    if let Some(name) = &template.name {
        customer = customer.with_name(&numbered(name, n));
    }
    customer.email = template.email.as_ref().map(|e| numbered(e, n));
    customer
}

/// The custom attributes: the template's, numbered, and the priority as the
/// ticket form sends it.
pub fn attributes(template: &CustomerTemplate, n: usize) -> BTreeMap<String, String> {
    let mut attributes: BTreeMap<String, String> =
        template.attributes.iter().map(|(k, v)| (k.clone(), numbered(v, n))).collect();
    if let Some(priority) = &template.priority {
        let priority = crate::model::ticket::Priority::parse(priority);
        attributes.insert("priority".into(), priority.as_str().to_string());
    }
    attributes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_customer_is_numbered_and_its_id_is_the_runs() {
        let template = CustomerTemplate {
            name: Some("Load {n}".into()),
            email: Some("load{n}@example.com".into()),
            priority: Some("high".into()),
            attributes: [("orderId".to_string(), "18{n}".to_string())].into(),
        };
        let c = build(&template, &id("r1", 7), 7);
        assert_eq!(c.id, "gd-r1-7");
        assert_eq!(c.id_type, crate::genesys::IdType::Opaque);
        assert_eq!(c.nickname.as_deref(), Some("Load 7"));
        assert_eq!(c.email.as_deref(), Some("load7@example.com"));
        let a = attributes(&template, 7);
        assert_eq!((a["orderId"].as_str(), a["priority"].as_str()), ("187", "HIGH"));
    }
}
