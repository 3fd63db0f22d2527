//! The catalogue's port.

use super::{CheckoutQuestions, PriceTier, Product};
use crate::audit::Audited;
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

/// Which products a listing shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProductFilter<'a> {
    /// Folded text the SKU or the name must contain.
    pub q: Option<&'a str>,
    pub active_only: bool,
}

/// Where the catalogue is kept. Every write carries its audit entry; a new product whose SKU
/// exists is `DuplicateSku`, any other failed condition `Stale`.
#[async_trait::async_trait]
pub trait CatalogStore: Send + Sync {
    async fn put_product(&self, w: Audited<'_, Product>) -> Result<(), CatalogStoreError>;
    async fn product(&self, sku: &Sku) -> Result<Option<Product>, Unexpected>;
    /// A page of products in SKU order.
    async fn products(
        &self,
        filter: ProductFilter<'_>,
        page: &PageRequest,
    ) -> Result<Page<Product>, CatalogStoreError>;
    /// The products with these SKUs that exist, in one read.
    async fn products_by_sku(&self, skus: &[Sku]) -> Result<Vec<Product>, Unexpected>;
    async fn put_tier(&self, w: Audited<'_, PriceTier>) -> Result<(), CatalogStoreError>;
    async fn tier(&self, id: &TierId) -> Result<Option<PriceTier>, Unexpected>;
    async fn tiers(&self) -> Result<Vec<PriceTier>, Unexpected>;
    async fn questions(&self) -> Result<CheckoutQuestions, Unexpected>;
    async fn put_questions(
        &self,
        w: Audited<'_, CheckoutQuestions>,
    ) -> Result<(), CatalogStoreError>;
}
