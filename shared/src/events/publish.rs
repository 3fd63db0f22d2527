//! Putting written events on the bus, and marking them published.

use super::Event;
use crate::domain::Timestamp;
use crate::error::Unexpected;

/// The most events one `PutEvents` takes.
pub const PUBLISH_BATCH: usize = 10;

/// Unpublished events re-driven per housekeeping run at most; the next run takes the rest.
pub const REDRIVE_LIMIT: usize = 200;

/// Where events are announced: the stack's EventBridge bus.
#[async_trait::async_trait]
pub trait EventBus: Send + Sync {
    /// Puts up to [`PUBLISH_BATCH`] events; the positions of those the bus refused. An error
    /// means none may have been put.
    async fn put(&self, events: &[Event]) -> Result<Vec<usize>, Unexpected>;
}

/// Two places to announce events as one: an event is put when both took it. An event one of
/// them refused is put on both again later, under its own id. The two are asked at once, so a
/// batch waits for the slower of them, not for both in turn.
pub struct Both<A, B>(pub A, pub B);

#[async_trait::async_trait]
impl<A: EventBus, B: EventBus> EventBus for Both<A, B> {
    async fn put(&self, events: &[Event]) -> Result<Vec<usize>, Unexpected> {
        let (first, second) = futures::join!(self.0.put(events), self.1.put(events));
        let mut refused = first?;
        refused.extend(second?);
        refused.sort_unstable();
        refused.dedup();
        Ok(refused)
    }
}

/// Where written events wait until they are published.
#[async_trait::async_trait]
pub trait EventStore: Send + Sync {
    /// Marks the event published (it leaves the unpublished list, and the table's TTL removes
    /// it later); one published already stays so.
    async fn mark_published(&self, event: &Event) -> Result<(), Unexpected>;
    /// Up to `limit` events written before `before` and not yet published, oldest first.
    async fn unpublished(&self, before: Timestamp, limit: usize) -> Result<Vec<Event>, Unexpected>;
}

/// What a publication did: the ids of the events put on the bus and of those that were not.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PublishReport {
    pub published: Vec<String>,
    pub failed: Vec<String>,
}

/// Puts `events` on the bus in batches and marks each one put as published. An event the bus
/// refused, or whose mark failed, is reported failed: it stays unpublished, to be put again
/// under its own id.
pub async fn publish<S: EventStore, B: EventBus + ?Sized>(
    store: &S,
    bus: &B,
    events: &[Event],
) -> PublishReport {
    let mut report = PublishReport::default();
    for batch in events.chunks(PUBLISH_BATCH) {
        let refused = match bus.put(batch).await {
            Ok(refused) => refused,
            Err(error) => {
                tracing::error!(error = %error.chain(), "putting events on the bus failed");
                (0..batch.len()).collect()
            }
        };
        // The marks of a batch go out together: each is one item's update, and a batch's wait
        // is then one round trip, not ten.
        let marks = batch.iter().enumerate().map(|(i, event)| {
            let put = !refused.contains(&i);
            async move {
                put && match store.mark_published(event).await {
                    Ok(()) => true,
                    Err(error) => {
                        tracing::error!(error = %error.chain(), event_id = %event.id, "marking an event failed");
                        false
                    }
                }
            }
        });
        let marked = futures::future::join_all(marks).await;
        for (event, marked) in batch.iter().zip(marked) {
            if marked {
                report.published.push(event.id.clone());
            } else {
                report.failed.push(event.id.clone());
            }
        }
    }
    report
}

/// Publishes the events still unpublished `older_than_seconds` after `now`: those whose
/// stream delivery failed past its retries, or came while the publisher was down.
pub async fn redrive_pending<S: EventStore, B: EventBus + ?Sized>(
    store: &S,
    bus: &B,
    older_than_seconds: i64,
    now: Timestamp,
) -> Result<PublishReport, Unexpected> {
    let due = store
        .unpublished(now.plus_seconds(-older_than_seconds), REDRIVE_LIMIT)
        .await?;
    Ok(publish(store, bus, &due).await)
}
