//! The catalogue: products, price tiers, and what a customer sees at its own prices; and the
//! questions the seller asks at checkout.

pub mod item;
mod model;
pub mod pricing;

pub use model::*;
pub use pricing::Discount;

use crate::actor::Principal;
use crate::audit::AuditEntry;
use crate::customers::Customer;
use crate::domain::{FieldError, Money, Timestamp, Validator, bounded_text};
use crate::page::{Page, PageRequest};
use crate::store::Unexpected;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------------------
// Input.

/// Body of `POST /admin/products`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateProductBody {
    pub sku: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub unit: Option<String>,
    pub price: Money,
    #[serde(default)]
    pub active: Option<bool>,
}

/// Body of `PATCH /admin/products/{sku}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateProductBody {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub description: Option<Option<String>>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub price: Option<Money>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub version: Option<u64>,
}

/// Body of `POST /admin/price-tiers` and `PATCH /admin/price-tiers/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierBody {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub discount_percent: Option<f64>,
    /// Replaces every override when given.
    #[serde(default)]
    pub prices: Option<BTreeMap<String, Money>>,
    #[serde(default)]
    pub version: Option<u64>,
}

/// Body of `PUT /admin/checkout-questions`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionsBody {
    pub questions: Vec<CheckoutQuestion>,
}

// ---------------------------------------------------------------------------------------------
// Ports.

#[derive(Debug, thiserror::Error)]
pub enum CatalogStoreError {
    #[error("a product with this SKU exists")]
    DuplicateSku,
    #[error("changed meanwhile")]
    Stale,
    #[error("the cursor does not belong to this listing")]
    BadCursor,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Where the catalogue is kept.
#[async_trait::async_trait]
pub trait CatalogStore: Send + Sync {
    async fn insert_product(
        &self,
        p: &Product,
        audit: &AuditEntry,
    ) -> Result<(), CatalogStoreError>;
    async fn product(&self, sku: &Sku) -> Result<Option<Product>, Unexpected>;
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
    async fn questions(&self) -> Result<(Vec<CheckoutQuestion>, u64), Unexpected>;
    async fn put_questions(
        &self,
        q: &[CheckoutQuestion],
        expected_version: u64,
        audit: &AuditEntry,
    ) -> Result<(), CatalogStoreError>;
}

// ---------------------------------------------------------------------------------------------
// Use cases.

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(&'static str),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

impl From<CatalogStoreError> for CatalogError {
    fn from(e: CatalogStoreError) -> Self {
        match e {
            CatalogStoreError::DuplicateSku => {
                Self::Conflict("A product with this SKU already exists.")
            }
            CatalogStoreError::Stale => {
                Self::Conflict("It was changed by someone else meanwhile. Reload it and try again.")
            }
            CatalogStoreError::BadCursor => Self::Invalid(vec![FieldError::new(
                "cursor",
                "does not belong to this listing; start again without it",
            )]),
            CatalogStoreError::Unexpected(u) => Self::Unexpected(u),
        }
    }
}

fn text(v: &mut Validator, field: &str, raw: &str, max: usize) -> Option<String> {
    v.check(field, bounded_text(raw, 1, max))
}

/// Adds a product to the catalogue.
pub async fn create_product<S: CatalogStore>(
    store: &S,
    admin: &Principal,
    body: CreateProductBody,
) -> Result<Product, CatalogError> {
    let mut v = Validator::default();
    let sku = v.check("sku", Sku::parse(&body.sku));
    let name = text(&mut v, "name", &body.name, 200);
    let description = body
        .description
        .as_deref()
        .and_then(|d| text(&mut v, "description", d, 2000));
    let unit = text(&mut v, "unit", body.unit.as_deref().unwrap_or("each"), 20);
    v.finish(|| ()).map_err(CatalogError::Invalid)?;
    let now = Timestamp::now();
    let product = Product {
        sku: sku.expect("checked"),
        name: name.expect("checked"),
        description,
        unit: unit.expect("checked"),
        price: body.price,
        active: body.active.unwrap_or(true),
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let audit = AuditEntry::by_admin(
        admin,
        now,
        "product.created",
        None,
        json!({ "sku": product.sku, "price": product.price }),
    );
    store.insert_product(&product, &audit).await?;
    Ok(product)
}

/// Changes a product. Orders already placed keep the prices they were placed at.
pub async fn update_product<S: CatalogStore>(
    store: &S,
    admin: &Principal,
    sku: &Sku,
    body: UpdateProductBody,
) -> Result<Product, CatalogError> {
    let mut v = Validator::default();
    let name = body
        .name
        .as_deref()
        .and_then(|n| text(&mut v, "name", n, 200));
    let description = body
        .description
        .map(|d| d.and_then(|d| text(&mut v, "description", &d, 2000)));
    let unit = body
        .unit
        .as_deref()
        .and_then(|u| text(&mut v, "unit", u, 20));
    v.finish(|| ()).map_err(CatalogError::Invalid)?;
    let before = store
        .product(sku)
        .await?
        .ok_or(CatalogError::NotFound("There is no product with this SKU."))?;
    if body.version.is_some_and(|v| v != before.version) {
        return Err(CatalogError::Conflict(
            "The product was changed by someone else meanwhile. Reload it and try again.",
        ));
    }
    let now = Timestamp::now();
    let mut after = before.clone();
    if let Some(n) = name {
        after.name = n;
    }
    if let Some(d) = description {
        after.description = d;
    }
    if let Some(u) = unit {
        after.unit = u;
    }
    if let Some(p) = body.price {
        after.price = p;
    }
    if let Some(a) = body.active {
        after.active = a;
    }
    after.updated_at = now;
    after.version += 1;
    let audit = AuditEntry::by_admin(
        admin,
        now,
        "product.updated",
        None,
        json!({ "sku": sku, "price": after.price, "active": after.active }),
    );
    store.replace_product(&before, &after, &audit).await?;
    Ok(after)
}

/// Products for admins, in SKU order.
pub async fn list_products<S: CatalogStore>(
    store: &S,
    q: Option<&str>,
    page: &PageRequest,
) -> Result<Page<Product>, CatalogError> {
    let q = q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    Ok(store.products(q.as_deref(), false, page).await?)
}

fn tier_fields(
    v: &mut Validator,
    body: &TierBody,
) -> (
    Option<String>,
    Option<Discount>,
    Option<BTreeMap<Sku, Money>>,
) {
    let name = body.name.as_deref().and_then(|n| text(v, "name", n, 100));
    let discount = body
        .discount_percent
        .and_then(|p| v.check("discount_percent", Discount::from_percent(p)));
    let prices = body.prices.as_ref().map(|prices| {
        prices
            .iter()
            .filter_map(|(sku, m)| {
                v.check(&format!("prices.{sku}"), Sku::parse(sku))
                    .map(|s| (s, *m))
            })
            .collect()
    });
    (name, discount, prices)
}

/// Overrides must name products that exist, in their currency.
async fn check_overrides<S: CatalogStore>(
    store: &S,
    prices: &BTreeMap<Sku, Money>,
) -> Result<(), CatalogError> {
    if prices.is_empty() {
        return Ok(());
    }
    let skus: Vec<Sku> = prices.keys().cloned().collect();
    let found: BTreeMap<Sku, Product> = store
        .products_by_sku(&skus)
        .await?
        .into_iter()
        .map(|p| (p.sku.clone(), p))
        .collect();
    let mut errors = Vec::new();
    for (sku, price) in prices {
        match found.get(sku) {
            None => errors.push(FieldError::new(
                format!("prices.{sku}"),
                "is not a product in the catalogue",
            )),
            Some(p) if p.price.currency() != price.currency() => errors.push(FieldError::new(
                format!("prices.{sku}"),
                format!("must be in {}, the product's currency", p.price.currency()),
            )),
            Some(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CatalogError::Invalid(errors))
    }
}

/// Creates a price tier.
pub async fn create_tier<S: CatalogStore>(
    store: &S,
    admin: &Principal,
    body: TierBody,
) -> Result<PriceTier, CatalogError> {
    let mut v = Validator::default();
    if body.name.is_none() {
        v.push("name", "is required");
    }
    if body.version.is_some() {
        v.push("version", "is only for changes");
    }
    let (name, discount, prices) = tier_fields(&mut v, &body);
    v.finish(|| ()).map_err(CatalogError::Invalid)?;
    let prices = prices.unwrap_or_default();
    check_overrides(store, &prices).await?;
    let now = Timestamp::now();
    let tier = PriceTier {
        tier_id: TierId::generate(),
        name: name.expect("checked"),
        discount: discount.unwrap_or(Discount::NONE),
        prices,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let audit = AuditEntry::by_admin(
        admin,
        now,
        "price_tier.created",
        None,
        json!({ "tier_id": tier.tier_id, "name": tier.name }),
    );
    store.insert_tier(&tier, &audit).await?;
    Ok(tier)
}

/// Changes a price tier; `prices`, when given, replaces every override.
pub async fn update_tier<S: CatalogStore>(
    store: &S,
    admin: &Principal,
    id: &TierId,
    body: TierBody,
) -> Result<PriceTier, CatalogError> {
    let mut v = Validator::default();
    let (name, discount, prices) = tier_fields(&mut v, &body);
    v.finish(|| ()).map_err(CatalogError::Invalid)?;
    if let Some(p) = &prices {
        check_overrides(store, p).await?;
    }
    let before = store.tier(id).await?.ok_or(CatalogError::NotFound(
        "There is no price tier with this id.",
    ))?;
    if body.version.is_some_and(|v| v != before.version) {
        return Err(CatalogError::Conflict(
            "The price tier was changed by someone else meanwhile. Reload it and try again.",
        ));
    }
    let now = Timestamp::now();
    let mut after = before.clone();
    if let Some(n) = name {
        after.name = n;
    }
    if let Some(d) = discount {
        after.discount = d;
    }
    if let Some(p) = prices {
        after.prices = p;
    }
    after.updated_at = now;
    after.version += 1;
    let audit = AuditEntry::by_admin(
        admin,
        now,
        "price_tier.updated",
        None,
        json!({ "tier_id": id, "name": after.name }),
    );
    store.replace_tier(&before, &after, &audit).await?;
    Ok(after)
}

/// A product as one customer sees it: its price at the customer's tier beside the list price.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CatalogItem {
    pub sku: Sku,
    pub name: String,
    pub description: Option<String>,
    pub unit: String,
    pub price: Money,
    pub list_price: Money,
}

/// The active products, at `customer`'s prices. A tier that no longer exists means list prices.
pub async fn customer_catalog<S: CatalogStore>(
    store: &S,
    customer: &Customer,
    q: Option<&str>,
    page: &PageRequest,
) -> Result<Page<CatalogItem>, CatalogError> {
    let q = q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
    let tier_id = customer
        .price_tier_id
        .as_ref()
        .and_then(|t| TierId::parse(t.as_str()));
    let (tier, products) = futures::future::join(
        async {
            match &tier_id {
                Some(id) => store.tier(id).await,
                None => Ok(None),
            }
        },
        store.products(q.as_deref(), true, page),
    )
    .await;
    let (tier, products) = (tier?, products?);
    Ok(Page {
        items: products
            .items
            .into_iter()
            .map(|p| CatalogItem {
                price: tier.as_ref().map_or(p.price, |t| t.price_of(&p)),
                list_price: p.price,
                sku: p.sku,
                name: p.name,
                description: p.description,
                unit: p.unit,
            })
            .collect(),
        next_cursor: products.next_cursor,
    })
}

/// Replaces the checkout questions.
pub async fn set_questions<S: CatalogStore>(
    store: &S,
    admin: &Principal,
    body: QuestionsBody,
) -> Result<Vec<CheckoutQuestion>, CatalogError> {
    let questions = validate_questions(body.questions).map_err(|e| {
        CatalogError::Invalid(e.into_iter().map(|(f, m)| FieldError::new(f, m)).collect())
    })?;
    let (_, version) = store.questions().await?;
    let now = Timestamp::now();
    let audit = AuditEntry::by_admin(
        admin,
        now,
        "checkout_questions.set",
        None,
        json!({ "questions": questions.len() }),
    );
    store.put_questions(&questions, version, &audit).await?;
    Ok(questions)
}
