//! Events: the changes the seller's other systems follow. Each is written as an item in the
//! same transaction as the change it tells of (an outbox of events), so no change goes untold
//! and each event keeps the one id it was written with; the `publisher` puts new ones on the
//! stack's EventBridge bus from the table's stream, and housekeeping re-drives those still
//! unpublished. Publishing is at least once: a consumer that sees an id twice has seen one
//! event twice.

mod publish;

pub use publish::{
    Both, EventBus, EventStore, PUBLISH_BATCH, PublishReport, REDRIVE_LIMIT, publish,
    redrive_pending,
};

use crate::customers::Customer;
use crate::domain::Timestamp;
use crate::logins::{Login, LoginStatus};
use crate::orders::{Order, OrderEventKind};
use serde::{Deserialize, Serialize};

/// What changed, as `type` names it on the wire and as the bus's detail-type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventType {
    #[serde(rename = "order.requested")]
    OrderRequested,
    #[serde(rename = "order.updated")]
    OrderUpdated,
    #[serde(rename = "order.confirmed")]
    OrderConfirmed,
    #[serde(rename = "order.rejected")]
    OrderRejected,
    #[serde(rename = "order.cancelled")]
    OrderCancelled,
    #[serde(rename = "order.assigned")]
    OrderAssigned,
    #[serde(rename = "customer.created")]
    CustomerCreated,
    #[serde(rename = "customer.updated")]
    CustomerUpdated,
    #[serde(rename = "customer.deleted")]
    CustomerDeleted,
    #[serde(rename = "login.activated")]
    LoginActivated,
    #[serde(rename = "login.disabled")]
    LoginDisabled,
    /// Sent to one webhook when an admin tests it; never on the bus.
    #[serde(rename = "webhook.test")]
    WebhookTest,
}

impl EventType {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::OrderRequested => "order.requested",
            Self::OrderUpdated => "order.updated",
            Self::OrderConfirmed => "order.confirmed",
            Self::OrderRejected => "order.rejected",
            Self::OrderCancelled => "order.cancelled",
            Self::OrderAssigned => "order.assigned",
            Self::CustomerCreated => "customer.created",
            Self::CustomerUpdated => "customer.updated",
            Self::CustomerDeleted => "customer.deleted",
            Self::LoginActivated => "login.activated",
            Self::LoginDisabled => "login.disabled",
            Self::WebhookTest => "webhook.test",
        }
    }

    /// The types a webhook may subscribe to: every change (not the test).
    pub const SUBSCRIBABLE: [&'static str; 11] = [
        "order.requested",
        "order.updated",
        "order.confirmed",
        "order.rejected",
        "order.cancelled",
        "order.assigned",
        "customer.created",
        "customer.updated",
        "customer.deleted",
        "login.activated",
        "login.disabled",
    ];

    /// The subscribable type named `name`.
    pub fn subscribable(name: &str) -> Option<Self> {
        Self::SUBSCRIBABLE
            .contains(&name)
            .then(|| serde_json::from_value(serde_json::Value::from(name)).ok())
            .flatten()
    }
}

/// One change: `{id, type, occurred_at, data}`, `data` the resource as the API returns it (to
/// the seller's admins) once the change was made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `evt_` and a time-ordered UUID: stable from the write on, so a consumer can tell a
    /// second delivery from a second change.
    pub id: String,
    #[serde(rename = "type")]
    pub kind: EventType,
    pub occurred_at: Timestamp,
    pub data: serde_json::Value,
}

impl Event {
    /// A new event of `kind` about `data`, now.
    pub fn new(kind: EventType, at: Timestamp, data: &impl Serialize) -> Self {
        Self {
            id: format!("evt_{}", uuid::Uuid::now_v7().simple()),
            kind,
            occurred_at: at,
            data: serde_json::to_value(data).expect("a resource serialises"),
        }
    }
}

/// The events of an order's write: one for each step the write adds to its history (placed,
/// assigned, edited, confirmed, rejected, cancelled), in that order, each with the order as the
/// write leaves it.
pub fn order_events(before: Option<&Order>, after: &Order) -> Vec<Event> {
    let known = before.map_or(0, |b| b.history.len());
    after
        .history
        .iter()
        .skip(known)
        .map(|step| {
            let kind = match step.event {
                OrderEventKind::Submitted | OrderEventKind::Created => EventType::OrderRequested,
                OrderEventKind::Edited => EventType::OrderUpdated,
                OrderEventKind::Confirmed => EventType::OrderConfirmed,
                OrderEventKind::Rejected => EventType::OrderRejected,
                OrderEventKind::Cancelled => EventType::OrderCancelled,
                OrderEventKind::Assigned => EventType::OrderAssigned,
            };
            Event::new(kind, step.at, after)
        })
        .collect()
}

/// The event of a customer account's write: created, deleted, or else updated (when anything
/// changed), with the account as the write leaves it.
pub fn customer_events(before: Option<&Customer>, after: &Customer) -> Vec<Event> {
    let kind = match before {
        None => EventType::CustomerCreated,
        Some(b) if after.is_deleted() && !b.is_deleted() => EventType::CustomerDeleted,
        Some(b) if b != after => EventType::CustomerUpdated,
        Some(_) => return Vec::new(),
    };
    vec![Event::new(kind, after.updated_at, after)]
}

/// The event of a login's write that moves it into `active` (its invitation accepted, created
/// with a password, or enabled again) or into `disabled`, with the login as the write leaves
/// it; none for any other change.
pub fn login_events(before: Option<&Login>, after: &Login) -> Vec<Event> {
    let was = before.map(|b| b.status);
    let kind = match after.status {
        LoginStatus::Active if was != Some(LoginStatus::Active) => EventType::LoginActivated,
        LoginStatus::Disabled if was != Some(LoginStatus::Disabled) => EventType::LoginDisabled,
        _ => return Vec::new(),
    };
    vec![Event::new(kind, after.updated_at, after)]
}

#[cfg(test)]
mod tests;
