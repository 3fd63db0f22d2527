//! The catalogue's port.

use super::{CheckoutQuestion, PriceTier, Product};
use crate::audit::AuditEntry;
use crate::error::Unexpected;
use crate::ids::{Sku, TierId};
use crate::page::{Page, PageRequest};

/// Why the catalogue refused a write.
#[derive(Debug, thiserror::Error)]
pub enum CatalogStoreError {
    #[error("a product with this SKU exists")]
    DuplicateSku,
    #[error("changed meanwhile")]
    Stale,
    #[error("another write to the same item was under way")]
    Contention,
    #[error("the cursor does not belong to this listing")]
    BadCursor,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Where the catalogue is kept. Every write carries its audit entry.
#[async_trait::async_trait]
pub trait CatalogStore: Send + Sync {
    async fn insert_product(
        &self,
        p: &Product,
        audit: &AuditEntry,
    ) -> Result<(), CatalogStoreError>;
    async fn product(&self, sku: &Sku) -> Result<Option<Product>, Unexpected>;
    /// Replaces `before` by `after` if `before` is still the stored version.
    async fn replace_product(
        &self,
        before: &Product,
        after: &Product,
        audit: &AuditEntry,
    ) -> Result<(), CatalogStoreError>;
    /// A page of products in SKU order, those matching `q` (folded) and, if asked, active only.
    async fn products(
        &self,
        q: Option<&str>,
        active_only: bool,
        page: &PageRequest,
    ) -> Result<Page<Product>, CatalogStoreError>;
    /// The products with these SKUs that exist, in one read.
    async fn products_by_sku(&self, skus: &[Sku]) -> Result<Vec<Product>, Unexpected>;
    async fn insert_tier(&self, t: &PriceTier, audit: &AuditEntry)
    -> Result<(), CatalogStoreError>;
    async fn tier(&self, id: &TierId) -> Result<Option<PriceTier>, Unexpected>;
    async fn replace_tier(
        &self,
        before: &PriceTier,
        after: &PriceTier,
        audit: &AuditEntry,
    ) -> Result<(), CatalogStoreError>;
    async fn tiers(&self) -> Result<Vec<PriceTier>, Unexpected>;
    /// The questions and their version (0 before any were set).
    async fn questions(&self) -> Result<(Vec<CheckoutQuestion>, u64), Unexpected>;
    async fn put_questions(
        &self,
        q: &[CheckoutQuestion],
        expected_version: u64,
        audit: &AuditEntry,
    ) -> Result<(), CatalogStoreError>;
}
