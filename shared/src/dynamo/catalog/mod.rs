//! The catalogue in the table: one partition, so a customer's catalogue is one `Query`.

pub mod item;

use super::DynamoStore;
use super::attr::{Item, b, s};
use super::query::Listing;
use super::write::TxError;
use crate::audit::{AuditEntry, Audited};
use crate::catalog::{
    CatalogStore, CatalogStoreError, CheckoutQuestions, PriceTier, Product, ProductFilter,
};
use crate::dynamo::keys::{
    CATALOG_PK, PRODUCT_PREFIX, QUESTIONS_SK, TIER_PREFIX, product_sk, tier_sk,
};
use crate::error::Unexpected;
use crate::ids::{Sku, TierId};
use crate::page::{Cursor, Page, PageRequest};

impl DynamoStore {
    /// Puts one catalogue item with its audit entry: new (it must not exist yet; if it does,
    /// `taken`) or in place of the version `before` had.
    async fn put_audited(
        &self,
        item: Item,
        before: Option<u64>,
        audit: &AuditEntry,
        taken: CatalogStoreError,
    ) -> Result<(), CatalogStoreError> {
        let put = match before {
            Some(version) => self.put_versioned(item, version),
            None => self.put_new(item),
        };
        self.transact(vec![put, self.put_audit(audit)])
            .await
            .map_err(|e| match e {
                TxError::Condition(_) if before.is_none() => taken,
                TxError::Condition(_) => CatalogStoreError::Stale,
                TxError::Contention => CatalogStoreError::Contention,
                TxError::Unexpected(u) => CatalogStoreError::Unexpected(u),
            })
    }
}

#[async_trait::async_trait]
impl CatalogStore for DynamoStore {
    async fn put_product(&self, w: Audited<'_, Product>) -> Result<(), CatalogStoreError> {
        let before = w.before.map(|p| p.version);
        let item = item::product_to_item(w.after);
        self.put_audited(item, before, w.audit, CatalogStoreError::DuplicateSku)
            .await
    }

    async fn put_tier(&self, w: Audited<'_, PriceTier>) -> Result<(), CatalogStoreError> {
        let before = w.before.map(|t| t.version);
        let item = item::tier_to_item(w.after);
        self.put_audited(item, before, w.audit, CatalogStoreError::Stale)
            .await
    }

    async fn put_questions(
        &self,
        w: Audited<'_, CheckoutQuestions>,
    ) -> Result<(), CatalogStoreError> {
        let before = w.before.map(|q| q.version);
        let item = item::questions_to_item(w.after);
        self.put_audited(item, before, w.audit, CatalogStoreError::Stale)
            .await
    }

    async fn product(&self, sku: &Sku) -> Result<Option<Product>, Unexpected> {
        self.get_as(
            (CATALOG_PK.to_owned(), &product_sk(sku)),
            item::product_from_item,
        )
        .await
    }

    async fn products(
        &self,
        filter: ProductFilter<'_>,
        page: &PageRequest,
    ) -> Result<Page<Product>, CatalogStoreError> {
        let ProductFilter { q, active_only } = filter;
        let mut conditions = Vec::new();
        let mut values = vec![(":pk", s(CATALOG_PK)), (":prefix", s(PRODUCT_PREFIX))];
        let mut names = Vec::new();
        if active_only {
            conditions.push("active = :active");
            values.push((":active", b(true)));
        }
        if let Some(q) = q {
            conditions.push("contains(#search, :q)");
            values.push((":q", s(q)));
            names.push(("#search", "search"));
        }
        let listing = Listing {
            index: None,
            key_condition: "PK = :pk AND begins_with(SK, :prefix)",
            filter: (!conditions.is_empty()).then(|| conditions.join(" AND ")),
            names,
            values,
            key_attributes: &["PK", "SK"],
            forward: true,
        };
        let fits = |c: &Cursor| c.0["PK"] == CATALOG_PK && c.0["SK"].starts_with(PRODUCT_PREFIX);
        self.list_page(&listing, page, fits, item::product_from_item)
            .await
            .map_err(|e| e.or_bad_cursor(|| CatalogStoreError::BadCursor))
    }

    async fn products_by_sku(&self, skus: &[Sku]) -> Result<Vec<Product>, Unexpected> {
        let keys: Vec<_> = skus
            .iter()
            .map(|sku| (CATALOG_PK.to_owned(), product_sk(sku)))
            .collect();
        let found = self.batch_get(&keys).await?;
        keys.iter()
            .filter_map(|k| found.get(k))
            .map(item::product_from_item)
            .collect()
    }

    async fn tier(&self, id: &TierId) -> Result<Option<PriceTier>, Unexpected> {
        self.get_as((CATALOG_PK.to_owned(), &tier_sk(id)), item::tier_from_item)
            .await
    }

    async fn tiers(&self) -> Result<Vec<PriceTier>, Unexpected> {
        let listing = Listing {
            index: None,
            key_condition: "PK = :pk AND begins_with(SK, :prefix)",
            filter: None,
            names: Vec::new(),
            values: vec![(":pk", s(CATALOG_PK)), (":prefix", s(TIER_PREFIX))],
            key_attributes: &["PK", "SK"],
            forward: true,
        };
        let page = PageRequest {
            limit: crate::page::MAX_LIMIT,
            cursor: None,
        };
        let tiers = self
            .list_page(&listing, &page, |_| false, item::tier_from_item)
            .await
            .map_err(|e| Unexpected::caused_by("listing the price tiers failed", e))?;
        Ok(tiers.items)
    }

    async fn questions(&self) -> Result<CheckoutQuestions, Unexpected> {
        match self.get_item(CATALOG_PK.to_owned(), QUESTIONS_SK).await? {
            Some(found) => item::questions_from_item(&found),
            None => Ok(CheckoutQuestions::default()),
        }
    }
}
