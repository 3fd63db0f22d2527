//! The catalogue in the table: one partition, so a customer's catalogue is one `Query`.

pub mod item;

use super::DynamoStore;
use super::attr::{Item, b, n, s};
use super::query::{Listing, ListingError};
use super::write::TxError;
use crate::audit::AuditEntry;
use crate::catalog::{CatalogStore, CatalogStoreError, CheckoutQuestion, PriceTier, Product};
use crate::error::Unexpected;
use crate::ids::{Sku, TierId};
use crate::page::{Page, PageRequest};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

impl DynamoStore {
    /// Puts one catalogue item under `condition` with its audit entry; a failed condition is
    /// `on_condition`.
    async fn put_with_audit(
        &self,
        item: Item,
        condition: &str,
        version: Option<u64>,
        audit: &AuditEntry,
        on_condition: CatalogStoreError,
    ) -> Result<(), CatalogStoreError> {
        let mut put = Put::builder()
            .table_name(self.table())
            .set_item(Some(item))
            .condition_expression(condition);
        if let Some(v) = version {
            put = put.expression_attribute_values(":v", n(v));
        }
        let actions = vec![
            TransactWriteItem::builder()
                .put(put.build().expect("table and item are set"))
                .build(),
            self.put_audit(audit),
        ];
        self.transact(actions).await.map_err(|e| match e {
            TxError::Condition(_) => on_condition,
            TxError::Contention => CatalogStoreError::Contention,
            TxError::Unexpected(u) => CatalogStoreError::Unexpected(u),
        })
    }
}

fn listing_error(e: ListingError) -> CatalogStoreError {
    match e {
        ListingError::BadCursor => CatalogStoreError::BadCursor,
        ListingError::Unexpected(u) => CatalogStoreError::Unexpected(u),
    }
}

#[async_trait::async_trait]
impl CatalogStore for DynamoStore {
    async fn insert_product(
        &self,
        p: &Product,
        audit: &AuditEntry,
    ) -> Result<(), CatalogStoreError> {
        self.put_with_audit(
            item::product_to_item(p),
            "attribute_not_exists(PK)",
            None,
            audit,
            CatalogStoreError::DuplicateSku,
        )
        .await
    }

    async fn product(&self, sku: &Sku) -> Result<Option<Product>, Unexpected> {
        self.get_item(item::PK.to_owned(), &item::product_sk(sku))
            .await?
            .as_ref()
            .map(item::product_from_item)
            .transpose()
    }

    async fn replace_product(
        &self,
        before: &Product,
        after: &Product,
        audit: &AuditEntry,
    ) -> Result<(), CatalogStoreError> {
        self.put_with_audit(
            item::product_to_item(after),
            "version = :v",
            Some(before.version),
            audit,
            CatalogStoreError::Stale,
        )
        .await
    }

    async fn products(
        &self,
        q: Option<&str>,
        active_only: bool,
        page: &PageRequest,
    ) -> Result<Page<Product>, CatalogStoreError> {
        let mut conditions = Vec::new();
        let mut values = vec![(":pk", s(item::PK)), (":prefix", s(item::PRODUCT_PREFIX))];
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
        let (items, next_cursor) = self
            .list_page(&listing, page, |c| {
                c.0["PK"] == item::PK && c.0["SK"].starts_with(item::PRODUCT_PREFIX)
            })
            .await
            .map_err(listing_error)?;
        Ok(Page {
            items: items
                .iter()
                .map(item::product_from_item)
                .collect::<Result<_, _>>()?,
            next_cursor,
        })
    }

    async fn products_by_sku(&self, skus: &[Sku]) -> Result<Vec<Product>, Unexpected> {
        let keys: Vec<_> = skus
            .iter()
            .map(|sku| (item::PK.to_owned(), item::product_sk(sku)))
            .collect();
        let found = self.batch_get(&keys).await?;
        keys.iter()
            .filter_map(|k| found.get(k))
            .map(item::product_from_item)
            .collect()
    }

    async fn insert_tier(
        &self,
        t: &PriceTier,
        audit: &AuditEntry,
    ) -> Result<(), CatalogStoreError> {
        self.put_with_audit(
            item::tier_to_item(t),
            "attribute_not_exists(PK)",
            None,
            audit,
            CatalogStoreError::Stale,
        )
        .await
    }

    async fn tier(&self, id: &TierId) -> Result<Option<PriceTier>, Unexpected> {
        self.get_item(item::PK.to_owned(), &item::tier_sk(id))
            .await?
            .as_ref()
            .map(item::tier_from_item)
            .transpose()
    }

    async fn replace_tier(
        &self,
        before: &PriceTier,
        after: &PriceTier,
        audit: &AuditEntry,
    ) -> Result<(), CatalogStoreError> {
        self.put_with_audit(
            item::tier_to_item(after),
            "version = :v",
            Some(before.version),
            audit,
            CatalogStoreError::Stale,
        )
        .await
    }

    async fn tiers(&self) -> Result<Vec<PriceTier>, Unexpected> {
        let listing = Listing {
            index: None,
            key_condition: "PK = :pk AND begins_with(SK, :prefix)",
            filter: None,
            names: Vec::new(),
            values: vec![(":pk", s(item::PK)), (":prefix", s(item::TIER_PREFIX))],
            key_attributes: &["PK", "SK"],
            forward: true,
        };
        let page = PageRequest {
            limit: crate::page::MAX_LIMIT,
            cursor: None,
        };
        let (items, _) = self
            .list_page(&listing, &page, |_| false)
            .await
            .map_err(|e| Unexpected::caused_by("listing the price tiers failed", e))?;
        items.iter().map(item::tier_from_item).collect()
    }

    async fn questions(&self) -> Result<(Vec<CheckoutQuestion>, u64), Unexpected> {
        match self
            .get_item(item::PK.to_owned(), item::QUESTIONS_SK)
            .await?
        {
            Some(found) => item::questions_from_item(&found),
            None => Ok((Vec::new(), 0)),
        }
    }

    async fn put_questions(
        &self,
        q: &[CheckoutQuestion],
        expected_version: u64,
        audit: &AuditEntry,
    ) -> Result<(), CatalogStoreError> {
        let (condition, version) = if expected_version == 0 {
            ("attribute_not_exists(PK)", None)
        } else {
            ("version = :v", Some(expected_version))
        };
        self.put_with_audit(
            item::questions_to_item(q, expected_version + 1),
            condition,
            version,
            audit,
            CatalogStoreError::Stale,
        )
        .await
    }
}
