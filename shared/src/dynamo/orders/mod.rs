//! Orders in the table: the order, its two listings (an account's orders on GSI1, the queue by
//! status on GSI2) and the order-number counter; each write also writes the events it makes
//! (`crate::events::order_events`) and a new assignment's reminders.

pub mod cart;
pub mod item;
pub mod reminders;
pub mod terms;

use super::attr::{Reader, n, s};
use super::query::Listing;
use super::write::TxError;
use super::{DynamoStore, index};
use crate::dynamo::keys::{
    CART_SK, ORDER_COUNTER_PK, ORDER_COUNTER_SK, ORDER_SK, customer_orders_pk, customer_pk, key_of,
    order_pk, order_status_pk,
};
use crate::error::Unexpected;
use crate::ids::OrderId;
use crate::orders::{
    NextNumber, Order, OrderListing, OrderNumber, OrderStatus, OrderStore, OrderStoreError,
    OrderWrite,
};
use crate::page::{Cursor, Page, PageRequest};
use crate::reads::ItemRef;
use aws_sdk_dynamodb::types::{Put, ReturnValue, TransactWriteItem, Update};

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
            .map_err(|e| crate::sdk::failure("taking an order number failed", e))?;
        out.attributes()
            .and_then(|a| a.get("seq"))
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| Unexpected::new("the order counter returned no number"))
    }

    /// Advances the counter from `was`, as read ahead, to the new order's `number`, only if no
    /// other order moved it meanwhile.
    fn claim_number(&self, was: u64, number: u64) -> TransactWriteItem {
        let condition = if was == 0 {
            "attribute_not_exists(seq)"
        } else {
            "seq = :was"
        };
        let mut update = Update::builder()
            .table_name(self.table())
            .key("PK", s(ORDER_COUNTER_PK))
            .key("SK", s(ORDER_COUNTER_SK))
            .update_expression("SET seq = :number")
            .condition_expression(condition)
            .expression_attribute_values(":number", n(number));
        if was > 0 {
            update = update.expression_attribute_values(":was", n(was));
        }
        TransactWriteItem::builder()
            .update(update.build().expect("table, key and expression are set"))
            .build()
    }
}

#[async_trait::async_trait]
impl OrderStore for DynamoStore {
    async fn next_order_number(&self) -> Result<NextNumber, Unexpected> {
        let counter_was = match self.taken_ahead(&key_of(&ItemRef::OrderCounter)) {
            Some(Some(item)) => Reader(&item).n("seq")?,
            Some(None) => 0,
            None => {
                let taken = self.take_next_order_number().await?;
                return Ok(NextNumber {
                    number: OrderNumber(taken),
                    counter_was: None,
                });
            }
        };
        Ok(NextNumber {
            number: OrderNumber(counter_was + 1),
            counter_was: Some(counter_was),
        })
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
        let counter_at = w.number.and_then(|n| {
            let was = n.counter_was?;
            actions.push(self.claim_number(was, n.number.0));
            Some(actions.len() - 1)
        });
        let order = item::to_item(w.after);
        for term in crate::orders::terms(w.after) {
            actions.push(self.put(terms::to_item(&order, w.after, &term), None));
        }
        actions.extend(
            w.reminders
                .iter()
                .map(|r| self.put(reminders::to_item(r), None)),
        );
        let events = crate::events::order_events(w.before, w.after);
        actions.extend(
            events
                .iter()
                .map(|e| self.put(super::events::to_item(e), None)),
        );
        actions.extend(w.outbox.iter().map(|o| self.put_outbox(o)));
        actions.extend(w.audit.map(|a| self.put_audit(a)));
        let cart_at = w.clear_cart.map(|version| {
            let cart = (customer_pk(&w.after.customer_id), CART_SK);
            actions.push(self.delete_versioned(cart, version));
            actions.len() - 1
        });
        self.transact(actions).await.map_err(|e| match e {
            e if key_at.is_some_and(|k| e.failed(k)) => OrderStoreError::KeyTaken,
            e if counter_at.is_some_and(|c| e.failed(c)) => OrderStoreError::Contention,
            e if cart_at.is_some_and(|c| e.failed(c)) => OrderStoreError::CartChanged,
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
                (Some(index::GSI1), "GSI1", customer_orders_pk(c), *status)
            }
            OrderListing::Status(status) | OrderListing::Team(status, _) => {
                (Some(index::GSI2), "GSI2", order_status_pk(*status), None)
            }
            OrderListing::Overdue { .. } => (
                Some(index::GSI2),
                "GSI2",
                order_status_pk(OrderStatus::Requested),
                None,
            ),
            OrderListing::Search {
                customer: Some(c),
                status,
                ..
            } => (None, "", terms::account_pk(c), *status),
            OrderListing::Search {
                customer: None,
                status,
                ..
            } => (
                Some(index::GSI1),
                "GSI1",
                terms::EVERY_ACCOUNT.to_owned(),
                *status,
            ),
        };
        let (pk, sk) = (format!("{key}PK"), format!("{key}SK"));
        let mut values = vec![(":pk", s(&partition))];
        let mut names = Vec::new();
        let filter = status.map(|st| {
            values.push((":status", s(st.as_str())));
            names.push(("#status", "status"));
            "#status = :status".to_owned()
        });
        let mut filters: Vec<String> = filter.into_iter().collect();
        if let OrderListing::Team(_, team)
        | OrderListing::Overdue {
            team: Some(team), ..
        } = listing
        {
            values.push((":team", s(team.as_str())));
            filters.push("team_id = :team".to_owned());
        }
        if let OrderListing::Overdue { now, overdue, .. } = listing {
            values.push((":now", s(now.to_string())));
            filters.push(if *overdue {
                "respond_by <= :now".to_owned()
            } else {
                "(attribute_not_exists(respond_by) OR respond_by > :now)".to_owned()
            });
        }
        let filter = (!filters.is_empty()).then(|| filters.join(" AND "));
        let key_condition = match listing {
            OrderListing::Search { text, .. } => {
                values.push((":term", s(text.as_str())));
                format!("{pk} = :pk AND begins_with({sk}, :term)")
            }
            _ => format!("{pk} = :pk"),
        };
        let key_attributes: Vec<&str> = if key.is_empty() {
            vec!["PK", "SK"]
        } else {
            vec!["PK", "SK", pk.as_str(), sk.as_str()]
        };
        let searching = matches!(listing, OrderListing::Search { .. });
        let listing = Listing {
            index,
            key_condition: &key_condition,
            filter,
            names,
            values,
            key_attributes: &key_attributes,
            forward: false,
        };
        let fits = |c: &Cursor| {
            c.0.get(&pk) == Some(&partition)
                && c.0["PK"].starts_with(if searching { terms::PREFIX } else { "ORDER#" })
        };
        self.list_page(&listing, page, fits, item::from_item)
            .await
            .map_err(|e| e.or_bad_cursor(|| OrderStoreError::BadCursor))
    }
}
