//! The catalogue in memory.

use super::Memory;
use crate::audit::AuditEntry;
use crate::catalog::{CatalogStore, CatalogStoreError, CheckoutQuestion, PriceTier, Product};
use crate::error::Unexpected;
use crate::ids::{Sku, TierId};
use crate::page::{Page, PageRequest};
use crate::reads::ItemRef;

impl Memory {
    /// Contention, a failed condition, or the write done with its audit entry.
    fn catalogue_write(
        &self,
        condition: bool,
        on_condition: CatalogStoreError,
        audit: &AuditEntry,
        write: impl FnOnce(&mut super::State),
    ) -> Result<(), CatalogStoreError> {
        if self.contended() {
            return Err(CatalogStoreError::Contention);
        }
        if !condition {
            return Err(on_condition);
        }
        let mut s = self.state();
        write(&mut s);
        s.audit.push(audit.clone());
        Ok(())
    }
}

#[async_trait::async_trait]
impl CatalogStore for Memory {
    async fn insert_product(
        &self,
        p: &Product,
        audit: &AuditEntry,
    ) -> Result<(), CatalogStoreError> {
        let free = !self.state().products.contains_key(&p.sku);
        self.catalogue_write(free, CatalogStoreError::DuplicateSku, audit, |s| {
            s.products.insert(p.sku.clone(), p.clone());
        })
    }

    async fn product(&self, sku: &Sku) -> Result<Option<Product>, Unexpected> {
        self.read(ItemRef::Product(sku.clone()));
        Ok(self.state().products.get(sku).cloned())
    }

    async fn replace_product(
        &self,
        before: &Product,
        after: &Product,
        audit: &AuditEntry,
    ) -> Result<(), CatalogStoreError> {
        let current = self.state().products.get(&before.sku).map(|p| p.version);
        let fresh = current == Some(before.version);
        self.catalogue_write(fresh, CatalogStoreError::Stale, audit, |s| {
            s.products.insert(after.sku.clone(), after.clone());
        })
    }

    async fn products(
        &self,
        q: Option<&str>,
        active_only: bool,
        page: &PageRequest,
    ) -> Result<Page<Product>, CatalogStoreError> {
        let items = self
            .state()
            .products
            .values()
            .filter(|p| !active_only || p.active)
            .filter(|p| {
                q.is_none_or(|q| {
                    p.sku.as_str().to_lowercase().contains(q) || p.name.to_lowercase().contains(q)
                })
            })
            .take(page.limit)
            .cloned()
            .collect();
        Ok(Page {
            items,
            next_cursor: None,
        })
    }

    async fn products_by_sku(&self, skus: &[Sku]) -> Result<Vec<Product>, Unexpected> {
        for sku in skus {
            self.read(ItemRef::Product(sku.clone()));
        }
        let s = self.state();
        Ok(skus
            .iter()
            .filter_map(|k| s.products.get(k))
            .cloned()
            .collect())
    }

    async fn insert_tier(
        &self,
        t: &PriceTier,
        audit: &AuditEntry,
    ) -> Result<(), CatalogStoreError> {
        let free = !self.state().tiers.contains_key(&t.tier_id);
        self.catalogue_write(free, CatalogStoreError::Stale, audit, |s| {
            s.tiers.insert(t.tier_id.clone(), t.clone());
        })
    }

    async fn tier(&self, id: &TierId) -> Result<Option<PriceTier>, Unexpected> {
        self.read(ItemRef::Tier(id.clone()));
        Ok(self.state().tiers.get(id).cloned())
    }

    async fn replace_tier(
        &self,
        before: &PriceTier,
        after: &PriceTier,
        audit: &AuditEntry,
    ) -> Result<(), CatalogStoreError> {
        let current = self.state().tiers.get(&before.tier_id).map(|t| t.version);
        let fresh = current == Some(before.version);
        self.catalogue_write(fresh, CatalogStoreError::Stale, audit, |s| {
            s.tiers.insert(after.tier_id.clone(), after.clone());
        })
    }

    async fn tiers(&self) -> Result<Vec<PriceTier>, Unexpected> {
        Ok(self.state().tiers.values().cloned().collect())
    }

    async fn questions(&self) -> Result<(Vec<CheckoutQuestion>, u64), Unexpected> {
        self.read(ItemRef::Questions);
        Ok(self.state().questions.clone())
    }

    async fn put_questions(
        &self,
        q: &[CheckoutQuestion],
        expected_version: u64,
        audit: &AuditEntry,
    ) -> Result<(), CatalogStoreError> {
        let fresh = self.state().questions.1 == expected_version;
        self.catalogue_write(fresh, CatalogStoreError::Stale, audit, |s| {
            s.questions = (q.to_vec(), expected_version + 1);
        })
    }
}
