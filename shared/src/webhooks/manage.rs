//! The seller's admins keep their webhooks: create one (its secret shown once), change,
//! disable or delete it, rotate its secret, read its deliveries, retry one, send a test.

use super::address::{Host, Reach, Refusal, WebhookUrl};
use super::model::{
    Delivery, Keyring, MAX_WEBHOOKS, ROTATION_OVERLAP_SECONDS, Webhook, WebhookView, secret_binding,
};
use super::ports::{
    DeliveriesError, DeliveryJob, DeliveryQueue, Resolver, WebhookStore, WebhookStoreError,
};
use super::signing::SigningSecret;
use crate::actor::Principal;
use crate::audit::AuditEntry;
use crate::domain::{FieldError, Timestamp, Validator, bounded_text};
use crate::error::Unexpected;
use crate::events::{Event, EventType};
use crate::ids::{DeliveryId, WebhookId};
use crate::page::{Page, PageRequest};
use crate::seal::Sealer;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;

/// Body of `POST /admin/webhooks`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookBody {
    pub url: String,
    pub events: Vec<String>,
    pub description: Option<String>,
}

/// Body of `PATCH /admin/webhooks/{webhook_id}`: absent fields stay; `null` clears the
/// description.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookBody {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub enabled: Option<bool>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub description: Option<Option<String>>,
    pub version: Option<u64>,
}

/// Why a webhook use case did not go through.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("no such webhook")]
    NotFound,
    #[error("no such delivery")]
    DeliveryNotFound,
    #[error("the webhook was changed meanwhile")]
    Stale,
    #[error("there are {MAX_WEBHOOKS} webhooks already")]
    TooMany,
    #[error("the cursor belongs to another listing")]
    BadCursor,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

impl From<WebhookStoreError> for WebhookError {
    fn from(e: WebhookStoreError) -> Self {
        match e {
            WebhookStoreError::Stale | WebhookStoreError::Contention => Self::Stale,
            WebhookStoreError::Unexpected(u) => Self::Unexpected(u),
        }
    }
}

impl From<DeliveriesError> for WebhookError {
    fn from(e: DeliveriesError) -> Self {
        match e {
            DeliveriesError::BadCursor => Self::BadCursor,
            DeliveriesError::Unexpected(u) => Self::Unexpected(u),
        }
    }
}

/// What decides where webhooks may point: the reach of this deployment and the DNS that
/// tells where a host name leads.
#[derive(Clone)]
pub struct Reachability {
    pub reach: Reach,
    pub resolver: Arc<dyn Resolver>,
}

impl Reachability {
    /// Checks `raw` as a webhook URL: its shape, then every address its host resolves to.
    pub async fn check(&self, raw: &str) -> Result<WebhookUrl, Refusal> {
        let url = WebhookUrl::parse(raw, self.reach)?;
        if let Some(Host::Name(name)) = url.host() {
            let addresses = self.resolver.resolve(&name, url.port()).await;
            if addresses.is_empty() {
                return Err(Refusal::Unresolved);
            }
            for ip in addresses {
                self.reach.allows(url.scheme(), ip)?;
            }
        }
        Ok(url)
    }
}

/// `201` of `POST /admin/webhooks`: the webhook and its secret, shown this once.
#[derive(Debug, Serialize)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: WebhookView,
    pub secret: String,
}

/// `200` of a rotation: the new secret, shown this once, and until when the old one still
/// signs.
#[derive(Debug, Serialize)]
pub struct RotatedSecret {
    pub webhook_id: WebhookId,
    pub secret: String,
    pub previous_secret_valid_until: Timestamp,
}

/// `202` of a test or a retry: the delivery to watch in the log.
#[derive(Debug, Serialize)]
pub struct Queued {
    pub webhook_id: WebhookId,
    pub delivery_id: DeliveryId,
    pub event_id: String,
}

fn event_types(v: &mut Validator, raw: &[String]) -> Option<Vec<EventType>> {
    if raw.is_empty() {
        v.push("events", "name at least one event type");
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for (i, name) in raw.iter().enumerate() {
        match EventType::subscribable(name) {
            Some(kind) if !out.contains(&kind) => out.push(kind),
            Some(_) => {}
            None => {
                ok = false;
                v.push(
                    format!("events[{i}]"),
                    format!(
                        "is not an event type; one of {}",
                        EventType::SUBSCRIBABLE.join(", ")
                    ),
                );
            }
        }
    }
    ok.then_some(out)
}

fn description(v: &mut Validator, raw: Option<&str>) -> Option<String> {
    raw.and_then(|d| v.check("description", bounded_text(d, 0, 500)))
        .filter(|d| !d.is_empty())
}

async fn url(v: &mut Validator, reach: &Reachability, raw: &str) -> Option<WebhookUrl> {
    match reach.check(raw).await {
        Ok(url) => Some(url),
        Err(refusal) => {
            v.push("url", refusal.to_string());
            None
        }
    }
}

fn audit(admin: &Principal, now: Timestamp, action: &str, w: &Webhook) -> AuditEntry {
    let details =
        json!({ "webhook_id": w.id, "url": w.url, "events": w.events, "enabled": w.enabled });
    AuditEntry::by_admin(admin, now, action, None, details)
}

/// Creates a webhook with a new secret, sealed before it is written.
pub async fn create_webhook<S: WebhookStore, K: Sealer>(
    store: &S,
    sealer: &K,
    reach: &Reachability,
    admin: &Principal,
    body: CreateWebhookBody,
) -> Result<CreatedWebhook, WebhookError> {
    let mut v = Validator::default();
    let events = event_types(&mut v, &body.events);
    let description = description(&mut v, body.description.as_deref());
    let url = url(&mut v, reach, &body.url).await;
    v.finish(|| ()).map_err(WebhookError::Invalid)?;
    if store.webhooks().await?.len() >= MAX_WEBHOOKS {
        return Err(WebhookError::TooMany);
    }
    let id = WebhookId::generate();
    let secret = SigningSecret::generate();
    let sealed = sealer.seal(secret.as_secret(), secret_binding(&id)).await?;
    let now = Timestamp::now();
    let webhook = Webhook {
        id,
        url: url.expect("checked"),
        events: events.expect("checked"),
        description,
        enabled: true,
        keyring: Keyring {
            current: sealed,
            previous: None,
        },
        failing_since: None,
        disabled_reason: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let entry = audit(admin, now, "webhook.created", &webhook);
    store.put_webhook(None, &webhook, &entry).await?;
    Ok(CreatedWebhook {
        webhook: webhook.view(),
        secret: secret.as_secret().expose().to_owned(),
    })
}

/// Every webhook, oldest first.
pub async fn list_webhooks<S: WebhookStore>(store: &S) -> Result<Vec<WebhookView>, WebhookError> {
    Ok(store.webhooks().await?.iter().map(Webhook::view).collect())
}

async fn found<S: WebhookStore>(store: &S, id: &WebhookId) -> Result<Webhook, WebhookError> {
    store.webhook(id).await?.ok_or(WebhookError::NotFound)
}

pub async fn get_webhook<S: WebhookStore>(
    store: &S,
    id: &WebhookId,
) -> Result<WebhookView, WebhookError> {
    Ok(found(store, id).await?.view())
}

/// Changes a webhook's URL, events, description, or whether it is enabled. Enabling it again
/// forgets its failing streak, so it gets three more days.
pub async fn update_webhook<S: WebhookStore>(
    store: &S,
    reach: &Reachability,
    admin: &Principal,
    id: &WebhookId,
    body: UpdateWebhookBody,
) -> Result<WebhookView, WebhookError> {
    let mut v = Validator::default();
    let events = body.events.as_deref().and_then(|e| event_types(&mut v, e));
    let description = body.description.map(|d| description(&mut v, d.as_deref()));
    let url = match body.url.as_deref() {
        Some(raw) => url(&mut v, reach, raw).await,
        None => None,
    };
    v.finish(|| ()).map_err(WebhookError::Invalid)?;
    let before = found(store, id).await?;
    if body
        .version
        .is_some_and(|expected| expected != before.version)
    {
        return Err(WebhookError::Stale);
    }
    let now = Timestamp::now();
    let mut after = before.clone();
    after.url = url.unwrap_or(after.url);
    after.events = events.unwrap_or(after.events);
    after.description = description.unwrap_or(after.description);
    if let Some(enabled) = body.enabled {
        if enabled && !before.enabled {
            after.failing_since = None;
            after.disabled_reason = None;
        }
        after.enabled = enabled;
    }
    if after == before {
        return Ok(before.view());
    }
    after.updated_at = now;
    after.version += 1;
    let entry = audit(admin, now, "webhook.updated", &after);
    store.put_webhook(Some(&before), &after, &entry).await?;
    Ok(after.view())
}

pub async fn delete_webhook<S: WebhookStore>(
    store: &S,
    admin: &Principal,
    id: &WebhookId,
) -> Result<(), WebhookError> {
    let before = found(store, id).await?;
    let entry = audit(admin, Timestamp::now(), "webhook.deleted", &before);
    Ok(store.delete_webhook(&before, &entry).await?)
}

/// A new secret for the webhook; the one it replaces signs beside it for
/// [`ROTATION_OVERLAP_SECONDS`], and one rotated out before is dropped.
pub async fn rotate_secret<S: WebhookStore, K: Sealer>(
    store: &S,
    sealer: &K,
    admin: &Principal,
    id: &WebhookId,
) -> Result<RotatedSecret, WebhookError> {
    let before = found(store, id).await?;
    let secret = SigningSecret::generate();
    let sealed = sealer.seal(secret.as_secret(), secret_binding(id)).await?;
    let now = Timestamp::now();
    let until = now.plus_seconds(ROTATION_OVERLAP_SECONDS);
    let mut after = before.clone();
    after.keyring = Keyring {
        previous: Some((before.keyring.current.clone(), until)),
        current: sealed,
    };
    after.updated_at = now;
    after.version += 1;
    let entry = audit(admin, now, "webhook.secret_rotated", &after);
    store.put_webhook(Some(&before), &after, &entry).await?;
    Ok(RotatedSecret {
        webhook_id: id.clone(),
        secret: secret.as_secret().expose().to_owned(),
        previous_secret_valid_until: until,
    })
}

/// One page of the webhook's deliveries, newest first.
pub async fn list_deliveries<S: WebhookStore>(
    store: &S,
    id: &WebhookId,
    page: &PageRequest,
) -> Result<Page<Delivery>, WebhookError> {
    found(store, id).await?;
    Ok(store.deliveries(id, page).await?)
}

async fn queue<Q: DeliveryQueue + ?Sized>(queue: &Q, job: DeliveryJob) -> Result<(), WebhookError> {
    let refused = queue.enqueue(std::slice::from_ref(&job)).await?;
    if refused.is_empty() {
        Ok(())
    } else {
        Err(Unexpected::new("the delivery queue refused the attempt").into())
    }
}

/// Sends the webhook a `webhook.test` event now, whatever it subscribes to and even while it
/// is disabled: an admin checking a receiver before enabling it.
pub async fn send_test<S: WebhookStore, Q: DeliveryQueue + ?Sized>(
    store: &S,
    deliveries: &Q,
    id: &WebhookId,
) -> Result<Queued, WebhookError> {
    let webhook = found(store, id).await?;
    let data = json!({ "webhook_id": webhook.id, "url": webhook.url });
    let event = Event::new(EventType::WebhookTest, Timestamp::now(), &data);
    store.put_direct_event(&event).await?;
    let delivery_id = DeliveryId::of_event(&event.id).expect("an event id has its shape");
    let job = DeliveryJob {
        webhook_id: webhook.id.clone(),
        event_id: event.id.clone(),
        attempt: 0,
        manual: true,
    };
    queue(deliveries, job).await?;
    Ok(Queued {
        webhook_id: webhook.id,
        delivery_id,
        event_id: event.id,
    })
}

/// Attempts one delivery again now, whatever its state: a failed one stays failed if this
/// attempt fails too; a pending one keeps its schedule.
pub async fn retry_delivery<S: WebhookStore, Q: DeliveryQueue + ?Sized>(
    store: &S,
    deliveries: &Q,
    id: &WebhookId,
    delivery_id: &DeliveryId,
) -> Result<Queued, WebhookError> {
    found(store, id).await?;
    let delivery = store
        .delivery(id, delivery_id)
        .await?
        .ok_or(WebhookError::DeliveryNotFound)?;
    let job = DeliveryJob {
        webhook_id: id.clone(),
        event_id: delivery.event_id.clone(),
        attempt: delivery.attempts,
        manual: true,
    };
    queue(deliveries, job).await?;
    Ok(Queued {
        webhook_id: id.clone(),
        delivery_id: delivery.delivery_id,
        event_id: delivery.event_id,
    })
}
