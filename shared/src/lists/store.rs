//! The port of saved lists.

use super::SavedList;
use crate::error::Unexpected;
use crate::ids::{CustomerId, ListId};

/// Why the store refused a list's write.
#[derive(Debug, thiserror::Error)]
pub enum ListStoreError {
    /// The account holds [`super::MAX_LISTS`] lists already.
    #[error("the account has the most lists it may have")]
    Full,
    /// The list changed or went since it was read.
    #[error("the list changed meanwhile")]
    Stale,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// A list's write: a new one (counted against the account's limit in the same write, so two
/// logins creating the 50th list at once cannot both succeed), or a change to one conditional
/// on the version it was read at.
#[derive(Debug, Clone, Copy)]
pub enum ListWrite<'a> {
    New(&'a SavedList),
    Change {
        before: &'a SavedList,
        after: &'a SavedList,
    },
}

/// Where saved lists are kept, each under its account.
#[async_trait::async_trait]
pub trait ListStore: Send + Sync {
    /// The account's list `id`; another account's id finds nothing.
    async fn list(
        &self,
        customer: &CustomerId,
        id: &ListId,
    ) -> Result<Option<SavedList>, Unexpected>;
    /// Every list of the account (at most [`super::MAX_LISTS`]), in no particular order.
    async fn lists(&self, customer: &CustomerId) -> Result<Vec<SavedList>, Unexpected>;
    async fn put_list(&self, w: ListWrite<'_>) -> Result<(), ListStoreError>;
    /// Deletes `list` if it is still at its version, freeing its place under the limit.
    async fn delete_list(&self, list: &SavedList) -> Result<(), ListStoreError>;
}
