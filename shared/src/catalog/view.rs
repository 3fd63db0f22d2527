//! Reading the catalogue: the admin's product list and tiers, a customer's catalogue at its own
//! prices, and the checkout questions.

use super::{CatalogError, CatalogStore, CheckoutQuestion, PriceTier, Product, ProductFilter};
use crate::domain::Money;
use crate::ids::{Sku, TierId};
use crate::page::{Page, PageRequest};
use crate::reads::{ItemRef, Reads};

fn folded(q: Option<&str>) -> Option<String> {
    q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty())
}

/// Products for admins, in SKU order.
pub async fn list_products<S: CatalogStore>(
    store: &S,
    q: Option<&str>,
    page: &PageRequest,
) -> Result<Page<Product>, CatalogError> {
    let q = folded(q);
    let filter = ProductFilter {
        q: q.as_deref(),
        active_only: false,
    };
    Ok(store.products(filter, page).await?)
}

/// Every price tier, for admins: a seller has few.
pub async fn list_tiers<S: CatalogStore>(store: &S) -> Result<Page<PriceTier>, CatalogError> {
    Ok(Page {
        items: store.tiers().await?,
        next_cursor: None,
    })
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

/// What [`customer_catalog`] reads by key: the tier.
pub fn catalog_reads(tier: Option<&TierId>) -> Reads {
    Reads::of(tier.cloned().map(ItemRef::Tier))
}

/// The active products at the prices of `tier`, the customer's. A tier that no longer exists
/// means list prices.
pub async fn customer_catalog<S: CatalogStore>(
    store: &S,
    tier: Option<&TierId>,
    q: Option<&str>,
    page: &PageRequest,
) -> Result<Page<CatalogItem>, CatalogError> {
    let q = folded(q);
    let (tier, products) = futures::future::join(
        async {
            match tier {
                Some(id) => store.tier(id).await,
                None => Ok(None),
            }
        },
        store.products(
            ProductFilter {
                q: q.as_deref(),
                active_only: true,
            },
            page,
        ),
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

/// What [`checkout_questions`] reads by key.
pub fn questions_reads() -> Reads {
    Reads::of([ItemRef::Questions])
}

/// The questions asked at checkout.
pub async fn checkout_questions<S: CatalogStore>(
    store: &S,
) -> Result<Vec<CheckoutQuestion>, CatalogError> {
    Ok(store.questions().await?.questions)
}

/// What [`tier_name`] reads by key.
pub fn tier_name_reads(tier: Option<&TierId>) -> Reads {
    catalog_reads(tier)
}

/// The name of `tier`, if it names one that exists.
pub async fn tier_name<S: CatalogStore>(
    store: &S,
    tier: Option<&TierId>,
) -> Result<Option<String>, CatalogError> {
    Ok(match tier {
        Some(id) => store.tier(id).await?.map(|t| t.name),
        None => None,
    })
}
