//! [`EventBus`] on EventBridge `PutEvents`: source `orderdesk`, detail-type the event's type,
//! detail the event itself.

use crate::error::Unexpected;
use crate::events::{Event, EventBus};
use aws_sdk_eventbridge::types::PutEventsRequestEntry;

/// Every event's `source` on the bus, for rules to match.
pub const SOURCE: &str = "orderdesk";

/// The stack's bus.
#[derive(Debug, Clone)]
pub struct EventBridgeBus {
    client: aws_sdk_eventbridge::Client,
    bus_name: String,
}

impl EventBridgeBus {
    pub fn new(client: aws_sdk_eventbridge::Client, bus_name: &str) -> Self {
        Self {
            client,
            bus_name: bus_name.to_owned(),
        }
    }
}

#[async_trait::async_trait]
impl EventBus for EventBridgeBus {
    async fn put(&self, events: &[Event]) -> Result<Vec<usize>, Unexpected> {
        let entries = events
            .iter()
            .map(|e| {
                PutEventsRequestEntry::builder()
                    .event_bus_name(&self.bus_name)
                    .source(SOURCE)
                    .detail_type(e.kind.as_str())
                    .detail(serde_json::to_string(e).expect("an event serialises"))
                    .time(aws_smithy_types::DateTime::from_secs(
                        e.occurred_at.unix_seconds(),
                    ))
                    .build()
            })
            .collect();
        let out = self
            .client
            .put_events()
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(|e| crate::sdk::failure("EventBridge PutEvents failed", e))?;
        Ok(out
            .entries()
            .iter()
            .enumerate()
            .filter(|(_, entry)| entry.error_code().is_some())
            .map(|(i, _)| i)
            .collect())
    }
}
