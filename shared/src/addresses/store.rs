//! The address books' port.

use super::AddressBook;
use crate::audit::Audited;
use crate::error::Unexpected;
use crate::ids::CustomerId;

/// Why the store refused an address book write.
#[derive(Debug, thiserror::Error)]
pub enum AddressStoreError {
    #[error("the address book changed since it was read")]
    Stale,
    #[error("another write to the same items was under way; try again")]
    Contention,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Where address books are kept: one book an account, read and written whole, so an order can
/// read it with everything else it reads and the size limit needs no counter.
#[async_trait::async_trait]
pub trait AddressStore: Send + Sync {
    /// The account's book; an empty one (version 0) if it has none.
    async fn address_book(&self, customer: &CustomerId) -> Result<AddressBook, Unexpected>;

    /// Writes `w.after` if the stored book is still `w.before` (none for version 0), with the
    /// audit entry; all or none.
    async fn put_address_book(&self, w: Audited<'_, AddressBook>) -> Result<(), AddressStoreError>;
}
