use super::DynamoStore;
use super::attr::{n, s};
use super::query::{Listing, ListingError};
use crate::catalog::{CatalogStore, CheckoutQuestion};
use crate::customers::{CustomerId, IdempotencyStore, StoreError};
use crate::idempotency::IdempotencyRecord;
use crate::orders::Line;
use crate::orders::cart::CartStore;
use crate::orders::order::{
    Order, OrderId, OrderNumber, OrderStatus, OrderStore, SubmitStoreError, item,
};
use crate::outbox::OutboxItem;
use crate::page::{Page, PageRequest};
use crate::store::Unexpected;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::{Delete, ReturnValue, TransactWriteItem};

impl DynamoStore {
    /// One page of orders from `listing`, whose index partition `key` is `partition`.
    async fn orders_page(
        &self,
        listing: &Listing<'_>,
        key: &str,
        partition: &str,
        page: &PageRequest,
    ) -> Result<Page<Order>, SubmitStoreError> {
        let (items, next_cursor) = self
            .list_page(listing, page, |c| {
                c.0[key] == partition && c.0["PK"].starts_with("ORDER#")
            })
            .await
            .map_err(|e| match e {
                ListingError::BadCursor => SubmitStoreError::BadCursor,
                ListingError::Unexpected(u) => SubmitStoreError::Unexpected(u),
            })?;
        Ok(Page {
            items: items
                .iter()
                .map(item::from_item)
                .collect::<Result<_, _>>()?,
            next_cursor,
        })
    }
}

#[async_trait::async_trait]
impl OrderStore for DynamoStore {
    async fn next_order_number(&self) -> Result<OrderNumber, Unexpected> {
        if let Some(n) = super::read_ahead::take_order_number() {
            return Ok(OrderNumber(n));
        }
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
            .map_err(|e| Unexpected::new(DisplayErrorContext(e)))?;
        let seq = out
            .attributes()
            .and_then(|a| a.get("seq"))
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| Unexpected::new("the order counter returned no number"))?;
        Ok(OrderNumber(seq))
    }

    async fn insert_order(
        &self,
        order: &Order,
        idempotency: Option<&IdempotencyRecord>,
        outbox: &[OutboxItem],
        audit: Option<&crate::audit::AuditEntry>,
        clear_cart: bool,
    ) -> Result<(), SubmitStoreError> {
        let mut actions = Vec::new();
        let key_at = idempotency.map(|r| {
            actions.push(self.put_idempotency(r));
            actions.len() - 1
        });
        actions.push(self.put_new(item::to_item(order)));
        actions.extend(outbox.iter().map(|o| self.put_outbox(o)));
        actions.extend(audit.map(|a| self.put_audit(a)));
        if clear_cart {
            let cart = Delete::builder()
                .table_name(self.table())
                .key("PK", s(format!("CUSTOMER#{}", order.customer_id)))
                .key("SK", s(crate::orders::cart::item::SK))
                .build()
                .expect("table and key are set");
            actions.push(TransactWriteItem::builder().delete(cart).build());
        }
        self.transact_write(actions, |failed| {
            key_at
                .is_some_and(|k| failed.contains(&k))
                .then_some(StoreError::KeyTaken)
        })
        .await
        .map_err(|e| match e {
            StoreError::KeyTaken => SubmitStoreError::KeyTaken,
            StoreError::Contention => SubmitStoreError::Contention,
            other => SubmitStoreError::Unexpected(Unexpected::new(other)),
        })
    }

    async fn order(&self, id: &OrderId) -> Result<Option<Order>, Unexpected> {
        self.get_item(item::pk(id.as_str()), item::SK)
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
    ) -> Result<Page<Order>, SubmitStoreError> {
        let partition = item::customer_orders_pk(customer);
        let mut values = vec![(":pk", s(&partition))];
        let mut names = Vec::new();
        let filter = status.map(|st| {
            values.push((":status", s(st.as_str())));
            names.push(("#status", "status"));
            "#status = :status".to_owned()
        });
        let listing = Listing {
            index: Some(super::index::GSI1),
            key_condition: "GSI1PK = :pk",
            filter,
            names,
            values,
            key_attributes: &["PK", "SK", "GSI1PK", "GSI1SK"],
            forward: false,
        };
        self.orders_page(&listing, "GSI1PK", &partition, page).await
    }

    async fn find_order_idempotency(
        &self,
        scope: &str,
    ) -> Result<Option<IdempotencyRecord>, Unexpected> {
        IdempotencyStore::find_idempotency(self, scope).await
    }

    async fn order_questions(&self) -> Result<Vec<CheckoutQuestion>, Unexpected> {
        Ok(CatalogStore::questions(self).await?.0)
    }

    async fn replace_order(
        &self,
        before: &Order,
        after: &Order,
        outbox: &[OutboxItem],
        audit: Option<&crate::audit::AuditEntry>,
    ) -> Result<(), SubmitStoreError> {
        let put = aws_sdk_dynamodb::types::Put::builder()
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
        self.transact_write(actions, |failed| {
            failed.contains(&0).then_some(StoreError::Stale)
        })
        .await
        .map_err(|e| match e {
            StoreError::Stale => SubmitStoreError::Stale,
            StoreError::Contention => SubmitStoreError::Contention,
            other => SubmitStoreError::Unexpected(Unexpected::new(other)),
        })
    }

    async fn orders_in_status(
        &self,
        status: OrderStatus,
        page: &PageRequest,
    ) -> Result<Page<Order>, SubmitStoreError> {
        let partition = item::status_pk(status);
        let listing = Listing {
            index: Some(super::index::GSI2),
            key_condition: "GSI2PK = :pk",
            filter: None,
            names: Vec::new(),
            values: vec![(":pk", s(&partition))],
            key_attributes: &["PK", "SK", "GSI2PK", "GSI2SK"],
            forward: false,
        };
        self.orders_page(&listing, "GSI2PK", &partition, page).await
    }

    async fn cart_lines(
        &self,
        customer: &CustomerId,
    ) -> Result<(Vec<Line>, Option<String>), Unexpected> {
        Ok(CartStore::cart(self, customer)
            .await?
            .map(|c| (c.lines, c.notes))
            .unwrap_or_default())
    }
}
