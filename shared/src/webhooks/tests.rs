//! The webhook use cases on in-memory ports: registration's checks, signing with the secrets
//! of the moment, the retry schedule, the failing streak, and queued jobs made once.

use super::*;
use crate::audit::AuditEntry;
use crate::domain::{Email, Timestamp};
use crate::error::Unexpected;
use crate::events::{Event, EventType};
use crate::ids::{DeliveryId, WebhookId};
use crate::memory::MemorySealer;
use crate::memory::fixtures::admin;
use crate::page::{Page, PageRequest};
use crate::portal::Portal;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Fake {
    webhooks: Mutex<HashMap<WebhookId, Webhook>>,
    events: Mutex<HashMap<String, Event>>,
    deliveries: Mutex<HashMap<(WebhookId, String), Delivery>>,
    emails: Mutex<Vec<crate::outbox::OutboxItem>>,
    queued: Mutex<Vec<DeliveryJob>>,
}

#[async_trait::async_trait]
impl WebhookStore for Fake {
    async fn webhooks(&self) -> Result<Vec<Webhook>, Unexpected> {
        Ok(self.webhooks.lock().unwrap().values().cloned().collect())
    }
    async fn webhook(&self, id: &WebhookId) -> Result<Option<Webhook>, Unexpected> {
        Ok(self.webhooks.lock().unwrap().get(id).cloned())
    }
    async fn put_webhook(
        &self,
        before: Option<&Webhook>,
        after: &Webhook,
        _: &AuditEntry,
    ) -> Result<(), WebhookStoreError> {
        let mut all = self.webhooks.lock().unwrap();
        let stored = all.get(&after.id).map(|w| w.version);
        if stored != before.map(|b| b.version) {
            return Err(WebhookStoreError::Stale);
        }
        all.insert(after.id.clone(), after.clone());
        Ok(())
    }
    async fn delete_webhook(
        &self,
        before: &Webhook,
        _: &AuditEntry,
    ) -> Result<(), WebhookStoreError> {
        self.webhooks.lock().unwrap().remove(&before.id);
        Ok(())
    }
    async fn put_direct_event(&self, event: &Event) -> Result<(), Unexpected> {
        self.events
            .lock()
            .unwrap()
            .insert(event.id.clone(), event.clone());
        Ok(())
    }
    async fn deliveries(
        &self,
        id: &WebhookId,
        _: &PageRequest,
    ) -> Result<Page<Delivery>, DeliveriesError> {
        let items = self
            .deliveries
            .lock()
            .unwrap()
            .values()
            .filter(|d| &d.webhook_id == id)
            .cloned()
            .collect();
        Ok(Page {
            items,
            next_cursor: None,
        })
    }
    async fn delivery(
        &self,
        id: &WebhookId,
        d: &DeliveryId,
    ) -> Result<Option<Delivery>, Unexpected> {
        Ok(self
            .deliveries
            .lock()
            .unwrap()
            .get(&(id.clone(), d.event_id()))
            .cloned())
    }
}

#[async_trait::async_trait]
impl DeliveryStore for Fake {
    async fn attempt_context(&self, job: &DeliveryJob) -> Result<AttemptContext, Unexpected> {
        Ok(AttemptContext {
            webhook: self.webhooks.lock().unwrap().get(&job.webhook_id).cloned(),
            event: self.events.lock().unwrap().get(&job.event_id).cloned(),
            delivery: self
                .deliveries
                .lock()
                .unwrap()
                .get(&(job.webhook_id.clone(), job.event_id.clone()))
                .cloned(),
        })
    }
    async fn record_attempt(&self, r: AttemptRecord<'_>) -> Result<(), RecordError> {
        let key = (r.after.webhook_id.clone(), r.after.event_id.clone());
        let mut all = self.deliveries.lock().unwrap();
        if all.get(&key).map(|d| d.attempts) != r.before.map(|b| b.attempts) {
            return Err(RecordError::Stale);
        }
        all.insert(key, r.after.clone());
        let mut webhooks = self.webhooks.lock().unwrap();
        let w = webhooks.get_mut(&r.webhook.id).unwrap();
        match r.streak {
            Streak::Unchanged => {}
            Streak::Started(at) => w.failing_since = w.failing_since.or(Some(*at)),
            Streak::Ended => w.failing_since = None,
            Streak::Disable { .. } => {
                w.enabled = false;
                w.disabled_reason = Some("failing".into());
            }
        }
        self.emails.lock().unwrap().extend(r.email.cloned());
        Ok(())
    }
    async fn due_deliveries(&self, now: Timestamp, _: usize) -> Result<Vec<Delivery>, Unexpected> {
        Ok(self
            .deliveries
            .lock()
            .unwrap()
            .values()
            .filter(|d| d.next_attempt_at.is_some_and(|at| at <= now))
            .cloned()
            .collect())
    }
    async fn mark_queued(&self, d: &Delivery) -> Result<bool, Unexpected> {
        let mut all = self.deliveries.lock().unwrap();
        let stored = all
            .get_mut(&(d.webhook_id.clone(), d.event_id.clone()))
            .unwrap();
        stored.next_attempt_at = None;
        Ok(true)
    }
    async fn subscribers(&self) -> Result<Vec<Webhook>, Unexpected> {
        WebhookStore::webhooks(self).await
    }
}

#[async_trait::async_trait]
impl DeliveryQueue for Fake {
    async fn enqueue(&self, jobs: &[DeliveryJob]) -> Result<Vec<usize>, Unexpected> {
        self.queued.lock().unwrap().extend(jobs.iter().cloned());
        Ok(Vec::new())
    }
}

/// Each request's headers and body.
type Seen = Vec<(Vec<(&'static str, String)>, Vec<u8>)>;

/// An endpoint that answers each request with the next status, and keeps what it was sent.
#[derive(Default)]
struct Receiver {
    answers: Mutex<Vec<Answer>>,
    seen: Mutex<Seen>,
}

impl Receiver {
    fn answering(answers: &[u16]) -> Self {
        Self {
            answers: Mutex::new(answers.iter().rev().map(|c| Answer::Status(*c)).collect()),
            ..Self::default()
        }
    }
}

#[async_trait::async_trait]
impl Endpoint for Receiver {
    async fn post(&self, r: Outgoing<'_>) -> (Answer, Duration) {
        self.seen
            .lock()
            .unwrap()
            .push((r.headers.clone(), r.body.to_vec()));
        let answer = self
            .answers
            .lock()
            .unwrap()
            .pop()
            .unwrap_or(Answer::Status(200));
        (answer, Duration::from_millis(7))
    }
}

/// DNS that answers every name with the same addresses.
struct Dns(Vec<IpAddr>);

#[async_trait::async_trait]
impl Resolver for Dns {
    async fn resolve(&self, _: &str, _: u16) -> Vec<IpAddr> {
        self.0.clone()
    }
}

fn reach(addresses: &[&str]) -> Reachability {
    Reachability {
        reach: Reach::PublicOnly,
        resolver: Arc::new(Dns(addresses.iter().map(|a| a.parse().unwrap()).collect())),
    }
}

fn notice() -> Notice {
    Notice {
        inbox: Email::parse("orders@seller.example").unwrap(),
        portal: Portal::new("https://portal.example", 60),
    }
}

fn body(events: &[&str]) -> CreateWebhookBody {
    CreateWebhookBody {
        url: "https://erp.example.com/hooks".into(),
        events: events.iter().map(|e| (*e).to_owned()).collect(),
        description: Some("ERP".into()),
    }
}

async fn registered(fake: &Fake, sealer: &MemorySealer, events: &[&str]) -> CreatedWebhook {
    create_webhook(
        fake,
        sealer,
        &reach(&["93.184.216.34"]),
        &admin(),
        body(events),
    )
    .await
    .unwrap()
}

fn event(fake: &Fake, kind: EventType) -> Event {
    let e = Event::new(
        kind,
        Timestamp::now(),
        &serde_json::json!({"order_id": "ord_1"}),
    );
    fake.events.lock().unwrap().insert(e.id.clone(), e.clone());
    e
}

fn job(w: &CreatedWebhook, e: &Event, attempt: u32) -> DeliveryJob {
    DeliveryJob {
        webhook_id: w.webhook.webhook_id.clone(),
        event_id: e.id.clone(),
        attempt,
        manual: false,
    }
}

#[tokio::test]
async fn a_host_that_resolves_inside_is_refused_naming_the_url_and_nothing_is_written() {
    let (fake, sealer) = (Fake::default(), MemorySealer::default());
    for inside in [
        &["10.0.0.7"][..],
        &["93.184.216.34", "169.254.169.254"],
        &["fd00:ec2::254"],
        &[],
    ] {
        let refused = create_webhook(
            &fake,
            &sealer,
            &reach(inside),
            &admin(),
            body(&["order.confirmed"]),
        )
        .await;

        let Err(WebhookError::Invalid(errors)) = refused else {
            panic!("{inside:?} was accepted");
        };
        assert_eq!(errors[0].field, "url");
    }
    let Err(WebhookError::Invalid(errors)) = create_webhook(
        &fake,
        &sealer,
        &reach(&["93.184.216.34"]),
        &admin(),
        body(&["order.shipped", "webhook.test"]),
    )
    .await
    else {
        panic!("unknown event types were accepted");
    };
    assert_eq!(
        errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
        ["events[0]", "events[1]"]
    );
    assert!(fake.webhooks.lock().unwrap().is_empty());
    assert_eq!(sealer.seals(), 0);
}

#[tokio::test]
async fn a_delivery_is_signed_with_the_secret_shown_once_and_a_second_message_for_it_does_nothing()
{
    let (fake, sealer) = (Fake::default(), MemorySealer::default());
    let created = registered(&fake, &sealer, &["order.confirmed"]).await;
    let e = event(&fake, EventType::OrderConfirmed);
    let receiver = Receiver::answering(&[204]);

    let outcome = deliver(&fake, &sealer, &receiver, &notice(), &job(&created, &e, 0))
        .await
        .unwrap();
    let again = deliver(&fake, &sealer, &receiver, &notice(), &job(&created, &e, 0))
        .await
        .unwrap();

    let Outcome::Attempted(d) = outcome else {
        panic!("not attempted: {outcome:?}")
    };
    assert_eq!(
        (d.status, d.attempts, d.last_status_code),
        (DeliveryStatus::Succeeded, 1, Some(204))
    );
    assert_eq!(again, Outcome::Skipped("this attempt was made already"));
    let seen = receiver.seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    let (headers, sent) = &seen[0];
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(header("webhook-id"), e.id);
    let ts: i64 = header("webhook-timestamp").parse().unwrap();
    let secret = SigningSecret::parse(&crate::seal::Secret::new(created.secret.clone())).unwrap();
    assert_eq!(header("webhook-signature"), secret.sign(&e.id, ts, sent));
    assert_eq!(serde_json::from_slice::<Event>(sent).unwrap(), e);
}

#[tokio::test]
async fn after_a_rotation_both_secrets_sign_until_the_old_one_expires() {
    let (fake, sealer) = (Fake::default(), MemorySealer::default());
    let created = registered(&fake, &sealer, &["order.confirmed"]).await;
    let rotated = rotate_secret(&fake, &sealer, &admin(), &created.webhook.webhook_id)
        .await
        .unwrap();
    let e = event(&fake, EventType::OrderConfirmed);
    let receiver = Receiver::answering(&[200]);

    deliver(&fake, &sealer, &receiver, &notice(), &job(&created, &e, 0))
        .await
        .unwrap();

    let (headers, sent) = receiver.seen.lock().unwrap()[0].clone();
    let value = |name: &str| headers.iter().find(|(n, _)| *n == name).unwrap().1.clone();
    let ts: i64 = value("webhook-timestamp").parse().unwrap();
    let sign = |s: &str| {
        SigningSecret::parse(&crate::seal::Secret::new(s))
            .unwrap()
            .sign(&e.id, ts, &sent)
    };
    assert_eq!(
        value("webhook-signature"),
        format!("{} {}", sign(&rotated.secret), sign(&created.secret))
    );
    let w = fake.webhooks.lock().unwrap()[&created.webhook.webhook_id].clone();
    let later = Timestamp::now().plus_seconds(ROTATION_OVERLAP_SECONDS + 1);
    assert_eq!(w.keyring.signing(later), vec![&w.keyring.current]);
}

#[tokio::test]
async fn a_failing_endpoint_is_retried_on_the_schedule_and_then_failed() {
    let (fake, sealer) = (Fake::default(), MemorySealer::default());
    let created = registered(&fake, &sealer, &["order.confirmed"]).await;
    let e = event(&fake, EventType::OrderConfirmed);
    let receiver = Receiver::answering(&[500; 8]);
    let mut waited = 0;

    for attempt in 0..MAX_ATTEMPTS {
        let Outcome::Attempted(d) = deliver(
            &fake,
            &sealer,
            &receiver,
            &notice(),
            &job(&created, &e, attempt),
        )
        .await
        .unwrap() else {
            panic!("attempt {attempt} was skipped");
        };
        match d.next_attempt_at {
            Some(next) => {
                let wait = next.unix_seconds() - d.log.last().unwrap().at.unix_seconds();
                let planned = RETRY_DELAYS_SECONDS[attempt as usize];
                assert!(
                    (planned * 9 / 10..=planned * 11 / 10).contains(&wait),
                    "{wait} s after attempt {attempt}"
                );
                waited += wait;
                assert_eq!(d.status, DeliveryStatus::Pending);
            }
            None => assert_eq!(
                (attempt + 1, d.status),
                (MAX_ATTEMPTS, DeliveryStatus::Failed)
            ),
        }
    }

    assert!(waited >= 24 * 3600, "retried for {waited} s only");
    let d = fake
        .deliveries
        .lock()
        .unwrap()
        .values()
        .next()
        .cloned()
        .unwrap();
    assert_eq!(
        (d.attempts, d.log.len()),
        (MAX_ATTEMPTS, MAX_ATTEMPTS as usize)
    );
    assert_eq!(d.log[0].error.as_deref(), Some("answered 500"));
    let retry = retry_delivery(&fake, &fake, &created.webhook.webhook_id, &d.delivery_id)
        .await
        .unwrap();
    assert_eq!(retry.event_id, e.id);
    let queued = fake.queued.lock().unwrap().last().cloned().unwrap();
    assert!(queued.manual && queued.attempt == MAX_ATTEMPTS);
    let Outcome::Attempted(again) = deliver(&fake, &sealer, &receiver, &notice(), &queued)
        .await
        .unwrap()
    else {
        panic!("the retry by hand was skipped");
    };
    assert_eq!(
        (again.status, again.next_attempt_at),
        (DeliveryStatus::Failed, None)
    );
}

#[tokio::test]
async fn a_webhook_failing_for_three_days_is_disabled_and_the_admins_are_emailed_once() {
    let (fake, sealer) = (Fake::default(), MemorySealer::default());
    let created = registered(&fake, &sealer, &["order.confirmed"]).await;
    let id = created.webhook.webhook_id.clone();
    let receiver = Receiver::answering(&[503; 4]);
    let first = event(&fake, EventType::OrderConfirmed);
    deliver(
        &fake,
        &sealer,
        &receiver,
        &notice(),
        &job(&created, &first, 0),
    )
    .await
    .unwrap();
    assert!(fake.webhooks.lock().unwrap()[&id].failing_since.is_some());
    fake.webhooks
        .lock()
        .unwrap()
        .get_mut(&id)
        .unwrap()
        .failing_since = Some(Timestamp::now().plus_seconds(-DISABLE_AFTER_FAILING_SECONDS - 1));

    let second = event(&fake, EventType::OrderConfirmed);
    deliver(
        &fake,
        &sealer,
        &receiver,
        &notice(),
        &job(&created, &second, 0),
    )
    .await
    .unwrap();
    let third = event(&fake, EventType::OrderConfirmed);
    let skipped = deliver(
        &fake,
        &sealer,
        &receiver,
        &notice(),
        &job(&created, &third, 0),
    )
    .await
    .unwrap();

    let w = fake.webhooks.lock().unwrap()[&id].clone();
    assert!(!w.enabled);
    assert!(w.disabled_reason.is_some());
    assert_eq!(
        skipped,
        Outcome::Skipped("the webhook is disabled or no longer wants this event")
    );
    let emails: Vec<_> = fake.emails.lock().unwrap().clone();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].message.template(), "webhook_disabled");
    let test = send_test(&fake, &fake, &id).await.unwrap();
    let queued = fake.queued.lock().unwrap().last().cloned().unwrap();
    assert!(
        matches!(
            deliver(&fake, &sealer, &receiver, &notice(), &queued).await.unwrap(),
            Outcome::Attempted(d) if d.event_type == EventType::WebhookTest && d.delivery_id == test.delivery_id
        ),
        "a test reaches a disabled webhook"
    );
    let enabled = UpdateWebhookBody {
        url: None,
        events: None,
        enabled: Some(true),
        description: None,
        version: None,
    };
    let view = update_webhook(&fake, &reach(&["93.184.216.34"]), &admin(), &id, enabled)
        .await
        .unwrap();
    assert!(view.enabled && view.failing_since.is_none() && view.disabled_reason.is_none());
}

#[tokio::test]
async fn each_event_is_queued_for_the_enabled_webhooks_that_want_it_in_order_and_due_retries_once()
{
    let (fake, sealer) = (Fake::default(), MemorySealer::default());
    let orders = registered(&fake, &sealer, &["order.confirmed", "order.rejected"]).await;
    let customers = registered(&fake, &sealer, &["customer.created"]).await;
    let off = registered(&fake, &sealer, &["order.confirmed"]).await;
    fake.webhooks
        .lock()
        .unwrap()
        .get_mut(&off.webhook.webhook_id)
        .unwrap()
        .enabled = false;
    let (a, b, c) = (
        event(&fake, EventType::OrderConfirmed),
        event(&fake, EventType::CustomerCreated),
        event(&fake, EventType::OrderRejected),
    );
    let fan_out = WebhookFanOut {
        store: &fake,
        queue: &fake,
    };

    let refused = crate::events::EventBus::put(&fan_out, &[a.clone(), b.clone(), c.clone()])
        .await
        .unwrap();

    assert!(refused.is_empty());
    let queued: Vec<(WebhookId, String)> = fake
        .queued
        .lock()
        .unwrap()
        .iter()
        .map(|j| (j.webhook_id.clone(), j.event_id.clone()))
        .collect();
    let (o, cu) = (
        orders.webhook.webhook_id.clone(),
        customers.webhook.webhook_id.clone(),
    );
    assert_eq!(
        queued,
        [
            (o.clone(), a.id.clone()),
            (cu, b.id.clone()),
            (o, c.id.clone())
        ]
    );

    let receiver = Receiver::answering(&[500]);
    deliver(&fake, &sealer, &receiver, &notice(), &job(&orders, &a, 0))
        .await
        .unwrap();
    fake.queued.lock().unwrap().clear();
    assert_eq!(
        queue_due(&fake, &fake, Timestamp::now()).await.unwrap(),
        (0, 0)
    );
    let later = Timestamp::now().plus_seconds(RETRY_DELAYS_SECONDS[0] * 2);
    assert_eq!(queue_due(&fake, &fake, later).await.unwrap(), (1, 0));
    assert_eq!(queue_due(&fake, &fake, later).await.unwrap(), (0, 0));
    let retry = fake.queued.lock().unwrap()[0].clone();
    assert_eq!(
        (retry.event_id, retry.attempt, retry.manual),
        (a.id, 1, false)
    );
}
