//! Webhooks and their deliveries as the domain sees them: what is stored, what an admin is
//! shown, and how a delivery moves on after each attempt.

use super::address::WebhookUrl;
use crate::domain::Timestamp;
use crate::events::EventType;
use crate::ids::{DeliveryId, WebhookId};
use crate::seal::{Binding, Sealed};
use serde::Serialize;

/// At most this many webhooks per seller: each event is offered to every one of them.
pub const MAX_WEBHOOKS: usize = 20;

/// How long a rotated-out secret still signs deliveries beside the new one, so that a receiver
/// can switch to the new secret without missing a delivery.
pub const ROTATION_OVERLAP_SECONDS: i64 = 24 * 3600;

/// A webhook whose deliveries have all failed for this long is disabled and its admins told.
pub const DISABLE_AFTER_FAILING_SECONDS: i64 = 3 * 24 * 3600;

/// How long a delivery and its attempts are kept (the table's TTL removes them).
pub const KEEP_DELIVERIES_SECONDS: i64 = 30 * 24 * 3600;

/// The waits before each attempt after the first (Standard Webhooks' schedule without its
/// first, 5-second step, which housekeeping's 5-minute round could not keep): 27 h 35 min in
/// all, at least 24 h 49 min with the jitter.
pub const RETRY_DELAYS_SECONDS: [i64; 6] = [300, 1800, 7200, 18_000, 36_000, 36_000];

/// Attempts a delivery gets on its own before it is `failed`.
pub const MAX_ATTEMPTS: u32 = RETRY_DELAYS_SECONDS.len() as u32 + 1;

/// The webhook's signing secrets, sealed: the current one and, for a day after a rotation, the
/// one before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keyring {
    pub current: Sealed,
    pub previous: Option<(Sealed, Timestamp)>,
}

impl Keyring {
    /// The sealed secrets that sign a delivery at `now`, newest first.
    pub fn signing(&self, now: Timestamp) -> Vec<&Sealed> {
        let previous = self
            .previous
            .as_ref()
            .filter(|(_, until)| *until > now)
            .map(|(s, _)| s);
        std::iter::once(&self.current).chain(previous).collect()
    }
}

/// Where a webhook's secrets are sealed: bound to the webhook, so a ciphertext copied to
/// another webhook does not open.
pub fn secret_binding(id: &WebhookId) -> Binding<'_> {
    Binding {
        purpose: "webhook",
        item: id.as_str(),
        field: "signing_secret",
    }
}

/// A webhook as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: WebhookId,
    pub url: WebhookUrl,
    pub events: Vec<EventType>,
    pub description: Option<String>,
    pub enabled: bool,
    pub keyring: Keyring,
    /// Since when every attempt has failed; `None` after any success.
    pub failing_since: Option<Timestamp>,
    /// Why the webhook was disabled by the system, if it was.
    pub disabled_reason: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

impl Webhook {
    /// Whether events of `kind` go to this webhook now: those it subscribes to, and the
    /// tests an admin sends it (whose retries follow the schedule too), while it is enabled.
    pub fn wants(&self, kind: EventType) -> bool {
        self.enabled && (kind == EventType::WebhookTest || self.events.contains(&kind))
    }

    /// The webhook as an admin sees it; never its secrets.
    pub fn view(&self) -> WebhookView {
        WebhookView {
            webhook_id: self.id.clone(),
            url: self.url.as_str().to_owned(),
            events: self.events.clone(),
            description: self.description.clone(),
            enabled: self.enabled,
            failing_since: self.failing_since,
            disabled_reason: self.disabled_reason.clone(),
            secret_rotated_until: self.keyring.previous.as_ref().map(|(_, until)| *until),
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }
}

/// `GET /admin/webhooks/{webhook_id}` and each item of the list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebhookView {
    pub webhook_id: WebhookId,
    pub url: String,
    pub events: Vec<EventType>,
    pub description: Option<String>,
    pub enabled: bool,
    pub failing_since: Option<Timestamp>,
    pub disabled_reason: Option<String>,
    /// Until when the secret before the last rotation still signs deliveries.
    pub secret_rotated_until: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not attempted yet, or waiting for its next attempt.
    Pending,
    Succeeded,
    /// Every attempt failed; only a retry by hand tries again.
    Failed,
}

/// One attempt: when, what came back, how long it took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Attempt {
    pub at: Timestamp,
    pub status_code: Option<u16>,
    pub duration_ms: u64,
    /// Why there was no 2xx answer, in words (the address refused, a timeout, a status).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl Attempt {
    pub fn succeeded(&self) -> bool {
        self.error.is_none()
    }
}

/// Attempts kept on a delivery (the newest), so a delivery retried by hand again and again
/// stays one small item.
pub const ATTEMPTS_KEPT: usize = 20;

/// One event's delivery to one webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub delivery_id: DeliveryId,
    pub webhook_id: WebhookId,
    pub event_id: String,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: u32,
    pub last_status_code: Option<u16>,
    pub next_attempt_at: Option<Timestamp>,
    pub created_at: Timestamp,
    /// The newest [`ATTEMPTS_KEPT`] attempts, oldest first.
    pub log: Vec<Attempt>,
}

impl Delivery {
    /// The delivery of `event` to `webhook`, before its first attempt.
    pub fn new(
        webhook_id: &WebhookId,
        event_id: &str,
        event_type: EventType,
        now: Timestamp,
    ) -> Option<Self> {
        Some(Self {
            delivery_id: DeliveryId::of_event(event_id)?,
            webhook_id: webhook_id.clone(),
            event_id: event_id.to_owned(),
            event_type,
            status: DeliveryStatus::Pending,
            attempts: 0,
            last_status_code: None,
            next_attempt_at: None,
            created_at: now,
            log: Vec::new(),
        })
    }

    /// The delivery after `attempt`. A success ends it; a failure waits for the next step of
    /// the schedule (`jitter`, from 0.9 to 1.1, spreads the waits), or ends it `failed` after
    /// the last, or at once when a retry by hand of a failed delivery fails again.
    pub fn after(&self, attempt: Attempt, jitter: f64) -> Self {
        let mut next = self.clone();
        next.attempts += 1;
        next.last_status_code = attempt.status_code;
        let at = attempt.at;
        let ok = attempt.succeeded();
        next.log.push(attempt);
        if next.log.len() > ATTEMPTS_KEPT {
            next.log.remove(0);
        }
        let wait = usize::try_from(next.attempts - 1)
            .ok()
            .and_then(|i| RETRY_DELAYS_SECONDS.get(i));
        (next.status, next.next_attempt_at) = match (ok, wait) {
            (true, _) => (DeliveryStatus::Succeeded, None),
            (false, Some(wait)) if self.status != DeliveryStatus::Failed => {
                let wait = (*wait as f64 * jitter.clamp(0.9, 1.1)).round() as i64;
                (DeliveryStatus::Pending, Some(at.plus_seconds(wait)))
            }
            (false, _) => (DeliveryStatus::Failed, None),
        };
        next
    }
}

/// What the webhook's record needs after an attempt: nothing, or its failing streak started or
/// ended, or the webhook disabled because the streak has lasted
/// [`DISABLE_AFTER_FAILING_SECONDS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Streak {
    Unchanged,
    Started(Timestamp),
    Ended,
    Disable { since: Timestamp },
}

impl Streak {
    /// The change `webhook` needs after an attempt at `now` that `succeeded` or not.
    pub fn after(webhook: &Webhook, succeeded: bool, now: Timestamp) -> Self {
        match (succeeded, webhook.failing_since) {
            (true, Some(_)) => Self::Ended,
            (true, None) => Self::Unchanged,
            (false, None) => Self::Started(now),
            (false, Some(since))
                if webhook.enabled
                    && now.unix_seconds() - since.unix_seconds()
                        >= DISABLE_AFTER_FAILING_SECONDS =>
            {
                Self::Disable { since }
            }
            (false, Some(_)) => Self::Unchanged,
        }
    }
}
