//! Reading orders: a customer's own, and the seller's queue.

use super::{Order, OrderListing, OrderStatus, OrderStore, OrderStoreError};
use crate::domain::FieldError;
use crate::error::Unexpected;
use crate::ids::{CustomerId, OrderId};
use crate::page::{Page, PageRequest};
use crate::reads::{ItemRef, Reads};

#[derive(Debug, thiserror::Error)]
pub enum ReadOrderError {
    #[error("no such order")]
    NotFound,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

impl From<OrderStoreError> for ReadOrderError {
    fn from(e: OrderStoreError) -> Self {
        match e {
            OrderStoreError::BadCursor => Self::Invalid(vec![FieldError::bad_cursor()]),
            OrderStoreError::Unexpected(u) => Self::Unexpected(u),
            other => Unexpected::caused_by("listing orders failed", other).into(),
        }
    }
}

fn status(raw: Option<&str>) -> Result<Option<OrderStatus>, ReadOrderError> {
    raw.map(|raw| {
        OrderStatus::parse(raw).ok_or_else(|| {
            ReadOrderError::Invalid(vec![FieldError::new(
                "status",
                "must be requested, confirmed, rejected or cancelled",
            )])
        })
    })
    .transpose()
}

/// What reading one order reads by key.
pub fn order_reads(id: &OrderId) -> Reads {
    Reads::of([ItemRef::Order(id.clone())])
}

/// One of the customer's own orders; another account's is "not found".
pub async fn customer_order<S: OrderStore>(
    store: &S,
    customer: &CustomerId,
    id: &OrderId,
) -> Result<Order, ReadOrderError> {
    match store.order(id).await? {
        Some(o) if &o.customer_id == customer => Ok(o),
        _ => Err(ReadOrderError::NotFound),
    }
}

/// The customer's orders, newest first.
pub async fn customer_orders<S: OrderStore>(
    store: &S,
    customer: &CustomerId,
    status_filter: Option<&str>,
    page: &PageRequest,
) -> Result<Page<Order>, ReadOrderError> {
    let listing = OrderListing::Customer(customer.clone(), status(status_filter)?);
    Ok(store.orders(&listing, page).await?)
}

/// Any order, for the seller (a deleted customer's too).
pub async fn admin_order<S: OrderStore>(store: &S, id: &OrderId) -> Result<Order, ReadOrderError> {
    store.order(id).await?.ok_or(ReadOrderError::NotFound)
}

/// The admin queue: orders in a status (default `requested`), newest first; or one customer's.
pub async fn admin_orders<S: OrderStore>(
    store: &S,
    status_filter: Option<&str>,
    customer: Option<&str>,
    page: &PageRequest,
) -> Result<Page<Order>, ReadOrderError> {
    let status = status(status_filter)?;
    let listing = match customer {
        Some(raw) => {
            let c = CustomerId::parse(raw).ok_or_else(|| {
                ReadOrderError::Invalid(vec![FieldError::new(
                    "customer_id",
                    "is not a customer id",
                )])
            })?;
            OrderListing::Customer(c, status)
        }
        None => OrderListing::Status(status.unwrap_or(OrderStatus::Requested)),
    };
    Ok(store.orders(&listing, page).await?)
}
