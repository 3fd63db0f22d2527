//! Reading orders: a customer's own, and the seller's queue.

use super::{CustomerOrder, Order, OrderListing, OrderStatus, OrderStore, OrderStoreError};
use crate::actor::Seller;
use crate::domain::{FieldError, Validator};
use crate::error::Unexpected;
use crate::ids::{CustomerId, OrderId};
use crate::page::{Page, PageRequest};
use crate::reads::{ItemRef, Reads};

#[derive(Debug, thiserror::Error)]
pub enum ReadOrderError {
    #[error("no such order")]
    NotFound,
    #[error("the cursor does not belong to this listing")]
    BadCursor,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

impl From<OrderStoreError> for ReadOrderError {
    fn from(e: OrderStoreError) -> Self {
        match e {
            OrderStoreError::BadCursor => Self::BadCursor,
            OrderStoreError::Unexpected(u) => Self::Unexpected(u),
            other => Unexpected::caused_by("listing orders failed", other).into(),
        }
    }
}

fn parse_status(raw: &str) -> Result<OrderStatus, &'static str> {
    OrderStatus::parse(raw).ok_or("must be requested, confirmed, rejected or cancelled")
}

/// `?status=`, when given, checked.
pub fn status_filter(raw: Option<&str>) -> Result<Option<OrderStatus>, Vec<FieldError>> {
    let mut v = Validator::default();
    let status = v.optional("status", raw, parse_status);
    v.finish(|| status)
}

impl OrderListing {
    /// The seller's queue from `?status=` (default `requested`) and `?customer_id=` (then that
    /// account's orders, in the status when given), with every bad one named.
    pub fn queue(status: Option<&str>, customer_id: Option<&str>) -> Result<Self, Vec<FieldError>> {
        let mut v = Validator::default();
        let status = v.optional("status", status, parse_status);
        let customer = v.optional("customer_id", customer_id, |raw| {
            CustomerId::parse(raw).ok_or("is not a customer id")
        });
        v.finish(|| match customer {
            Some(c) => OrderListing::Customer(c, status),
            None => OrderListing::Status(status.unwrap_or(OrderStatus::Requested)),
        })
    }
}

/// What reading one order reads by key: to show it, or to cancel it
/// ([`super::cancel_order`]).
pub fn order_reads(id: &OrderId) -> Reads {
    Reads::of([ItemRef::Order(id.clone())])
}

/// One of the customer's own orders, as the customer sees it; another account's is "not
/// found".
pub async fn customer_order<S: OrderStore>(
    store: &S,
    customer: &CustomerId,
    id: &OrderId,
    seller: &Seller,
) -> Result<CustomerOrder, ReadOrderError> {
    match store.order(id).await? {
        Some(o) if &o.customer_id == customer => Ok(o.seen_by_customer(seller)),
        _ => Err(ReadOrderError::NotFound),
    }
}

/// The customer's orders as the customer sees them, newest first, in one status or all.
pub async fn customer_orders<S: OrderStore>(
    store: &S,
    customer: &CustomerId,
    status: Option<OrderStatus>,
    page: &PageRequest,
    seller: &Seller,
) -> Result<Page<CustomerOrder>, ReadOrderError> {
    let listing = OrderListing::Customer(customer.clone(), status);
    let found = store.orders(&listing, page).await?;
    Ok(Page {
        items: found
            .items
            .into_iter()
            .map(|o| o.seen_by_customer(seller))
            .collect(),
        next_cursor: found.next_cursor,
    })
}

/// Any order, for the seller (a deleted customer's too).
pub async fn admin_order<S: OrderStore>(store: &S, id: &OrderId) -> Result<Order, ReadOrderError> {
    store.order(id).await?.ok_or(ReadOrderError::NotFound)
}

/// The admin queue, or one account's orders (see [`OrderListing::queue`]), newest first.
pub async fn admin_orders<S: OrderStore>(
    store: &S,
    listing: &OrderListing,
    page: &PageRequest,
) -> Result<Page<Order>, ReadOrderError> {
    Ok(store.orders(listing, page).await?)
}
