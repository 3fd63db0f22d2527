//! Reading orders: a customer's own, and the seller's queue.

use super::{
    CustomerOrder, Order, OrderListing, OrderStatus, OrderStore, OrderStoreError, SearchText,
};
use crate::actor::Seller;
use crate::domain::{FieldError, Timestamp, Validator};
use crate::error::Unexpected;
use crate::ids::{CustomerId, OrderId, TeamId};
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

/// A customer's own listing from `?status=` and `?q=`: its orders, or those it searches for.
pub fn customer_listing(
    customer: &CustomerId,
    status: Option<&str>,
    q: Option<&str>,
) -> Result<OrderListing, Vec<FieldError>> {
    let mut v = Validator::default();
    let status = v.optional("status", status, parse_status);
    let text = v.optional("q", q, SearchText::parse);
    v.finish(|| match text {
        Some(text) => OrderListing::Search {
            customer: Some(customer.clone()),
            text,
            status,
        },
        None => OrderListing::Customer(customer.clone(), status),
    })
}

/// The seller's queue as `GET /admin/orders` asks for it: each query parameter, raw.
#[derive(Debug, Clone, Copy, Default)]
pub struct QueueQuery<'a> {
    pub status: Option<&'a str>,
    pub customer_id: Option<&'a str>,
    pub q: Option<&'a str>,
    pub team_id: Option<&'a str>,
    pub overdue: Option<&'a str>,
}

impl OrderListing {
    /// The seller's queue from `?status=` (default `requested`) and `?customer_id=` (then that
    /// account's orders, in the status when given), or with `?q=` the orders it finds (of that
    /// account when given, in that status when given), or with `?team_id=` the queue of one
    /// team (not with `customer_id` or `q`), or with `?overdue=` the requests past (or within)
    /// their response time (of the team when given), with every bad one named.
    pub fn queue(q: &QueueQuery<'_>) -> Result<Self, Vec<FieldError>> {
        let QueueQuery {
            status,
            customer_id,
            q,
            team_id,
            overdue,
        } = *q;
        let mut v = Validator::default();
        let status = v.optional("status", status, parse_status);
        let overdue = v.optional("overdue", overdue, |raw| match raw {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err("must be true or false"),
        });
        if overdue.is_some() && (customer_id.is_some() || q.is_some()) {
            v.push("overdue", "cannot be combined with customer_id or q");
        }
        if overdue.is_some() && status.is_some_and(|s| s != OrderStatus::Requested) {
            v.push("overdue", "only requested orders have a response time");
        }
        let customer = v.optional("customer_id", customer_id, |raw| {
            CustomerId::parse(raw).ok_or("is not a customer id")
        });
        let text = v.optional("q", q, SearchText::parse);
        let team = v.optional("team_id", team_id, |raw| {
            TeamId::parse(raw).ok_or("is not a team id")
        });
        if team.is_some() && (customer_id.is_some() || q.is_some()) {
            v.push("team_id", "cannot be combined with customer_id or q");
        }
        v.finish(|| match (text, customer) {
            (None, None) if overdue.is_some() => OrderListing::Overdue {
                team,
                now: Timestamp::now(),
                overdue: overdue.expect("checked"),
            },
            (None, None) if team.is_some() => OrderListing::Team(
                status.unwrap_or(OrderStatus::Requested),
                team.expect("checked"),
            ),
            (Some(text), customer) => OrderListing::Search {
                customer,
                text,
                status,
            },
            (None, Some(c)) => OrderListing::Customer(c, status),
            (None, None) => OrderListing::Status(status.unwrap_or(OrderStatus::Requested)),
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

/// The customer's orders as the customer sees them ([`customer_listing`]): newest first, or
/// those a search finds. A listing of another account's orders is refused as not found.
pub async fn customer_orders<S: OrderStore>(
    store: &S,
    customer: &CustomerId,
    listing: &OrderListing,
    page: &PageRequest,
    seller: &Seller,
) -> Result<Page<CustomerOrder>, ReadOrderError> {
    let own = match listing {
        OrderListing::Customer(c, _) => c == customer,
        OrderListing::Search { customer: c, .. } => c.as_ref() == Some(customer),
        OrderListing::Status(_) | OrderListing::Team(..) | OrderListing::Overdue { .. } => false,
    };
    if !own {
        return Err(ReadOrderError::NotFound);
    }
    let found = distinct(store.orders(listing, page).await?);
    Ok(Page {
        items: found
            .items
            .into_iter()
            .map(|o| o.seen_by_customer(seller))
            .collect(),
        next_cursor: found.next_cursor,
    })
}

/// A page with each order once: a search may find one order by two of its terms.
fn distinct(mut page: Page<Order>) -> Page<Order> {
    let mut seen = std::collections::BTreeSet::new();
    page.items.retain(|o| seen.insert(o.order_id.clone()));
    page
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
    Ok(distinct(store.orders(listing, page).await?))
}
