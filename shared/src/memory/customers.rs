//! Customers in memory, with the email guard and the version condition of the table.

use super::{Memory, first_page, keep_record, key_free, sorted};
use crate::audit::Audited;
use crate::customers::{
    Customer, CustomerFilter, CustomerStatus, CustomerStore, CustomerStoreError, TagAction, Tagging,
};
use crate::error::Unexpected;
use crate::idempotency::IdempotencyRecord;
use crate::ids::CustomerId;
use crate::page::{Page, PageRequest};
use crate::reads::ItemRef;

#[async_trait::async_trait]
impl CustomerStore for Memory {
    async fn put(
        &self,
        w: Audited<'_, Customer>,
        key: Option<&IdempotencyRecord>,
    ) -> Result<(), CustomerStoreError> {
        if self.contended() {
            return Err(CustomerStoreError::Contention);
        }
        self.another_writer();
        let mut s = self.state();
        let after = w.after;
        if !key_free(&s, key) {
            return Err(CustomerStoreError::KeyTaken);
        }
        let stored = s.customers.get(&after.customer_id).map(|c| c.version);
        if stored != w.before.map(|b| b.version) {
            return Err(CustomerStoreError::Stale);
        }
        let old_email = w.before.map(|b| &b.email);
        let moved = old_email != Some(&after.email);
        if moved && !after.is_deleted() && s.customer_emails.contains_key(&after.email) {
            return Err(CustomerStoreError::DuplicateEmail);
        }
        if !Memory::move_membership(&mut s, w.before, after) {
            return Err(CustomerStoreError::TeamGone);
        }
        if let Some(old) = old_email.filter(|_| moved || after.is_deleted()) {
            s.customer_emails.remove(old);
        }
        if moved && !after.is_deleted() {
            s.customer_emails
                .insert(after.email.clone(), after.customer_id.clone());
        }
        keep_record(&mut s, key);
        s.customers.insert(after.customer_id.clone(), after.clone());
        s.audit.push(w.audit.clone());
        for e in crate::events::customer_events(w.before, w.after) {
            s.events.insert(e.id.clone(), (e, false));
        }
        Ok(())
    }

    async fn customer(&self, id: &CustomerId) -> Result<Option<Customer>, Unexpected> {
        Ok(self.get(ItemRef::Customer(id.clone()), |s| s.customers.get(id)))
    }

    async fn list(
        &self,
        filter: &CustomerFilter,
        page: &PageRequest,
    ) -> Result<Page<Customer>, CustomerStoreError> {
        let s = self.state();
        let found = s
            .customers
            .values()
            .filter(|c| match filter.status {
                None => !c.is_deleted(),
                Some(status) => c.status == status,
            })
            .filter(|c| {
                filter.q.as_ref().is_none_or(|q| {
                    c.name.folded().contains(q.as_str()) || c.email.as_str().contains(q.as_str())
                })
            })
            .filter(|c| filter.tag.as_ref().is_none_or(|t| c.tags.contains(t)));
        let items = sorted(found, |c| (c.name.folded(), c.customer_id.clone()));
        Ok(first_page(items, page))
    }

    async fn tag(&self, w: Tagging<'_>) -> Result<(), CustomerStoreError> {
        let (change, now, audits) = (w.change, w.at, w.audits);
        if self.contended() {
            return Err(CustomerStoreError::Contention);
        }
        let mut s = self.state();
        let missing: Vec<CustomerId> = change
            .customer_ids
            .iter()
            .filter(|id| {
                s.customers
                    .get(*id)
                    .is_none_or(|c| c.status == CustomerStatus::Deleted)
            })
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(CustomerStoreError::Missing(missing));
        }
        for id in &change.customer_ids {
            let c = s.customers.get_mut(id).expect("checked");
            match change.action {
                TagAction::Add => c.tags.insert(change.tag.clone()),
                TagAction::Remove => c.tags.remove(&change.tag),
            };
            c.updated_at = now;
            c.version += 1;
        }
        s.audit.extend(audits.iter().cloned());
        Ok(())
    }
}
