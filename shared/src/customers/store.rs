//! The customers' port.

use super::{Customer, CustomerFilter, TagChange};
use crate::audit::{AuditEntry, Audited};
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
    /// The account's `fulfillment_team_id` names a team that no longer exists.
    #[error("the team was removed meanwhile")]
    TeamGone,
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

/// A bulk tag's write: the change, when, and one audit entry per account.
#[derive(Debug, Clone, Copy)]
pub struct Tagging<'a> {
    pub change: &'a TagChange,
    pub at: Timestamp,
    pub audits: &'a [AuditEntry],
}

/// Where customers are kept. An account's email is unique among open accounts: a guard item
/// written and moved with it in the same transaction. An account joins and leaves its
/// `fulfillment_team_id`'s team in the same transaction too (only while the team exists), so
/// a team's removal sees every account that names it.
#[async_trait::async_trait]
pub trait CustomerStore: Send + Sync {
    /// Writes a new account (no `before`) with its email guard, or replaces `before` if it is
    /// still the stored version, moving the guard when the email changed and releasing it when
    /// the account is deleted; with the audit entry and, for a new account, the idempotency
    /// record; all or none.
    async fn put(
        &self,
        w: Audited<'_, Customer>,
        key: Option<&IdempotencyRecord>,
    ) -> Result<(), CustomerStoreError>;

    async fn customer(&self, id: &CustomerId) -> Result<Option<Customer>, Unexpected>;

    /// One page of the directory, in name order.
    async fn list(
        &self,
        filter: &CustomerFilter,
        page: &PageRequest,
    ) -> Result<Page<Customer>, CustomerStoreError>;

    /// Adds or removes a tag on every named account that is not deleted, all or none.
    async fn tag(&self, w: Tagging<'_>) -> Result<(), CustomerStoreError>;
}
