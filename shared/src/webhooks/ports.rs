//! What the webhook use cases need from the world: the table, the delivery queue, and an HTTP
//! client that reaches only the addresses a [`super::Reach`] allows.

use super::model::{Delivery, Streak, Webhook};
use crate::audit::AuditEntry;
use crate::domain::Timestamp;
use crate::error::Unexpected;
use crate::events::Event;
use crate::ids::{DeliveryId, WebhookId};
use crate::outbox::OutboxItem;
use crate::page::{Page, PageRequest};
use std::net::IpAddr;
use std::time::Duration;

/// Why a webhook write did not go through.
#[derive(Debug, thiserror::Error)]
pub enum WebhookStoreError {
    /// The webhook changed (or went) since it was read.
    #[error("the webhook was changed meanwhile")]
    Stale,
    #[error("another write to the webhook was under way")]
    Contention,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// The seller's webhooks, and the deliveries an admin reads.
#[async_trait::async_trait]
pub trait WebhookStore: Send + Sync {
    /// Every webhook, oldest first (at most [`super::MAX_WEBHOOKS`]).
    async fn webhooks(&self) -> Result<Vec<Webhook>, Unexpected>;

    async fn webhook(&self, id: &WebhookId) -> Result<Option<Webhook>, Unexpected>;

    /// Writes `after` in place of `before` (a new webhook when `None`), conditioned on
    /// `before`'s version, with its audit entry.
    async fn put_webhook(
        &self,
        before: Option<&Webhook>,
        after: &Webhook,
        audit: &AuditEntry,
    ) -> Result<(), WebhookStoreError>;

    /// Deletes the webhook if it is still at `before`'s version, with its audit entry. Its
    /// deliveries stay until their time to live ends.
    async fn delete_webhook(
        &self,
        before: &Webhook,
        audit: &AuditEntry,
    ) -> Result<(), WebhookStoreError>;

    /// Keeps an event that goes to one webhook only (a test) where the deliverer reads it,
    /// never published on the bus.
    async fn put_direct_event(&self, event: &Event) -> Result<(), Unexpected>;

    /// The webhook's deliveries, newest first.
    async fn deliveries(
        &self,
        id: &WebhookId,
        page: &PageRequest,
    ) -> Result<Page<Delivery>, DeliveriesError>;

    async fn delivery(
        &self,
        id: &WebhookId,
        delivery: &DeliveryId,
    ) -> Result<Option<Delivery>, Unexpected>;
}

/// Why a page of deliveries could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DeliveriesError {
    #[error("the cursor belongs to another listing")]
    BadCursor,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// What an attempt needs, read together: the webhook, the event and the delivery so far.
#[derive(Debug, Clone, Default)]
pub struct AttemptContext {
    pub webhook: Option<Webhook>,
    pub event: Option<Event>,
    pub delivery: Option<Delivery>,
}

/// What an attempt writes: the delivery moved on from `before` (`None` for its first), the
/// webhook's failing streak, and the admins' email when the webhook is disabled.
pub struct AttemptRecord<'a> {
    pub before: Option<&'a Delivery>,
    pub after: &'a Delivery,
    pub webhook: &'a Webhook,
    pub streak: &'a Streak,
    pub email: Option<&'a OutboxItem>,
    pub now: Timestamp,
}

/// Why an attempt could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// Another attempt of the same delivery was recorded first.
    #[error("the delivery was recorded meanwhile")]
    Stale,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// The deliveries as the deliverer and housekeeping move them on.
#[async_trait::async_trait]
pub trait DeliveryStore: Send + Sync {
    /// The webhook, the event and the delivery of `job`, in one read.
    async fn attempt_context(&self, job: &DeliveryJob) -> Result<AttemptContext, Unexpected>;

    async fn record_attempt(&self, record: AttemptRecord<'_>) -> Result<(), RecordError>;

    /// Up to `limit` pending deliveries whose next attempt is due at `now`, soonest first.
    async fn due_deliveries(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<Delivery>, Unexpected>;

    /// Takes a due delivery off the due list once its attempt is queued; `false` when it
    /// moved on meanwhile.
    async fn mark_queued(&self, delivery: &Delivery) -> Result<bool, Unexpected>;

    /// Every webhook (to find those an event goes to).
    async fn subscribers(&self) -> Result<Vec<Webhook>, Unexpected>;
}

/// One attempt to make: which delivery, and how many attempts it had when this one was asked
/// for, so that a second message for the same attempt finds it made and does nothing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeliveryJob {
    pub webhook_id: WebhookId,
    pub event_id: String,
    pub attempt: u32,
    /// Asked for by an admin (a test, a retry): made even when the webhook is disabled or the
    /// delivery failed.
    #[serde(default)]
    pub manual: bool,
}

impl DeliveryJob {
    /// The queue's deduplication id: one message per attempt of a delivery.
    pub fn dedup_id(&self) -> String {
        format!("{}.{}.{}", self.webhook_id, self.event_id, self.attempt)
    }
}

/// Where attempts wait their turn: one line per webhook, in order, independent of the others.
#[async_trait::async_trait]
pub trait DeliveryQueue: Send + Sync {
    /// Queues `jobs` in their order; the positions of those not queued.
    async fn enqueue(&self, jobs: &[DeliveryJob]) -> Result<Vec<usize>, Unexpected>;
}

/// A delivery's request.
#[derive(Debug, Clone)]
pub struct Outgoing<'a> {
    pub url: &'a super::WebhookUrl,
    pub headers: Vec<(&'static str, String)>,
    pub body: &'a [u8],
}

/// What came back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The endpoint answered with this status (its body read and dropped).
    Status(u16),
    /// The host resolved to an address the reach does not allow.
    Refused(IpAddr),
    /// No answer in time, or no connection: in words.
    Failed(String),
}

/// Posts deliveries: at most [`super::DELIVERY_TIMEOUT`], no redirects followed, each address
/// the host resolves to checked against the reach before connecting.
#[async_trait::async_trait]
pub trait Endpoint: Send + Sync {
    async fn post(&self, request: Outgoing<'_>) -> (Answer, Duration);
}

/// Resolves a host name to its addresses, to check them when a webhook is saved.
#[async_trait::async_trait]
pub trait Resolver: Send + Sync {
    /// The addresses of `host`; none when it does not resolve.
    async fn resolve(&self, host: &str, port: u16) -> Vec<IpAddr>;
}

#[async_trait::async_trait]
impl<T: DeliveryQueue + ?Sized> DeliveryQueue for &T {
    async fn enqueue(&self, jobs: &[DeliveryJob]) -> Result<Vec<usize>, Unexpected> {
        (**self).enqueue(jobs).await
    }
}

#[async_trait::async_trait]
impl<T: DeliveryStore + ?Sized> DeliveryStore for &T {
    async fn attempt_context(&self, job: &DeliveryJob) -> Result<AttemptContext, Unexpected> {
        (**self).attempt_context(job).await
    }

    async fn record_attempt(&self, record: AttemptRecord<'_>) -> Result<(), RecordError> {
        (**self).record_attempt(record).await
    }

    async fn due_deliveries(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<Delivery>, Unexpected> {
        (**self).due_deliveries(now, limit).await
    }

    async fn mark_queued(&self, delivery: &Delivery) -> Result<bool, Unexpected> {
        (**self).mark_queued(delivery).await
    }

    async fn subscribers(&self) -> Result<Vec<Webhook>, Unexpected> {
        (**self).subscribers().await
    }
}
