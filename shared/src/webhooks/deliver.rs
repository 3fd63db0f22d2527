//! Delivering: one attempt of one delivery (the deliverer), handing each new event to the
//! webhooks that want it (the publisher), and queueing the attempts that are due again
//! (housekeeping).

use super::model::{Attempt, Delivery, DeliveryStatus, Streak, Webhook, secret_binding};
use super::ports::{
    Answer, AttemptRecord, DeliveryJob, DeliveryQueue, DeliveryStore, Endpoint, Outgoing,
    RecordError,
};
use super::signing::{SigningSecret, signature_header};
use crate::domain::{Email, Timestamp};
use crate::error::Unexpected;
use crate::events::{Event, EventBus};
use crate::outbox::{EmailMessage, OutboxItem};
use crate::portal::Portal;
use crate::seal::{OpenError, Sealer};
use std::time::Duration;

/// How long a delivery waits for the endpoint's answer.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// The most of an answer's body that is read; the rest is dropped unread.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// Due deliveries queued again per housekeeping run at most; the next run takes the rest.
pub const RETRY_LIMIT: usize = 500;

/// Where the seller's admins are told of a webhook that was disabled.
#[derive(Debug, Clone)]
pub struct Notice {
    pub inbox: Email,
    pub portal: Portal,
}

/// What became of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The attempt was made and recorded.
    Attempted(Delivery),
    /// Nothing to do, and why: the webhook was deleted or disabled, the attempt was made
    /// already, the event expired.
    Skipped(&'static str),
}

/// A factor from 0.9 to 1.1 that spreads retries, so the deliveries that failed together do
/// not all come back together.
fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).expect("the operating system gives random bytes");
    0.9 + 0.2 * f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX)
}

fn attempt_of(answer: Answer, at: Timestamp, took: Duration) -> Attempt {
    let (status_code, error) = match answer {
        Answer::Status(code) if (200..300).contains(&code) => (Some(code), None),
        Answer::Status(code) => (Some(code), Some(format!("answered {code}"))),
        Answer::Refused(ip) => (
            None,
            Some(format!(
                "not sent: the host resolves to {ip}, which is not a public address"
            )),
        ),
        Answer::Failed(why) => (None, Some(why)),
    };
    Attempt {
        at,
        status_code,
        duration_ms: u64::try_from(took.as_millis()).unwrap_or(u64::MAX),
        error,
    }
}

async fn signing_secrets<K: Sealer>(
    sealer: &K,
    webhook: &Webhook,
    now: Timestamp,
) -> Result<Vec<SigningSecret>, Unexpected> {
    let mut secrets = Vec::new();
    for sealed in webhook.keyring.signing(now) {
        let secret = sealer
            .open(sealed, secret_binding(&webhook.id))
            .await
            .map_err(|e| match e {
                OpenError::Refused(why) => {
                    Unexpected::new(format!("a webhook's secret does not open: {why}"))
                }
                OpenError::Unexpected(u) => u,
            })?;
        secrets.push(
            SigningSecret::parse(&secret)
                .ok_or_else(|| Unexpected::new("a webhook's secret is not a signing secret"))?,
        );
    }
    Ok(secrets)
}

/// The delivery `job` asks for, if it is still to be made.
fn due(
    job: &DeliveryJob,
    webhook: &Webhook,
    event: &Event,
    delivery: Option<Delivery>,
    now: Timestamp,
) -> Result<Delivery, &'static str> {
    if !job.manual && !webhook.wants(event.kind) {
        return Err("the webhook is disabled or no longer wants this event");
    }
    let delivery = match delivery {
        Some(d) => d,
        None => Delivery::new(&webhook.id, &event.id, event.kind, now)
            .ok_or("the event's id has no delivery id")?,
    };
    if delivery.attempts != job.attempt {
        return Err("this attempt was made already");
    }
    if !job.manual && delivery.status != DeliveryStatus::Pending {
        return Err("the delivery is over");
    }
    Ok(delivery)
}

/// Makes the attempt `job` asks for: posts the event, signed with every secret that signs
/// now, and records the attempt, the delivery's next step, and the webhook's failing streak
/// (disabling it, with an email to the seller's admins, after three days of failures), in one
/// write. A job whose attempt was made already, or whose webhook is gone, does nothing.
pub async fn deliver<S, K, E>(
    store: &S,
    sealer: &K,
    endpoint: &E,
    notice: &Notice,
    job: &DeliveryJob,
) -> Result<Outcome, Unexpected>
where
    S: DeliveryStore,
    K: Sealer,
    E: Endpoint + ?Sized,
{
    let context = store.attempt_context(job).await?;
    let (Some(webhook), Some(event)) = (context.webhook, context.event) else {
        return Ok(Outcome::Skipped(
            "the webhook was deleted or the event expired",
        ));
    };
    let now = Timestamp::now();
    let before = context.delivery;
    let delivery = match due(job, &webhook, &event, before.clone(), now) {
        Ok(d) => d,
        Err(why) => return Ok(Outcome::Skipped(why)),
    };
    let secrets = signing_secrets(sealer, &webhook, now).await?;
    let body = serde_json::to_vec(&event).expect("an event serialises");
    let sent_at = Timestamp::now();
    let timestamp = sent_at.unix_seconds();
    let headers = vec![
        ("content-type", "application/json".to_owned()),
        ("user-agent", "Orderdesk-Webhooks/1".to_owned()),
        ("webhook-id", event.id.clone()),
        ("webhook-timestamp", timestamp.to_string()),
        (
            "webhook-signature",
            signature_header(&secrets, &event.id, timestamp, &body),
        ),
    ];
    let request = Outgoing {
        url: &webhook.url,
        headers,
        body: &body,
    };
    let (answer, took) = endpoint.post(request).await;
    let attempt = attempt_of(answer, sent_at, took);
    let succeeded = attempt.succeeded();
    let after = delivery.after(attempt, jitter());
    let recorded = Timestamp::now();
    let streak = Streak::after(&webhook, succeeded, recorded);
    let email = match &streak {
        Streak::Disable { since } => Some(OutboxItem::new(
            notice.inbox.clone(),
            EmailMessage::WebhookDisabled {
                url: webhook.url.as_str().to_owned(),
                failing_since: since.to_string(),
                webhook_url: notice.portal.admin_webhook_url(&webhook.id),
            },
            recorded,
        )),
        _ => None,
    };
    let record = AttemptRecord {
        before: before.as_ref(),
        after: &after,
        webhook: &webhook,
        streak: &streak,
        email: email.as_ref(),
        now: recorded,
    };
    match store.record_attempt(record).await {
        Ok(()) => Ok(Outcome::Attempted(after)),
        Err(RecordError::Stale) => Ok(Outcome::Skipped("another attempt was recorded first")),
        Err(RecordError::Unexpected(u)) => Err(u),
    }
}

/// The webhooks as an [`EventBus`]: putting events queues each one's first attempt for every
/// enabled webhook subscribed to its type, in the events' order. Publishing puts events on
/// the EventBridge bus and on this, and marks them published once both took them.
pub struct WebhookFanOut<S, Q> {
    pub store: S,
    pub queue: Q,
}

#[async_trait::async_trait]
impl<S, Q> EventBus for WebhookFanOut<S, Q>
where
    S: DeliveryStore,
    Q: DeliveryQueue,
{
    async fn put(&self, events: &[Event]) -> Result<Vec<usize>, Unexpected> {
        let webhooks = self.store.subscribers().await?;
        let mut jobs = Vec::new();
        let mut of_event = Vec::new();
        for (i, event) in events.iter().enumerate() {
            for webhook in webhooks.iter().filter(|w| w.wants(event.kind)) {
                jobs.push(DeliveryJob {
                    webhook_id: webhook.id.clone(),
                    event_id: event.id.clone(),
                    attempt: 0,
                    manual: false,
                });
                of_event.push(i);
            }
        }
        if jobs.is_empty() {
            return Ok(Vec::new());
        }
        let mut refused: Vec<usize> = self
            .queue
            .enqueue(&jobs)
            .await?
            .into_iter()
            .map(|j| of_event[j])
            .collect();
        refused.dedup();
        Ok(refused)
    }
}

/// Queues the attempts due at `now` and takes them off the due list; the counts of queued
/// and of those that could not be.
pub async fn queue_due<S, Q>(
    store: &S,
    queue: &Q,
    now: Timestamp,
) -> Result<(usize, usize), Unexpected>
where
    S: DeliveryStore,
    Q: DeliveryQueue + ?Sized,
{
    let due = store.due_deliveries(now, RETRY_LIMIT).await?;
    let jobs: Vec<DeliveryJob> = due
        .iter()
        .map(|d| DeliveryJob {
            webhook_id: d.webhook_id.clone(),
            event_id: d.event_id.clone(),
            attempt: d.attempts,
            manual: false,
        })
        .collect();
    let refused = if jobs.is_empty() {
        Vec::new()
    } else {
        queue.enqueue(&jobs).await?
    };
    let mut queued = 0;
    for (i, delivery) in due.iter().enumerate() {
        if !refused.contains(&i) && store.mark_queued(delivery).await? {
            queued += 1;
        }
    }
    Ok((queued, refused.len()))
}
