//! Adding lines to the cart rather than replacing it: an old order again, a saved list, an
//! imported file. One merge rule for all of them, so a buyer never has to learn two.

use super::lines::{catalogue_for, price_at};
use super::{Cart, CartStore, CartView, Line, MAX_LINES, OrderStore, Quantity, cart_reads};
use crate::catalog::{CatalogStore, PriceTier, Product};
use crate::customers::Customer;
use crate::domain::{FieldError, Timestamp};
use crate::error::Unexpected;
use crate::ids::{OrderId, Sku};
use crate::reads::{ItemRef, Reads};
use crate::session::SessionIds;
use std::collections::BTreeMap;

/// The cart's lines while lines are added to them: a SKU already in the cart gets the added
/// quantity on its line (capped at [`Quantity::MAX`], as `PUT /cart` caps a line), a new SKU a
/// new line while the cart has fewer than [`MAX_LINES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartLines(Vec<Line>);

/// A new SKU did not fit: the cart holds [`MAX_LINES`] lines already.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the cart is full: it holds {MAX_LINES} lines, the most a cart may have")]
pub struct CartFull;

impl CartLines {
    pub fn new(lines: Vec<Line>) -> Self {
        Self(lines)
    }

    /// Adds `line`, merged into the line of its SKU if there is one.
    pub fn add(&mut self, line: &Line) -> Result<(), CartFull> {
        let full = self.0.len() >= MAX_LINES;
        match self.0.iter_mut().find(|l| l.sku == line.sku) {
            Some(l) => {
                l.quantity = capped_sum(l.quantity, line.quantity);
                Ok(())
            }
            None if full => Err(CartFull),
            None => {
                self.0.push(line.clone());
                Ok(())
            }
        }
    }

    pub fn into_lines(self) -> Vec<Line> {
        self.0
    }
}

/// Why lines could not be added to the cart: `POST /orders/{id}/reorder` and
/// `POST /lists/{id}/add-to-cart`.
#[derive(Debug, thiserror::Error)]
pub enum AddToCartError {
    /// The order or list does not exist, or belongs to another account.
    #[error("not found")]
    NotFound,
    #[error("the cart would have {would_have} lines")]
    CartFull { would_have: usize },
    /// Another login of the account changed the cart between its read and this write.
    #[error("the cart changed meanwhile")]
    CartChanged,
    #[error("the cart's amounts cannot be priced")]
    Unpriceable(Vec<FieldError>),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// What [`reorder`] reads by key: the order and the cart with the tier; the products of both
/// follow in a second read, once their SKUs are known.
pub fn reorder_reads(ids: &SessionIds, order: &OrderId) -> Reads {
    cart_reads(ids, []).and(ItemRef::Order(order.clone()))
}

/// Puts the lines of one of the account's orders into its cart again, at today's prices.
#[tracing::instrument(skip_all, fields(order_id = %order_id))]
pub async fn reorder<S: CatalogStore + CartStore + OrderStore>(
    store: &S,
    customer: &Customer,
    order_id: &OrderId,
) -> Result<CartView, AddToCartError> {
    let order = store
        .order(order_id)
        .await?
        .filter(|o| o.customer_id == customer.customer_id)
        .ok_or(AddToCartError::NotFound)?;
    let lines: Vec<Line> = order
        .lines
        .iter()
        .map(|l| Line {
            sku: l.sku.clone(),
            quantity: l.quantity,
        })
        .collect();
    add_to_cart(store, customer, &lines).await
}

/// How many times lines are added again to a cart another login changed meanwhile before the
/// caller hears of it. Adding commutes with any other change, so merging into the cart as it
/// is now is what the buyer asked for; the bound keeps a request within its deadline.
pub(super) const CART_ATTEMPTS: usize = 3;

/// Adds `adding` to the account's cart by the merge rule of [`CartLines`]; lines whose product
/// is no longer sold are left out and named in the answer's `unavailable`. All or nothing: a
/// cart that would overflow is refused whole, and the write is conditional on the cart as it
/// was read, merged again into the cart as it is when another login changed it meanwhile.
pub async fn add_to_cart<S: CatalogStore + CartStore>(
    store: &S,
    customer: &Customer,
    adding: &[Line],
) -> Result<CartView, AddToCartError> {
    for _ in 1..CART_ATTEMPTS {
        match add_once(store, customer, adding).await {
            Err(AddToCartError::CartChanged) => continue,
            done => return done,
        }
    }
    add_once(store, customer, adding).await
}

async fn add_once<S: CatalogStore + CartStore>(
    store: &S,
    customer: &Customer,
    adding: &[Line],
) -> Result<CartView, AddToCartError> {
    let cart = store.cart(&customer.customer_id).await?;
    let held = cart.as_ref().map(|c| c.lines.clone()).unwrap_or_default();
    let mut skus: Vec<Sku> = held.iter().chain(adding).map(|l| l.sku.clone()).collect();
    skus.sort();
    skus.dedup();
    let (tier, products) = catalogue_for(store, customer.price_tier_id.as_ref(), &skus).await?;
    let mut lines = CartLines::new(held);
    let mut left_out = Vec::new();
    let mut overflow = 0;
    for line in adding {
        if !sold(&products, &line.sku) {
            left_out.push(line.clone());
        } else if lines.add(line).is_err() {
            overflow += 1;
        }
    }
    if overflow > 0 {
        return Err(AddToCartError::CartFull {
            would_have: MAX_LINES + overflow,
        });
    }
    let catalogue = (&tier, &products);
    let view = write_cart(store, customer, cart, lines.into_lines(), catalogue).await?;
    Ok(with_left_out(view, left_out))
}

/// Whether `sku` is a product the catalogue sells now.
pub(super) fn sold(products: &BTreeMap<Sku, Product>, sku: &Sku) -> bool {
    products.get(sku).is_some_and(|p| p.active)
}

/// `view` whose `unavailable` also names the lines left out, each once.
pub(super) fn with_left_out(mut view: CartView, left_out: Vec<Line>) -> CartView {
    let mut named: BTreeMap<Sku, Line> = BTreeMap::new();
    for line in left_out {
        named
            .entry(line.sku.clone())
            .and_modify(|l| l.quantity = capped_sum(l.quantity, line.quantity))
            .or_insert(line);
    }
    let held: Vec<Sku> = view.unavailable.iter().map(|u| u.sku.clone()).collect();
    view.unavailable
        .extend(named.into_values().filter(|l| !held.contains(&l.sku)));
    view
}

/// Two quantities of one SKU together, at most [`Quantity::MAX`].
pub(super) fn capped_sum(a: Quantity, b: Quantity) -> Quantity {
    let sum = (a.get() + b.get()).min(Quantity::MAX);
    Quantity::new(i64::from(sum)).expect("1..=MAX")
}

/// Why a merged cart was not written.
#[derive(Debug, thiserror::Error)]
pub(super) enum CartWriteError {
    #[error("the cart changed meanwhile")]
    Changed,
    #[error("the cart's amounts cannot be priced")]
    Unpriceable(Vec<FieldError>),
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

impl From<CartWriteError> for AddToCartError {
    fn from(e: CartWriteError) -> Self {
        match e {
            CartWriteError::Changed => Self::CartChanged,
            CartWriteError::Unpriceable(errors) => Self::Unpriceable(errors),
            CartWriteError::Unexpected(e) => e.into(),
        }
    }
}

/// Writes `lines` as the account's cart, if it is still as `before` was read, and shows it
/// priced from the catalogue as read.
pub(super) async fn write_cart<S: CartStore>(
    store: &S,
    customer: &Customer,
    before: Option<Cart>,
    lines: Vec<Line>,
    (tier, products): (&Option<PriceTier>, &BTreeMap<Sku, Product>),
) -> Result<CartView, CartWriteError> {
    let pricing = price_at(tier.as_ref(), products, &lines);
    if !pricing.errors.is_empty() {
        return Err(CartWriteError::Unpriceable(pricing.errors));
    }
    let was = before.as_ref().map(|c| c.version);
    let cart = Cart {
        customer_id: customer.customer_id.clone(),
        lines,
        notes: before.and_then(|c| c.notes),
        updated_at: Timestamp::now(),
        version: was.map_or(1, |v| v + 1),
    };
    if !store.put_cart_if(&cart, was).await? {
        return Err(CartWriteError::Changed);
    }
    Ok(CartView {
        priced: pricing.priced,
        unavailable: pricing.unavailable.into_iter().map(|(_, l)| l).collect(),
        notes: cart.notes,
        updated_at: Some(cart.updated_at),
        version: cart.version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(sku: &str, q: i64) -> Line {
        Line {
            sku: Sku::parse(sku).unwrap(),
            quantity: Quantity::new(q).unwrap(),
        }
    }

    #[test]
    fn an_added_sku_already_in_the_cart_adds_its_quantity_capped_at_the_most_a_line_may_have() {
        let mut lines = CartLines::new(vec![line("FLOUR", 3), line("SUGAR", 9_999)]);
        lines.add(&line("flour", 2)).unwrap();
        lines.add(&line("SUGAR", 5)).unwrap();
        lines.add(&line("SALT", 1)).unwrap();
        assert_eq!(
            lines.into_lines(),
            [line("FLOUR", 5), line("SUGAR", 10_000), line("SALT", 1)]
        );
    }

    #[test]
    fn a_new_sku_does_not_fit_a_full_cart_but_a_sku_in_it_still_merges() {
        let full: Vec<Line> = (0..MAX_LINES).map(|i| line(&format!("P{i}"), 1)).collect();
        let mut lines = CartLines::new(full);
        assert_eq!(lines.add(&line("NEW", 1)), Err(CartFull));
        assert_eq!(lines.add(&line("P7", 4)), Ok(()));
        assert_eq!(lines.into_lines()[7], line("P7", 5));
    }
}
