//! Orders and carts in memory.

use super::{Memory, first_page, keep_record, key_free, sorted};
use crate::audit::AuditEntry;
use crate::domain::Timestamp;
use crate::error::Unexpected;
use crate::events::{Event, EventStore};
use crate::ids::{CustomerId, OrderId};
use crate::orders::{
    Cart, CartStore, NextNumber, Order, OrderListing, OrderNumber, OrderStatus, OrderStore,
    OrderStoreError, OrderWrite, Reminder, ReminderOutcome, ReminderStore,
};
use crate::outbox::OutboxItem;
use crate::page::{Page, PageRequest};
use crate::reads::ItemRef;

#[async_trait::async_trait]
impl OrderStore for Memory {
    async fn next_order_number(&self) -> Result<NextNumber, Unexpected> {
        self.read(ItemRef::OrderCounter);
        let was = self.state().order_counter;
        Ok(NextNumber {
            number: OrderNumber(was + 1),
            counter_was: Some(was),
        })
    }

    async fn put_order(&self, w: OrderWrite<'_>) -> Result<(), OrderStoreError> {
        if self.contended() {
            return Err(OrderStoreError::Contention);
        }
        self.another_writer();
        let mut s = self.state();
        if !key_free(&s, w.idempotency) {
            return Err(OrderStoreError::KeyTaken);
        }
        let claim = w.number.and_then(|n| Some((n.counter_was?, n.number.0)));
        if claim.is_some() && self.number_taken_meanwhile() {
            s.order_counter += 1;
        }
        if claim.is_some_and(|(was, _)| s.order_counter != was) {
            return Err(OrderStoreError::Contention);
        }
        let stored = s.orders.get(&w.after.order_id);
        let holds = match w.before {
            None => stored.is_none(),
            Some(b) => stored.is_some_and(|o| o.version == b.version && o.status == b.status),
        };
        if !holds {
            return Err(OrderStoreError::Stale);
        }
        let cart_version = s.carts.get(&w.after.customer_id).map(|c| c.version);
        if w.clear_cart.is_some_and(|v| cart_version != Some(v)) {
            return Err(OrderStoreError::CartChanged);
        }
        if let Some((_, number)) = claim {
            s.order_counter = number;
        }
        keep_record(&mut s, w.idempotency);
        s.orders.insert(w.after.order_id.clone(), w.after.clone());
        for e in crate::events::order_events(w.before, w.after) {
            s.events.insert(e.id.clone(), (e, false));
        }
        for r in w.reminders {
            s.reminders
                .insert((r.order_id.clone(), r.threshold.as_str()), r.clone());
        }
        s.outbox.extend(w.outbox.iter().cloned());
        s.audit.extend(w.audit.cloned());
        if w.clear_cart.is_some() {
            s.carts.remove(&w.after.customer_id);
        }
        Ok(())
    }

    async fn order(&self, id: &OrderId) -> Result<Option<Order>, Unexpected> {
        Ok(self.get(ItemRef::Order(id.clone()), |s| s.orders.get(id)))
    }

    async fn orders(
        &self,
        listing: &OrderListing,
        page: &PageRequest,
    ) -> Result<Page<Order>, OrderStoreError> {
        let items = sorted(
            self.state().orders.values().filter(|o| match listing {
                OrderListing::Customer(c, status) => {
                    &o.customer_id == c && status.is_none_or(|s| o.status == s)
                }
                OrderListing::Status(status) => o.status == *status,
                OrderListing::Team(status, team) => {
                    o.status == *status && o.assigned_team_id.as_ref() == Some(team)
                }
                OrderListing::Overdue { team, now, overdue } => {
                    o.status == OrderStatus::Requested
                        && team
                            .as_ref()
                            .is_none_or(|t| o.assigned_team_id.as_ref() == Some(t))
                        && o.response.overdue_at(*now) == *overdue
                }
                OrderListing::Search {
                    customer,
                    text,
                    status,
                } => {
                    customer.as_ref().is_none_or(|c| &o.customer_id == c)
                        && status.is_none_or(|s| o.status == s)
                        && crate::orders::terms(o)
                            .iter()
                            .any(|t| t.as_str().starts_with(text.as_str()))
                }
            }),
            |o| std::cmp::Reverse((o.created_at, o.order_id.clone())),
        );
        Ok(first_page(items, page))
    }
}

#[async_trait::async_trait]
impl EventStore for Memory {
    async fn mark_published(&self, event: &Event) -> Result<(), Unexpected> {
        if let Some((_, published)) = self.state().events.get_mut(&event.id) {
            *published = true;
        }
        Ok(())
    }

    async fn unpublished(&self, before: Timestamp, limit: usize) -> Result<Vec<Event>, Unexpected> {
        let s = self.state();
        let waiting = s
            .events
            .values()
            .filter(|(e, published)| !published && e.occurred_at < before)
            .map(|(e, _)| e);
        let oldest = sorted(waiting, |e| (e.occurred_at, e.id.clone()));
        Ok(oldest.into_iter().take(limit).collect())
    }
}

#[async_trait::async_trait]
impl ReminderStore for Memory {
    async fn due_reminders(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<Vec<Reminder>, Unexpected> {
        let s = self.state();
        let due = s.reminders.values().filter(|r| r.at <= now);
        Ok(sorted(due, |r| r.at).into_iter().take(limit).collect())
    }

    async fn send_reminder(
        &self,
        r: &Reminder,
        outbox: &[OutboxItem],
    ) -> Result<ReminderOutcome, Unexpected> {
        let mut s = self.state();
        let key = (r.order_id.clone(), r.threshold.as_str());
        if s.reminders.get(&key) != Some(r) {
            return Ok(ReminderOutcome::Taken);
        }
        s.reminders.remove(&key);
        let waits = s.orders.get(&r.order_id).is_some_and(|o| {
            o.status == OrderStatus::Requested && o.assigned_team_id.as_ref() == Some(&r.team_id)
        });
        if !waits {
            return Ok(ReminderOutcome::Moot);
        }
        s.outbox.extend(outbox.iter().cloned());
        Ok(ReminderOutcome::Sent)
    }
}

#[async_trait::async_trait]
impl CartStore for Memory {
    async fn cart(&self, customer: &CustomerId) -> Result<Option<Cart>, Unexpected> {
        Ok(self.get(ItemRef::Cart(customer.clone()), |s| s.carts.get(customer)))
    }

    async fn put_cart(&self, cart: &Cart, audit: Option<&AuditEntry>) -> Result<(), Unexpected> {
        let mut s = self.state();
        s.carts.insert(cart.customer_id.clone(), cart.clone());
        s.audit.extend(audit.cloned());
        Ok(())
    }

    async fn put_cart_if(&self, cart: &Cart, was: Option<u64>) -> Result<bool, Unexpected> {
        if self.contended() {
            return Ok(false);
        }
        self.another_writer();
        let mut s = self.state();
        if s.carts.get(&cart.customer_id).map(|c| c.version) != was {
            return Ok(false);
        }
        s.carts.insert(cart.customer_id.clone(), cart.clone());
        Ok(true)
    }
}
