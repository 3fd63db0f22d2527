//! Orders in the table: the order, its two listings (an account's orders on GSI1, the queue by
//! status on GSI2) and the order-number counter.

pub mod cart;
pub mod item;

use super::attr::{n, s};
use super::query::Listing;
use super::write::TxError;
use super::{DynamoStore, index};
use crate::dynamo::keys::{
    CART_SK, ORDER_COUNTER_PK, ORDER_COUNTER_SK, ORDER_SK, customer_orders_pk, customer_pk,
    order_pk, order_status_pk,
};
use crate::error::Unexpected;
use crate::ids::OrderId;
use crate::orders::{Order, OrderListing, OrderNumber, OrderStore, OrderStoreError, OrderWrite};
use crate::page::{Cursor, Page, PageRequest};
use aws_sdk_dynamodb::types::{Put, ReturnValue, TransactWriteItem};

super::write::tx_error_into!(OrderStoreError);

impl DynamoStore {
    /// Takes the next number from the counter (an atomic `ADD`).
    pub(super) async fn take_next_order_number(&self) -> Result<u64, Unexpected> {
        let out = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("PK", s(ORDER_COUNTER_PK))
            .key("SK", s(ORDER_COUNTER_SK))
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

    async fn put_order(&self, w: OrderWrite<'_>) -> Result<(), OrderStoreError> {
        let (mut actions, key_at) = self.keyed_actions(w.idempotency);
        let order_at = actions.len();
        actions.push(match w.before {
            None => self.put_new(item::to_item(w.after)),
            Some(before) => {
                let put = Put::builder()
                    .table_name(self.table())
                    .set_item(Some(item::to_item(w.after)))
                    .condition_expression("version = :v AND #status = :status")
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(":v", n(before.version))
                    .expression_attribute_values(":status", s(before.status.as_str()))
                    .build()
                    .expect("table and item are set");
                TransactWriteItem::builder().put(put).build()
            }
        });
        actions.extend(w.outbox.iter().map(|o| self.put_outbox(o)));
        actions.extend(w.audit.map(|a| self.put_audit(a)));
        if w.clear_cart {
            let cart = (customer_pk(&w.after.customer_id), CART_SK);
            actions.push(self.delete(cart));
        }
        self.transact(actions).await.map_err(|e| match e {
            e if key_at.is_some_and(|k| e.failed(k)) => OrderStoreError::KeyTaken,
            e if w.before.is_some() && e.failed(order_at) => OrderStoreError::Stale,
            TxError::Condition(_) => Unexpected::new("an order write's condition failed").into(),
            e => e.into(),
        })
    }

    async fn order(&self, id: &OrderId) -> Result<Option<Order>, Unexpected> {
        self.get_as((order_pk(id), ORDER_SK), item::from_item).await
    }

    async fn orders(
        &self,
        listing: &OrderListing,
        page: &PageRequest,
    ) -> Result<Page<Order>, OrderStoreError> {
        let (index, key, partition, status) = match listing {
            OrderListing::Customer(c, status) => {
                (index::GSI1, "GSI1", customer_orders_pk(c), *status)
            }
            OrderListing::Status(status) => (index::GSI2, "GSI2", order_status_pk(*status), None),
        };
        let (pk, sk) = (format!("{key}PK"), format!("{key}SK"));
        let mut values = vec![(":pk", s(&partition))];
        let mut names = Vec::new();
        let filter = status.map(|st| {
            values.push((":status", s(st.as_str())));
            names.push(("#status", "status"));
            "#status = :status".to_owned()
        });
        let key_condition = format!("{pk} = :pk");
        let key_attributes = ["PK", "SK", pk.as_str(), sk.as_str()];
        let listing = Listing {
            index: Some(index),
            key_condition: &key_condition,
            filter,
            names,
            values,
            key_attributes: &key_attributes,
            forward: false,
        };
        let fits = |c: &Cursor| c.0[&pk] == partition && c.0["PK"].starts_with("ORDER#");
        self.list_page(&listing, page, fits, item::from_item)
            .await
            .map_err(|e| e.or_bad_cursor(|| OrderStoreError::BadCursor))
    }
}
