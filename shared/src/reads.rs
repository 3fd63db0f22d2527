//! What a use case will read, declared before it runs, so a request's reads travel in one
//! round trip: the caller's login and account and everything the use case names, in one batch.
//! Each use case that reads by key has a `reads` function next to it; the adapter alone turns
//! an [`ItemRef`] into a key.

use crate::error::Unexpected;
use crate::ids::{CustomerId, ListId, LoginId, OrderId, Sku, TierId};

/// One item a use case reads by its identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ItemRef {
    /// The pointer from a Cognito `sub` to its login.
    SubLink(String),
    Login(LoginId),
    Customer(CustomerId),
    Tier(TierId),
    Product(Sku),
    /// The seller's checkout questions.
    Questions,
    /// Every team, in one item: a submission reads it in its one batch to assign the order.
    Teams,
    Cart(CustomerId),
    /// An account's address book.
    AddressBook(CustomerId),
    Order(OrderId),
    /// An idempotency record, by its scope.
    Idempotency(String),
    /// The order-number counter: read ahead, a new order's own write advances it, so a
    /// request that is refused takes no number and writes nothing.
    OrderCounter,
    /// A saved order list, under its account: another account's id finds nothing.
    List(CustomerId, ListId),
}

/// A request's declared reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    pub items: Vec<ItemRef>,
}

impl Reads {
    /// Nothing beyond the caller.
    pub fn none() -> Self {
        Self::default()
    }

    pub fn of(items: impl IntoIterator<Item = ItemRef>) -> Self {
        Self {
            items: items.into_iter().collect(),
        }
    }

    pub fn and(mut self, item: ItemRef) -> Self {
        self.items.push(item);
        self
    }

    pub fn and_all(mut self, items: impl IntoIterator<Item = ItemRef>) -> Self {
        self.items.extend(items);
        self
    }

    /// Both sets of reads.
    pub fn merged(mut self, other: Reads) -> Self {
        self.items.extend(other.items);
        self
    }
}

/// A store that can read a request's declared items at once and then serve them from memory.
/// The store it returns is that request's own: each pre-read item is served once (a second
/// read of it, after a write conflict say, goes to the table), and writes stay conditional, so
/// an item read a few milliseconds early changes no outcome.
#[async_trait::async_trait]
pub trait Prefetch: Sized + Send + Sync {
    async fn prefetch(&self, reads: &Reads) -> Result<Self, Unexpected>;
}
