//! Customers in memory, with the email guard and the version condition of the table.

use super::{Memory, keep_record, key_free};
use crate::audit::AuditEntry;
use crate::customers::{
    Customer, CustomerFilter, CustomerStatus, CustomerStore, CustomerStoreError, TagAction,
    TagChange,
};
use crate::domain::Timestamp;
use crate::error::Unexpected;
use crate::idempotency::IdempotencyRecord;
use crate::ids::CustomerId;
use crate::page::{Page, PageRequest};
use crate::reads::ItemRef;

#[async_trait::async_trait]
impl CustomerStore for Memory {
    async fn insert(
        &self,
        customer: &Customer,
        audit: &AuditEntry,
        idempotency: Option<&IdempotencyRecord>,
    ) -> Result<(), CustomerStoreError> {
        if self.contended() {
            return Err(CustomerStoreError::Contention);
        }
        let mut s = self.state();
        if !key_free(&s, idempotency) {
            return Err(CustomerStoreError::KeyTaken);
        }
        if s.customer_emails.contains_key(&customer.email) {
            return Err(CustomerStoreError::DuplicateEmail);
        }
        keep_record(&mut s, idempotency);
        s.customer_emails
            .insert(customer.email.clone(), customer.customer_id.clone());
        s.customers
            .insert(customer.customer_id.clone(), customer.clone());
        s.audit.push(audit.clone());
        Ok(())
    }

    async fn customer(&self, id: &CustomerId) -> Result<Option<Customer>, Unexpected> {
        self.read(ItemRef::Customer(id.clone()));
        Ok(self.state().customers.get(id).cloned())
    }

    async fn replace(
        &self,
        before: &Customer,
        after: &Customer,
        audit: &AuditEntry,
    ) -> Result<(), CustomerStoreError> {
        if self.contended() {
            return Err(CustomerStoreError::Contention);
        }
        let mut s = self.state();
        let stored = s.customers.get(&before.customer_id).map(|c| c.version);
        if stored != Some(before.version) {
            return Err(CustomerStoreError::Stale);
        }
        let email_changed = before.email != after.email;
        if email_changed && !after.is_deleted() && s.customer_emails.contains_key(&after.email) {
            return Err(CustomerStoreError::DuplicateEmail);
        }
        if after.is_deleted() || email_changed {
            s.customer_emails.remove(&before.email);
        }
        if email_changed && !after.is_deleted() {
            s.customer_emails
                .insert(after.email.clone(), after.customer_id.clone());
        }
        s.customers.insert(after.customer_id.clone(), after.clone());
        s.audit.push(audit.clone());
        Ok(())
    }

    async fn list(
        &self,
        filter: &CustomerFilter,
        page: &PageRequest,
    ) -> Result<Page<Customer>, CustomerStoreError> {
        let s = self.state();
        let mut items: Vec<Customer> = s
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
            .filter(|c| filter.tag.as_ref().is_none_or(|t| c.tags.contains(t)))
            .cloned()
            .collect();
        items.sort_by_key(|c| (c.name.folded(), c.customer_id.clone()));
        items.truncate(page.limit);
        Ok(Page {
            items,
            next_cursor: None,
        })
    }

    async fn tag(
        &self,
        change: &TagChange,
        now: Timestamp,
        audits: &[AuditEntry],
    ) -> Result<(), CustomerStoreError> {
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
