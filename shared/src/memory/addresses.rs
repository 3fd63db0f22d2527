//! Address books in memory, with the version condition of the table.

use super::Memory;
use crate::addresses::{AddressBook, AddressStore, AddressStoreError};
use crate::audit::Audited;
use crate::error::Unexpected;
use crate::ids::CustomerId;
use crate::reads::ItemRef;

#[async_trait::async_trait]
impl AddressStore for Memory {
    async fn address_book(&self, customer: &CustomerId) -> Result<AddressBook, Unexpected> {
        Ok(self
            .get(ItemRef::AddressBook(customer.clone()), |s| {
                s.address_books.get(customer)
            })
            .unwrap_or_else(|| AddressBook::empty(customer.clone())))
    }

    async fn put_address_book(&self, w: Audited<'_, AddressBook>) -> Result<(), AddressStoreError> {
        if self.contended() {
            return Err(AddressStoreError::Contention);
        }
        self.another_writer();
        let mut s = self.state();
        let stored = s.address_books.get(&w.after.customer_id).map(|b| b.version);
        if stored != w.before.map(|b| b.version) {
            return Err(AddressStoreError::Stale);
        }
        s.address_books
            .insert(w.after.customer_id.clone(), w.after.clone());
        s.audit.push(w.audit.clone());
        Ok(())
    }
}
