//! A local Genesys Cloud: OAuth, integrations, inbound endpoints, a scripted agent that answers on the webhook.

pub mod notifications;
