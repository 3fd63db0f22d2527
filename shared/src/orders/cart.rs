//! The cart: a customer account's draft order, shared by its logins, priced when read.

use super::lines::{LineBody, parse_lines, price_lines, skus_of};
use super::{Cart, CartStore, Line, Priced};
use crate::actor::Principal;
use crate::audit::AuditEntry;
use crate::catalog::CatalogStore;
use crate::customers::{ClosedAccount, Customer, CustomerStore, open_account};
use crate::domain::{FieldError, Timestamp, Validator, bounded_text};
use crate::error::Unexpected;
use crate::ids::{CustomerId, Sku};
use crate::reads::{ItemRef, Reads};
use crate::session::SessionIds;
use serde::Deserialize;
use serde_json::json;

/// Body of `PUT /cart` and `PUT /admin/customers/{id}/cart`: the whole cart.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CartBody {
    pub lines: Vec<LineBody>,
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

#[derive(Debug, thiserror::Error)]
pub enum CartError {
    #[error("invalid cart")]
    Invalid(Vec<FieldError>),
    #[error(transparent)]
    Account(#[from] ClosedAccount),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// What reading the cart and pricing it (and the products of `skus`) reads by key.
pub fn cart_reads(ids: &SessionIds, skus: impl IntoIterator<Item = Sku>) -> Reads {
    Reads::of([ItemRef::Cart(ids.customer.clone())])
        .and_all(ids.tier.clone().map(ItemRef::Tier))
        .and_all(skus.into_iter().map(ItemRef::Product))
}

/// What [`put_cart`] reads by key for `body`.
pub fn put_cart_reads(ids: &SessionIds, body: &CartBody) -> Reads {
    cart_reads(ids, skus_of(&body.lines))
}

/// The customer's cart, priced now. An account without one has an empty cart.
pub async fn get_cart<S: CatalogStore + CartStore>(
    store: &S,
    customer: &Customer,
) -> Result<CartView, CartError> {
    let cart = store.cart(&customer.customer_id).await?;
    let lines = cart.as_ref().map(|c| c.lines.clone()).unwrap_or_default();
    let pricing = price_lines(store, customer.price_tier_id.as_ref(), &lines)
        .await?
        .checked()
        .map_err(CartError::Invalid)?;
    Ok(CartView {
        priced: pricing.priced,
        unavailable: pricing.unavailable.into_iter().map(|(_, l)| l).collect(),
        notes: cart.as_ref().and_then(|c| c.notes.clone()),
        updated_at: cart.as_ref().map(|c| c.updated_at),
        version: cart.map_or(0, |c| c.version),
    })
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
    let notes = v.optional("notes", body.notes.as_deref(), |n| bounded_text(n, 0, 2000));
    v.finish(|| ()).map_err(CartError::Invalid)?;
    let pricing = price_lines(store, customer.price_tier_id.as_ref(), &lines)
        .await?
        .checked()
        .map_err(CartError::Invalid)?;
    if !pricing.unavailable.is_empty() {
        return Err(CartError::Invalid(pricing.unavailable_errors()));
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
        priced: pricing.priced,
        unavailable: Vec::new(),
        notes: cart.notes,
        updated_at: Some(cart.updated_at),
        version: cart.version,
    })
}

/// An admin fills in an open account's cart for its logins to review and submit.
#[tracing::instrument(skip_all, fields(customer_id = %customer_id))]
pub async fn prefill_cart<S: CatalogStore + CartStore + CustomerStore>(
    store: &S,
    admin: &Principal,
    customer_id: &CustomerId,
    body: CartBody,
) -> Result<CartView, CartError> {
    let customer = open_account::<_, CartError>(store, customer_id).await?;
    put_cart(store, &customer, body, Some(admin)).await
}
