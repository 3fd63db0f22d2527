//! Orders in the table: the order, its two listings (an account's orders on GSI1, the queue by
//! status on GSI2) and the order-number counter.

pub mod cart;
pub mod item;

use super::attr::{n, s};
use super::query::{Listing, ListingError};
use super::write::TxError;
use super::{DynamoStore, index};
use crate::audit::AuditEntry;
use crate::error::Unexpected;
use crate::idempotency::IdempotencyRecord;
use crate::ids::{CustomerId, OrderId};
use crate::orders::{Order, OrderNumber, OrderStatus, OrderStore, OrderStoreError};
use crate::outbox::OutboxItem;
use crate::page::{Page, PageRequest};
use aws_sdk_dynamodb::types::{Put, ReturnValue, TransactWriteItem};

impl From<TxError> for OrderStoreError {
    fn from(e: TxError) -> Self {
        match e {
            TxError::Contention => Self::Contention,
            TxError::Condition(_) => Self::Stale,
            TxError::Unexpected(u) => Self::Unexpected(u),
        }
    }
}

impl DynamoStore {
    /// One page of orders from `listing`, whose index partition `key` is `partition`.
    async fn orders_page(
        &self,
        listing: &Listing<'_>,
        key: &str,
        partition: &str,
        page: &PageRequest,
    ) -> Result<Page<Order>, OrderStoreError> {
        let (items, next_cursor) = self
            .list_page(listing, page, |c| {
                c.0[key] == partition && c.0["PK"].starts_with("ORDER#")
            })
            .await
            .map_err(|e| match e {
                ListingError::BadCursor => OrderStoreError::BadCursor,
                ListingError::Unexpected(u) => OrderStoreError::Unexpected(u),
            })?;
        Ok(Page {
            items: items
                .iter()
                .map(item::from_item)
                .collect::<Result<_, _>>()?,
            next_cursor,
        })
    }

    /// Takes the next number from the counter (an atomic `ADD`).
    pub(super) async fn take_next_order_number(&self) -> Result<u64, Unexpected> {
        let out = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("PK", s(item::COUNTER_PK))
            .key("SK", s(item::COUNTER_SK))
            .update_expression("ADD seq :one")
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| Unexpected::caused_by("taking an order number failed", e))?;
        out.attributes()
            .and_then(|a| a.get("seq"))
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| Unexpected::new("the order counter returned no number"))
    }
}

#[async_trait::async_trait]
impl OrderStore for DynamoStore {
    async fn next_order_number(&self) -> Result<OrderNumber, Unexpected> {
        match self.order_number_taken_ahead() {
            Some(n) => Ok(OrderNumber(n)),
            None => self.take_next_order_number().await.map(OrderNumber),
        }
    }

    async fn insert_order(
        &self,
        order: &Order,
        idempotency: Option<&IdempotencyRecord>,
        outbox: &[OutboxItem],
        audit: Option<&AuditEntry>,
        clear_cart: bool,
    ) -> Result<(), OrderStoreError> {
        let mut actions = Vec::new();
        let key_at = idempotency.map(|r| {
            actions.push(self.put_idempotency(r));
            actions.len() - 1
        });
        actions.push(self.put_new(item::to_item(order)));
        actions.extend(outbox.iter().map(|o| self.put_outbox(o)));
        actions.extend(audit.map(|a| self.put_audit(a)));
        if clear_cart {
            actions.push(self.delete((super::customers::item::pk(&order.customer_id), cart::SK)));
        }
        self.transact(actions).await.map_err(|e| match e {
            e if key_at.is_some_and(|k| e.failed(k)) => OrderStoreError::KeyTaken,
            TxError::Condition(_) => Unexpected::new("a new order's condition failed").into(),
            e => e.into(),
        })
    }

    async fn order(&self, id: &OrderId) -> Result<Option<Order>, Unexpected> {
        self.get_item(item::pk(id), item::SK)
            .await?
            .as_ref()
            .map(item::from_item)
            .transpose()
    }

    async fn customer_orders(
        &self,
        customer: &CustomerId,
        status: Option<OrderStatus>,
        page: &PageRequest,
    ) -> Result<Page<Order>, OrderStoreError> {
        let partition = item::customer_orders_pk(customer);
        let mut values = vec![(":pk", s(&partition))];
        let mut names = Vec::new();
        let filter = status.map(|st| {
            values.push((":status", s(st.as_str())));
            names.push(("#status", "status"));
            "#status = :status".to_owned()
        });
        let listing = Listing {
            index: Some(index::GSI1),
            key_condition: "GSI1PK = :pk",
            filter,
            names,
            values,
            key_attributes: &["PK", "SK", "GSI1PK", "GSI1SK"],
            forward: false,
        };
        self.orders_page(&listing, "GSI1PK", &partition, page).await
    }

    async fn replace_order(
        &self,
        before: &Order,
        after: &Order,
        outbox: &[OutboxItem],
        audit: Option<&AuditEntry>,
    ) -> Result<(), OrderStoreError> {
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(item::to_item(after)))
            .condition_expression("version = :v AND #status = :status")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":v", n(before.version))
            .expression_attribute_values(":status", s(before.status.as_str()))
            .build()
            .expect("table and item are set");
        let mut actions = vec![TransactWriteItem::builder().put(put).build()];
        actions.extend(outbox.iter().map(|o| self.put_outbox(o)));
        actions.extend(audit.map(|a| self.put_audit(a)));
        self.transact(actions).await.map_err(|e| match e {
            e if e.failed(0) => OrderStoreError::Stale,
            TxError::Condition(_) => Unexpected::new("an order change's condition failed").into(),
            e => e.into(),
        })
    }

    async fn orders_in_status(
        &self,
        status: OrderStatus,
        page: &PageRequest,
    ) -> Result<Page<Order>, OrderStoreError> {
        let partition = item::status_pk(status);
        let listing = Listing {
            index: Some(index::GSI2),
            key_condition: "GSI2PK = :pk",
            filter: None,
            names: Vec::new(),
            values: vec![(":pk", s(&partition))],
            key_attributes: &["PK", "SK", "GSI2PK", "GSI2SK"],
            forward: false,
        };
        self.orders_page(&listing, "GSI2PK", &partition, page).await
    }
}
