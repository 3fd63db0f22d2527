//! The catalogue's request bodies, as clients send them.

use super::CheckoutQuestion;
use crate::domain::Money;
use serde::Deserialize;
use std::collections::BTreeMap;

/// Body of `POST /admin/products`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateProductBody {
    pub sku: String,
    pub name: String,
    pub description: Option<String>,
    pub unit: Option<String>,
    pub price: Money,
    pub active: Option<bool>,
}

/// Body of `PATCH /admin/products/{sku}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateProductBody {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::domain::nullable")]
    pub description: Option<Option<String>>,
    pub unit: Option<String>,
    pub price: Option<Money>,
    pub active: Option<bool>,
    pub version: Option<u64>,
}

/// Body of `POST /admin/price-tiers` and `PATCH /admin/price-tiers/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierBody {
    pub name: Option<String>,
    pub discount_percent: Option<f64>,
    /// Replaces every override when given.
    pub prices: Option<BTreeMap<String, Money>>,
    pub version: Option<u64>,
}

/// Body of `PUT /admin/checkout-questions`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionsBody {
    pub questions: Vec<CheckoutQuestion>,
}
