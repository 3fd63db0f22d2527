//! The cart: a customer account's draft order, shared by its logins, priced when read.

use super::{Line, LineBody, Priced, PricingError, parse_lines, price_lines, unavailable_errors};
use crate::actor::Principal;
use crate::audit::AuditEntry;
use crate::catalog::CatalogStore;
use crate::customers::{Customer, CustomerId};
use crate::domain::{FieldError, Timestamp, Validator, bounded_text};
use crate::dynamo::attr::{Item, Reader, n, s};
use crate::store::Unexpected;
use serde::Deserialize;
use serde_json::json;

/// A stored cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cart {
    pub customer_id: CustomerId,
    pub lines: Vec<Line>,
    pub notes: Option<String>,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// Body of `PUT /cart` and `PUT /admin/customers/{id}/cart`: the whole cart.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CartBody {
    pub lines: Vec<LineBody>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// The cart as the API shows it: priced at the customer's tier now.
#[derive(Debug, serde::Serialize)]
pub struct CartView {
    #[serde(flatten)]
    pub priced: Priced,
    /// Lines whose product can no longer be ordered; submitting the cart names them (400)
    /// until they are removed.
    pub unavailable: Vec<Line>,
    pub notes: Option<String>,
    pub updated_at: Option<Timestamp>,
    pub version: u64,
}

/// Where carts are kept.
#[async_trait::async_trait]
pub trait CartStore: Send + Sync {
    async fn cart(&self, customer: &CustomerId) -> Result<Option<Cart>, Unexpected>;
    /// Writes the cart, with an audit entry when an admin prefilled it.
    async fn put_cart(&self, cart: &Cart, audit: Option<&AuditEntry>) -> Result<(), Unexpected>;
}

/// The cart's item: `PK = CUSTOMER#<id>`, `SK = CART`.
pub mod item {
    use super::*;

    pub const SK: &str = "CART";

    pub fn to_item(c: &Cart) -> Item {
        let mut item = Item::from([
            ("PK".into(), s(crate::customers::item::pk(&c.customer_id))),
            ("SK".into(), s(SK)),
            ("type".into(), s("cart")),
            (
                "lines".into(),
                s(serde_json::to_string(&c.lines).expect("lines serialise")),
            ),
            ("updated_at".into(), s(c.updated_at.to_string())),
            ("version".into(), n(c.version)),
        ]);
        if let Some(notes) = &c.notes {
            item.insert("notes".into(), s(notes));
        }
        item
    }

    pub fn from_item(customer_id: &CustomerId, item: &Item) -> Result<Cart, Unexpected> {
        let r = Reader(item);
        Ok(Cart {
            customer_id: customer_id.clone(),
            lines: r.json("lines")?.unwrap_or_default(),
            notes: r.opt_s("notes").map(str::to_owned),
            updated_at: Timestamp::parse(r.s("updated_at")?).map_err(Unexpected::new)?,
            version: r.n("version")?,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CartError {
    #[error("invalid cart")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

impl From<PricingError> for CartError {
    fn from(e: PricingError) -> Self {
        match e {
            PricingError::Invalid(errors) => Self::Invalid(errors),
            PricingError::Unexpected(u) => Self::Unexpected(u),
        }
    }
}

async fn view<S: CatalogStore>(
    store: &S,
    customer: &Customer,
    cart: Option<Cart>,
) -> Result<CartView, CartError> {
    let lines = cart.as_ref().map(|c| c.lines.clone()).unwrap_or_default();
    let (priced, unavailable) = price_lines(store, customer, &lines).await?;
    Ok(CartView {
        priced,
        unavailable: unavailable.into_iter().map(|(_, l)| l).collect(),
        notes: cart.as_ref().and_then(|c| c.notes.clone()),
        updated_at: cart.as_ref().map(|c| c.updated_at),
        version: cart.map_or(0, |c| c.version),
    })
}

/// The customer's cart, priced now. An account without one has an empty cart.
pub async fn get_cart<S: CatalogStore + CartStore>(
    store: &S,
    customer: &Customer,
) -> Result<CartView, CartError> {
    let cart = store.cart(&customer.customer_id).await?;
    view(store, customer, cart).await
}

/// Replaces the customer's cart. Every line must be a product the customer can order now.
/// `prefilled_by` is the admin who filled it in for the customer, if one did.
pub async fn put_cart<S: CatalogStore + CartStore>(
    store: &S,
    customer: &Customer,
    body: CartBody,
    prefilled_by: Option<&Principal>,
) -> Result<CartView, CartError> {
    let mut v = Validator::default();
    let lines = parse_lines(&mut v, &body.lines, true);
    let notes = body
        .notes
        .as_deref()
        .and_then(|n| v.check("notes", bounded_text(n, 0, 2000)));
    v.finish(|| ()).map_err(CartError::Invalid)?;
    let (priced, unavailable) = price_lines(store, customer, &lines).await?;
    if !unavailable.is_empty() {
        return Err(CartError::Invalid(unavailable_errors(&unavailable)));
    }
    let before = store.cart(&customer.customer_id).await?;
    let now = Timestamp::now();
    let cart = Cart {
        customer_id: customer.customer_id.clone(),
        lines,
        notes: notes.filter(|n| !n.is_empty()),
        updated_at: now,
        version: before.map_or(1, |c| c.version + 1),
    };
    let audit = prefilled_by.map(|admin| {
        AuditEntry::by_admin(
            admin,
            now,
            "cart.prefilled",
            Some(&customer.customer_id),
            json!({ "lines": cart.lines.len() }),
        )
    });
    store.put_cart(&cart, audit.as_ref()).await?;
    Ok(CartView {
        priced,
        unavailable: Vec::new(),
        notes: cart.notes,
        updated_at: Some(cart.updated_at),
        version: cart.version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Sku;
    use crate::orders::Quantity;

    #[test]
    fn a_cart_item_is_keyed_under_its_customer_and_reads_back() {
        let id = CustomerId::parse("cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap();
        let cart = Cart {
            customer_id: id.clone(),
            lines: vec![Line {
                sku: Sku::parse("FLOUR-25").unwrap(),
                quantity: Quantity::new(3).unwrap(),
            }],
            notes: Some("Back door".into()),
            updated_at: Timestamp::parse("2026-11-23T08:00:00Z").unwrap(),
            version: 2,
        };
        let it = item::to_item(&cart);
        assert_eq!(it.len(), 7);
        assert_eq!(it["PK"], s("CUSTOMER#cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"));
        assert_eq!(it["SK"], s("CART"));
        assert_eq!(it["lines"], s(r#"[{"sku":"FLOUR-25","quantity":3}]"#));
        assert_eq!(item::from_item(&id, &it).unwrap(), cart);
    }
}
