//! Saved lists in memory, with the table's limit and version conditions.

use super::Memory;
use crate::error::Unexpected;
use crate::ids::{CustomerId, ListId};
use crate::lists::{ListStore, ListStoreError, ListWrite, MAX_LISTS, SavedList};
use crate::reads::ItemRef;

#[async_trait::async_trait]
impl ListStore for Memory {
    async fn list(
        &self,
        customer: &CustomerId,
        id: &ListId,
    ) -> Result<Option<SavedList>, Unexpected> {
        let key = (customer.clone(), id.clone());
        Ok(self.get(ItemRef::List(customer.clone(), id.clone()), |s| {
            s.lists.get(&key)
        }))
    }

    async fn lists(&self, customer: &CustomerId) -> Result<Vec<SavedList>, Unexpected> {
        Ok(self
            .state()
            .lists
            .values()
            .filter(|l| &l.customer_id == customer)
            .cloned()
            .collect())
    }

    async fn put_list(&self, w: ListWrite<'_>) -> Result<(), ListStoreError> {
        self.another_writer();
        let mut s = self.state();
        let list = match w {
            ListWrite::New(list) => {
                let held = s
                    .lists
                    .keys()
                    .filter(|(c, _)| c == &list.customer_id)
                    .count();
                if held >= MAX_LISTS {
                    return Err(ListStoreError::Full);
                }
                list
            }
            ListWrite::Change { before, after } => {
                let key = (before.customer_id.clone(), before.list_id.clone());
                if s.lists.get(&key).map(|l| l.version) != Some(before.version) {
                    return Err(ListStoreError::Stale);
                }
                after
            }
        };
        let key = (list.customer_id.clone(), list.list_id.clone());
        s.lists.insert(key, list.clone());
        Ok(())
    }

    async fn delete_list(&self, list: &SavedList) -> Result<(), ListStoreError> {
        self.another_writer();
        let mut s = self.state();
        let key = (list.customer_id.clone(), list.list_id.clone());
        if s.lists.get(&key).map(|l| l.version) != Some(list.version) {
            return Err(ListStoreError::Stale);
        }
        s.lists.remove(&key);
        Ok(())
    }
}
