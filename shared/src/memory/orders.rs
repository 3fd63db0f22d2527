//! Orders and carts in memory.

use super::{Memory, keep_record, key_free};
use crate::audit::AuditEntry;
use crate::error::Unexpected;
use crate::idempotency::IdempotencyRecord;
use crate::ids::{CustomerId, OrderId};
use crate::orders::{
    Cart, CartStore, Order, OrderNumber, OrderStatus, OrderStore, OrderStoreError,
};
use crate::outbox::OutboxItem;
use crate::page::{Page, PageRequest};
use crate::reads::ItemRef;

impl Memory {
    fn orders_where(&self, keep: impl Fn(&Order) -> bool, page: &PageRequest) -> Page<Order> {
        let mut items: Vec<Order> = self
            .state()
            .orders
            .values()
            .filter(|o| keep(o))
            .cloned()
            .collect();
        items.sort_by_key(|o| std::cmp::Reverse((o.created_at, o.order_id.clone())));
        items.truncate(page.limit);
        Page {
            items,
            next_cursor: None,
        }
    }
}

#[async_trait::async_trait]
impl OrderStore for Memory {
    async fn next_order_number(&self) -> Result<OrderNumber, Unexpected> {
        let mut s = self.state();
        s.order_counter += 1;
        Ok(OrderNumber(s.order_counter))
    }

    async fn insert_order(
        &self,
        order: &Order,
        idempotency: Option<&IdempotencyRecord>,
        outbox: &[OutboxItem],
        audit: Option<&AuditEntry>,
        clear_cart: bool,
    ) -> Result<(), OrderStoreError> {
        if self.contended() {
            return Err(OrderStoreError::Contention);
        }
        let mut s = self.state();
        if !key_free(&s, idempotency) {
            return Err(OrderStoreError::KeyTaken);
        }
        keep_record(&mut s, idempotency);
        s.orders.insert(order.order_id.clone(), order.clone());
        s.outbox.extend(outbox.iter().cloned());
        s.audit.extend(audit.cloned());
        if clear_cart {
            s.carts.remove(&order.customer_id);
        }
        Ok(())
    }

    async fn order(&self, id: &OrderId) -> Result<Option<Order>, Unexpected> {
        self.read(ItemRef::Order(id.clone()));
        Ok(self.state().orders.get(id).cloned())
    }

    async fn customer_orders(
        &self,
        customer: &CustomerId,
        status: Option<OrderStatus>,
        page: &PageRequest,
    ) -> Result<Page<Order>, OrderStoreError> {
        Ok(self.orders_where(
            |o| &o.customer_id == customer && status.is_none_or(|s| o.status == s),
            page,
        ))
    }

    async fn replace_order(
        &self,
        before: &Order,
        after: &Order,
        outbox: &[OutboxItem],
        audit: Option<&AuditEntry>,
    ) -> Result<(), OrderStoreError> {
        if self.contended() {
            return Err(OrderStoreError::Contention);
        }
        let mut s = self.state();
        let stored = s.orders.get(&before.order_id);
        if stored.is_none_or(|o| o.version != before.version || o.status != before.status) {
            return Err(OrderStoreError::Stale);
        }
        s.orders.insert(after.order_id.clone(), after.clone());
        s.outbox.extend(outbox.iter().cloned());
        s.audit.extend(audit.cloned());
        Ok(())
    }

    async fn orders_in_status(
        &self,
        status: OrderStatus,
        page: &PageRequest,
    ) -> Result<Page<Order>, OrderStoreError> {
        Ok(self.orders_where(|o| o.status == status, page))
    }
}

#[async_trait::async_trait]
impl CartStore for Memory {
    async fn cart(&self, customer: &CustomerId) -> Result<Option<Cart>, Unexpected> {
        self.read(ItemRef::Cart(customer.clone()));
        Ok(self.state().carts.get(customer).cloned())
    }

    async fn put_cart(&self, cart: &Cart, audit: Option<&AuditEntry>) -> Result<(), Unexpected> {
        let mut s = self.state();
        s.carts.insert(cart.customer_id.clone(), cart.clone());
        s.audit.extend(audit.cloned());
        Ok(())
    }
}
