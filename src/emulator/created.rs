//! Integrations created through the API (`POST .../integrations/open`).
//! Genesys creates them asynchronously (`createStatus` `Initiated`, then
//! `Completed`): here each answers `Initiated` to its first reads.

use parking_lot::Mutex;

use super::validate::IntegrationCreate;

/// One created integration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedIntegration {
    pub id: String,
    pub name: String,
    pub webhook_url: String,
    pub webhook_secret: String,
    /// Reads still answered `Initiated`.
    reads_left: u32,
}

impl CreatedIntegration {
    pub fn create_status(&self) -> &'static str {
        if self.reads_left > 0 { "Initiated" } else { "Completed" }
    }
}

/// Every integration created so far.
#[derive(Debug, Default)]
pub(super) struct Created(Mutex<Vec<CreatedIntegration>>);

impl Created {
    /// Creates one that answers `Initiated` to its first `reads` reads.
    pub fn add(&self, create: IntegrationCreate, reads: u32) -> CreatedIntegration {
        let created = CreatedIntegration {
            id: uuid::Uuid::new_v4().to_string(),
            name: create.name,
            webhook_url: create.webhook_url,
            webhook_secret: create.webhook_secret,
            reads_left: reads,
        };
        self.0.lock().push(created.clone());
        created
    }

    /// The integration `id` as one read sees it (a read counts towards completion).
    pub fn read(&self, id: &str) -> Option<CreatedIntegration> {
        let mut all = self.0.lock();
        let found = all.iter_mut().find(|c| c.id.eq_ignore_ascii_case(id))?;
        let seen = found.clone();
        found.reads_left = found.reads_left.saturating_sub(1);
        Some(seen)
    }

    /// All of them as they are (listing does not count as a read).
    pub fn all(&self) -> Vec<CreatedIntegration> {
        self.0.lock().clone()
    }
}
