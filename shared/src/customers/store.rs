//! The customers' port.

use super::{Customer, CustomerFilter, TagChange};
use crate::audit::AuditEntry;
use crate::domain::Timestamp;
use crate::error::Unexpected;
use crate::idempotency::IdempotencyRecord;
use crate::ids::CustomerId;
use crate::page::{Page, PageRequest};

/// Why the store refused a customer write.
#[derive(Debug, thiserror::Error)]
pub enum CustomerStoreError {
    #[error("the customer changed since it was read, or does not exist")]
    Stale,
    #[error("another customer has this email")]
    DuplicateEmail,
    #[error("the idempotency key was taken meanwhile")]
    KeyTaken,
    #[error("customers not found: {0:?}")]
    Missing(Vec<CustomerId>),
    #[error("the cursor does not belong to this listing")]
    BadCursor,
    #[error("another write to the same items was under way; try again")]
    Contention,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Where customers are kept.
#[async_trait::async_trait]
pub trait CustomerStore: Send + Sync {
    /// Writes a new customer, its email guard, the audit entry and the idempotency record, all
    /// or none.
    async fn insert(
        &self,
        customer: &Customer,
        audit: &AuditEntry,
        idempotency: Option<&IdempotencyRecord>,
    ) -> Result<(), CustomerStoreError>;

    async fn customer(&self, id: &CustomerId) -> Result<Option<Customer>, Unexpected>;

    /// Replaces `before` by `after` if `before` is still the stored version, moving the email
    /// guard when the email changed and releasing it when the customer is deleted.
    async fn replace(
        &self,
        before: &Customer,
        after: &Customer,
        audit: &AuditEntry,
    ) -> Result<(), CustomerStoreError>;

    /// One page of the directory, in name order.
    async fn list(
        &self,
        filter: &CustomerFilter,
        page: &PageRequest,
    ) -> Result<Page<Customer>, CustomerStoreError>;

    /// Adds or removes a tag on every named customer that is not deleted, all or none.
    async fn tag(
        &self,
        change: &TagChange,
        now: Timestamp,
        audits: &[AuditEntry],
    ) -> Result<(), CustomerStoreError>;
}
