//! The ports of orders and carts.

use super::{Cart, Order, OrderNumber, OrderStatus, Reminder};
use crate::audit::AuditEntry;
use crate::error::Unexpected;
use crate::idempotency::IdempotencyRecord;
use crate::ids::{CustomerId, OrderId, TeamId};
use crate::outbox::OutboxItem;
use crate::page::{Page, PageRequest};

/// Why the store refused an order write or listing.
#[derive(Debug, thiserror::Error)]
pub enum OrderStoreError {
    #[error("the idempotency key was taken meanwhile")]
    KeyTaken,
    #[error("the order changed meanwhile")]
    Stale,
    #[error("another write was under way")]
    Contention,
    #[error("the cart changed after it was read")]
    CartChanged,
    #[error("the cursor does not belong to this listing")]
    BadCursor,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// A new order's number, and what the order's write must do to the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextNumber {
    pub number: OrderNumber,
    /// The counter as it was read ahead: the order's write advances it from this value to
    /// `number`, and meets [`OrderStoreError::Contention`] when another order took the number
    /// first. `None` when the number was taken from the counter already.
    pub counter_was: Option<u64>,
}

/// An order written with what rides along, all or none: a new order (`before` is `None`,
/// with its number, its idempotency record, and emptying its cart when it came from it) or a
/// change to one, conditional on `before`'s status and version.
#[derive(Debug, Clone, Copy)]
pub struct OrderWrite<'a> {
    pub before: Option<&'a Order>,
    pub after: &'a Order,
    /// A new order's number, claimed by this write when it was read ahead.
    pub number: Option<NextNumber>,
    pub idempotency: Option<&'a IdempotencyRecord>,
    pub outbox: &'a [OutboxItem],
    pub audit: Option<&'a AuditEntry>,
    /// Empties the cart the order came from, only if it is still at this version: an order
    /// from the cart is the cart as it was read, or nothing.
    pub clear_cart: Option<u64>,
    /// The reminders of a new assignment, in place of any the order had.
    pub reminders: &'a [Reminder],
}

impl<'a> OrderWrite<'a> {
    /// `after` in place of `before`, with the emails and the audit entry of the change.
    pub fn change(
        before: &'a Order,
        after: &'a Order,
        outbox: &'a [OutboxItem],
        audit: Option<&'a AuditEntry>,
    ) -> Self {
        Self {
            before: Some(before),
            after,
            number: None,
            idempotency: None,
            outbox,
            audit,
            clear_cart: None,
            reminders: &[],
        }
    }
}

/// Which orders a listing shows.
#[derive(Debug, Clone)]
pub enum OrderListing {
    /// One account's, newest first, in one status or all.
    Customer(CustomerId, Option<OrderStatus>),
    /// Every order in a status, newest first: the seller's queue.
    Status(OrderStatus),
    /// The queue of one team: the orders in a status assigned to it, newest first.
    Team(OrderStatus, TeamId),
    /// The requests past their response time at `now` (or, with `overdue` false, those not
    /// past it), of one team or every team's, newest first.
    Overdue {
        team: Option<TeamId>,
        now: crate::domain::Timestamp,
        overdue: bool,
    },
    /// The orders with a search term that begins with `text` (one account's, or every
    /// account's for the seller), in one status or all: by term, newest first within a term.
    Search {
        customer: Option<CustomerId>,
        text: super::SearchText,
        status: Option<OrderStatus>,
    },
}

/// Where orders are kept.
#[async_trait::async_trait]
pub trait OrderStore: Send + Sync {
    /// A number for a new order: one past the counter read ahead with the request's reads
    /// ([`crate::reads::ItemRef::OrderCounter`]), which the order's write then claims; when the
    /// counter was not read ahead (or was used already), one taken from it at once.
    async fn next_order_number(&self) -> Result<NextNumber, Unexpected>;
    /// A new order's write fails with `KeyTaken` when its key's record exists; a change's
    /// with `Stale` when the order moved on.
    async fn put_order(&self, w: OrderWrite<'_>) -> Result<(), OrderStoreError>;
    async fn order(&self, id: &OrderId) -> Result<Option<Order>, Unexpected>;
    async fn orders(
        &self,
        listing: &OrderListing,
        page: &PageRequest,
    ) -> Result<Page<Order>, OrderStoreError>;
}

/// Where carts are kept.
#[async_trait::async_trait]
pub trait CartStore: Send + Sync {
    async fn cart(&self, customer: &CustomerId) -> Result<Option<Cart>, Unexpected>;
    /// Writes the cart, with an audit entry when an admin prefilled it.
    async fn put_cart(&self, cart: &Cart, audit: Option<&AuditEntry>) -> Result<(), Unexpected>;
    /// Writes the cart only if it is still at version `was` (`None`: there is no cart yet), so
    /// lines added to a cart another login changed meanwhile are not lost: `Ok(false)` then.
    async fn put_cart_if(&self, cart: &Cart, was: Option<u64>) -> Result<bool, Unexpected>;
}
