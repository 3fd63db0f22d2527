//! Orders and the cart that becomes one: lines of SKUs and quantities, priced at the
//! customer's tier.

pub mod admin;
pub mod cart;
pub mod order;

use crate::catalog::{CatalogStore, PriceTier, Product, Sku, TierId};
use crate::customers::Customer;
use crate::domain::{FieldError, Money, Validator};
use crate::store::Unexpected;
use serde::Deserialize;
use std::collections::BTreeMap;

/// How many of a SKU a line asks for: 1 to 10,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Quantity(u32);

impl Quantity {
    pub const MAX: u32 = 10_000;

    pub fn new(n: i64) -> Result<Self, String> {
        u32::try_from(n)
            .ok()
            .filter(|n| (1..=Self::MAX).contains(n))
            .map(Self)
            .ok_or_else(|| format!("must be a whole number from 1 to {}", Self::MAX))
    }

    pub fn get(&self) -> u32 {
        self.0
    }
}

/// Most lines an order or a cart may have.
pub const MAX_LINES: usize = 200;

/// A line as a client sends it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    pub sku: String,
    pub quantity: i64,
}

/// A line: a SKU and how many.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Line {
    pub sku: Sku,
    pub quantity: Quantity,
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Quantity::new(i64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Checks a list of lines: 1 to [`MAX_LINES`] (or 0 when `allow_empty`), each SKU once,
/// quantities in range. Errors name `lines[i].field`.
pub fn parse_lines(v: &mut Validator, raw: &[LineBody], allow_empty: bool) -> Vec<Line> {
    if raw.len() > MAX_LINES || (!allow_empty && raw.is_empty()) {
        v.push(
            "lines",
            format!(
                "must have {} to {MAX_LINES} lines",
                if allow_empty { 0 } else { 1 }
            ),
        );
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut lines = Vec::with_capacity(raw.len());
    for (i, l) in raw.iter().enumerate() {
        let sku = v.check(&format!("lines[{i}].sku"), Sku::parse(&l.sku));
        let quantity = v.check(&format!("lines[{i}].quantity"), Quantity::new(l.quantity));
        let repeated = sku.as_ref().is_some_and(|s| !seen.insert(s.clone()));
        if repeated {
            v.push(
                format!("lines[{i}].sku"),
                "is on another line already; change that line's quantity",
            );
        }
        if let (Some(sku), Some(quantity), false) = (sku, quantity, repeated) {
            lines.push(Line { sku, quantity });
        }
    }
    lines
}

/// A line priced at a customer's tier.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PricedLine {
    pub sku: Sku,
    pub name: String,
    pub unit: String,
    pub quantity: Quantity,
    pub unit_price: Money,
    pub line_total: Money,
}

/// Lines priced now, with their total.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Priced {
    pub lines: Vec<PricedLine>,
    pub total: Option<Money>,
}

/// Why lines cannot be priced.
#[derive(Debug, thiserror::Error)]
pub enum PricingError {
    #[error("invalid lines")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// Prices `lines` at `customer`'s tier now, in one read of the products beside one read of
/// the tier. Lines whose SKU is unknown or inactive come back apart, with their position; a
/// mix of currencies or an overflow is an error naming the line.
pub async fn price_lines<S: CatalogStore>(
    store: &S,
    customer: &Customer,
    lines: &[Line],
) -> Result<(Priced, Vec<(usize, Line)>), PricingError> {
    let skus: Vec<Sku> = lines.iter().map(|l| l.sku.clone()).collect();
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
        async {
            if skus.is_empty() {
                Ok(Vec::new())
            } else {
                store.products_by_sku(&skus).await
            }
        },
    )
    .await;
    let tier: Option<PriceTier> = tier?;
    let products: BTreeMap<Sku, Product> =
        products?.into_iter().map(|p| (p.sku.clone(), p)).collect();
    let mut errors = Vec::new();
    let mut unavailable = Vec::new();
    let mut priced = Vec::with_capacity(lines.len());
    let mut total: Option<Money> = None;
    for (i, line) in lines.iter().enumerate() {
        let Some(p) = products.get(&line.sku).filter(|p| p.active) else {
            unavailable.push((i, line.clone()));
            continue;
        };
        let unit_price = tier.as_ref().map_or(p.price, |t| t.price_of(p));
        let Ok(line_total) = unit_price.checked_mul(line.quantity.get()) else {
            errors.push(FieldError::new(
                format!("lines[{i}].quantity"),
                "makes the amount too large",
            ));
            continue;
        };
        match total.map(|t| t.checked_add(line_total)) {
            None => total = Some(line_total),
            Some(Ok(t)) => total = Some(t),
            Some(Err(e)) => errors.push(FieldError::new(
                format!("lines[{i}].sku"),
                format!("cannot be on this order: {e}"),
            )),
        }
        priced.push(PricedLine {
            sku: line.sku.clone(),
            name: p.name.clone(),
            unit: p.unit.clone(),
            quantity: line.quantity,
            unit_price,
            line_total,
        });
    }
    if errors.is_empty() {
        Ok((
            Priced {
                lines: priced,
                total,
            },
            unavailable,
        ))
    } else {
        Err(PricingError::Invalid(errors))
    }
}

/// The errors for lines that cannot be ordered.
pub fn unavailable_errors(unavailable: &[(usize, Line)]) -> Vec<FieldError> {
    unavailable
        .iter()
        .map(|(i, _)| FieldError::new(format!("lines[{i}].sku"), "is not a product you can order"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_are_whole_numbers_from_1_to_10000() {
        assert!(Quantity::new(1).is_ok());
        assert!(Quantity::new(10_000).is_ok());
        assert!(Quantity::new(0).is_err());
        assert!(Quantity::new(10_001).is_err());
        assert!(Quantity::new(-3).is_err());
        assert!(serde_json::from_str::<Quantity>("2.5").is_err());
    }

    #[test]
    fn lines_name_each_bad_field_and_refuse_a_repeated_sku() {
        let raw = vec![
            LineBody {
                sku: "flour".into(),
                quantity: 2,
            },
            LineBody {
                sku: "FLOUR".into(),
                quantity: 1,
            },
            LineBody {
                sku: "bad sku".into(),
                quantity: 0,
            },
        ];
        let mut v = Validator::default();
        let lines = parse_lines(&mut v, &raw, false);
        assert_eq!(lines.len(), 1);
        let fields: Vec<String> = v
            .finish(|| ())
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["lines[1].sku", "lines[2].sku", "lines[2].quantity"]
        );
    }

    #[test]
    fn an_empty_order_is_refused_but_an_empty_cart_is_fine() {
        let mut v = Validator::default();
        parse_lines(&mut v, &[], false);
        assert_eq!(v.finish(|| ()).unwrap_err()[0].field, "lines");
        let mut v = Validator::default();
        parse_lines(&mut v, &[], true);
        assert!(v.finish(|| ()).is_ok());
    }
}
