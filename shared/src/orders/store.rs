//! The ports of orders and carts.

use super::{Cart, Order, OrderNumber, OrderStatus};
use crate::audit::AuditEntry;
use crate::error::Unexpected;
use crate::idempotency::IdempotencyRecord;
use crate::ids::{CustomerId, OrderId};
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
    #[error("the cursor does not belong to this listing")]
    BadCursor,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Where orders are kept.
#[async_trait::async_trait]
pub trait OrderStore: Send + Sync {
    /// The next order number (an atomic counter; numbers of failed submissions are skipped).
    async fn next_order_number(&self) -> Result<OrderNumber, Unexpected>;
    /// Writes a new order with its idempotency record, emails and audit entry, and empties
    /// the cart when the order came from it; all or none.
    async fn insert_order(
        &self,
        order: &Order,
        idempotency: Option<&IdempotencyRecord>,
        outbox: &[OutboxItem],
        audit: Option<&AuditEntry>,
        clear_cart: bool,
    ) -> Result<(), OrderStoreError>;
    async fn order(&self, id: &OrderId) -> Result<Option<Order>, Unexpected>;
    /// One account's orders, newest first.
    async fn customer_orders(
        &self,
        customer: &CustomerId,
        status: Option<OrderStatus>,
        page: &PageRequest,
    ) -> Result<Page<Order>, OrderStoreError>;
    /// Replaces `before` by `after` only if `before`'s status and version are still stored,
    /// with the emails the change sends; `Stale` otherwise.
    async fn replace_order(
        &self,
        before: &Order,
        after: &Order,
        outbox: &[OutboxItem],
        audit: Option<&AuditEntry>,
    ) -> Result<(), OrderStoreError>;
    /// Orders in `status`, newest first.
    async fn orders_in_status(
        &self,
        status: OrderStatus,
        page: &PageRequest,
    ) -> Result<Page<Order>, OrderStoreError>;
}

/// Where carts are kept.
#[async_trait::async_trait]
pub trait CartStore: Send + Sync {
    async fn cart(&self, customer: &CustomerId) -> Result<Option<Cart>, Unexpected>;
    /// Writes the cart, with an audit entry when an admin prefilled it.
    async fn put_cart(&self, cart: &Cart, audit: Option<&AuditEntry>) -> Result<(), Unexpected>;
}
