//! The catalogue in memory.

use super::{Memory, first_page};
use crate::audit::Audited;
use crate::catalog::{
    CatalogStore, CatalogStoreError, CheckoutQuestions, PriceTier, Product, ProductFilter,
};
use crate::error::Unexpected;
use crate::ids::{Sku, TierId};
use crate::page::{Page, PageRequest};
use crate::reads::ItemRef;

impl Memory {
    /// A write of one catalogue item as the table would take it: contention, a failed
    /// condition (`taken` for a new item that exists), or done with its audit entry.
    fn put_audited<T: Clone>(
        &self,
        w: Audited<'_, T>,
        stored: impl FnOnce(&super::State) -> Option<u64>,
        version: impl Fn(&T) -> u64,
        taken: CatalogStoreError,
        put: impl FnOnce(&mut super::State, T),
    ) -> Result<(), CatalogStoreError> {
        if self.contended() {
            return Err(CatalogStoreError::Contention);
        }
        self.another_writer();
        let stored = stored(&self.state());
        match (w.before.map(version), stored) {
            (None, Some(_)) => return Err(taken),
            (Some(b), Some(s)) if b == s => {}
            (Some(_), _) => return Err(CatalogStoreError::Stale),
            (None, None) => {}
        }
        let mut s = self.state();
        put(&mut s, w.after.clone());
        s.audit.push(w.audit.clone());
        Ok(())
    }
}

#[async_trait::async_trait]
impl CatalogStore for Memory {
    async fn put_product(&self, w: Audited<'_, Product>) -> Result<(), CatalogStoreError> {
        let sku = w.after.sku.clone();
        self.put_audited(
            w,
            |s| s.products.get(&sku).map(|p| p.version),
            |p| p.version,
            CatalogStoreError::DuplicateSku,
            |s, p| {
                s.products.insert(p.sku.clone(), p);
            },
        )
    }

    async fn put_tier(&self, w: Audited<'_, PriceTier>) -> Result<(), CatalogStoreError> {
        let id = w.after.tier_id.clone();
        self.put_audited(
            w,
            |s| s.tiers.get(&id).map(|t| t.version),
            |t| t.version,
            CatalogStoreError::Stale,
            |s, t| {
                s.tiers.insert(t.tier_id.clone(), t);
            },
        )
    }

    async fn put_questions(
        &self,
        w: Audited<'_, CheckoutQuestions>,
    ) -> Result<(), CatalogStoreError> {
        self.put_audited(
            w,
            |s| Some(s.questions.version).filter(|v| *v > 0),
            |q| q.version,
            CatalogStoreError::Stale,
            |s, q| {
                s.questions = q;
            },
        )
    }

    async fn product(&self, sku: &Sku) -> Result<Option<Product>, Unexpected> {
        Ok(self.get(ItemRef::Product(sku.clone()), |s| s.products.get(sku)))
    }

    async fn products(
        &self,
        filter: ProductFilter<'_>,
        page: &PageRequest,
    ) -> Result<Page<Product>, CatalogStoreError> {
        let ProductFilter { q, active_only } = filter;
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
            .cloned()
            .collect();
        Ok(first_page(items, page))
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

    async fn tier(&self, id: &TierId) -> Result<Option<PriceTier>, Unexpected> {
        Ok(self.get(ItemRef::Tier(id.clone()), |s| s.tiers.get(id)))
    }

    async fn tiers(&self) -> Result<Vec<PriceTier>, Unexpected> {
        Ok(self.state().tiers.values().cloned().collect())
    }

    async fn questions(&self) -> Result<CheckoutQuestions, Unexpected> {
        self.read(ItemRef::Questions);
        Ok(self.state().questions.clone())
    }
}
