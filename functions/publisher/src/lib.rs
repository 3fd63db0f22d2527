//! The `publisher` Lambda: the table's stream hands it each new event item, and it puts the
//! events on the stack's EventBridge bus, queues their deliveries to the webhooks subscribed
//! to them, and marks them published. It answers with the records
//! whose events were not put, so Lambda retries from there and, past its retries, hands them to
//! the dead-letter queue; the events stay unpublished and housekeeping re-drives them.

use orderdesk::app::{Shell, Store};
use orderdesk::events::{self, EventBus};
use orderdesk::stream::{self, StreamEvent, StreamResponse};
use std::sync::Arc;

/// Everything the function builds once per cold start.
pub struct App {
    store: Store,
    bus: Arc<dyn EventBus>,
}

impl App {
    /// Reads configuration from the environment (`EVENT_BUS_NAME` and `WEBHOOK_QUEUE_URL`
    /// among it) and builds the SDK clients.
    pub async fn from_env() -> Result<Self, lambda_runtime::Error> {
        let shell = Shell::from_env().await?;
        let announcer = shell.announcer()?;
        Ok(Self::new(shell.store, Arc::new(announcer)))
    }

    /// The function on these clients, e.g. a bus that refuses in a test.
    pub fn new(store: Store, bus: Arc<dyn EventBus>) -> Self {
        Self { store, bus }
    }

    /// Publishes the event of every record that holds one, in the stream's order, and reports
    /// the records whose events were not published.
    pub async fn handle(&self, event: StreamEvent) -> StreamResponse {
        let records: Vec<_> = event
            .records
            .iter()
            .filter_map(|r| stream::unpublished_event(r).map(|e| (r, e)))
            .collect();
        let events: Vec<_> = records.iter().map(|(_, e)| e.clone()).collect();
        let report = events::publish(&self.store, &*self.bus, &events).await;
        tracing::info!(
            published = report.published.len(),
            failed = report.failed.len(),
            "events published"
        );
        stream::failures(
            records
                .iter()
                .filter(|(_, e)| report.failed.contains(&e.id))
                .map(|(r, _)| *r),
        )
    }
}
