//! `POST /cart/import`: rows of SKUs and quantities, from a spreadsheet or pasted, into the
//! cart. Each good row goes in by the rule of [`super::CartLines`] (quantities of a SKU add
//! up); each bad row is named by its number and reason; nothing is written when no row is
//! good.

mod rows;

pub use rows::{
    CartImport, ImportLines, ImportMode, MAX_IMPORT_ROWS, RawQuantity, RawRow, whole_number,
};

use super::adding::{CART_ATTEMPTS, CartWriteError, sold, write_cart};
use super::{CartLines, CartStore, CartView, Line, MAX_LINES, Quantity, cart_reads};
use crate::catalog::{CatalogStore, Product};
use crate::customers::Customer;
use crate::domain::FieldError;
use crate::error::Unexpected;
use crate::ids::Sku;
use crate::reads::Reads;
use crate::session::SessionIds;
use std::collections::BTreeMap;

/// A row left out of the cart, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejected {
    /// The row's number as the sender counts: a CSV file's line, a JSON line's place + 1.
    pub row: usize,
    /// The row's SKU as sent, trimmed.
    pub sku: String,
    /// The column at fault and why: "sku is not in the catalogue".
    pub message: String,
    /// The field a 400 names for this row (`row[7].sku`).
    #[serde(skip)]
    pub field: String,
}

/// The cart after an import, and the rows left out.
#[derive(Debug, serde::Serialize)]
pub struct Imported {
    pub cart: CartView,
    pub rejected: Vec<Rejected>,
}

/// Why an import changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The body is unreadable, or no row of it can go into the cart: each bad row is named.
    #[error("no row can be imported")]
    Invalid(Vec<FieldError>),
    /// Another login of the account changed the cart between its read and this write.
    #[error("the cart changed meanwhile")]
    CartChanged,
    #[error(transparent)]
    Unexpected(#[from] Unexpected),
}

/// What [`import_to_cart`] reads by key: the cart, the tier and the products of the rows; the
/// products of the cart's own lines follow when rows merge into it.
pub fn import_reads(ids: &SessionIds, import: &CartImport) -> Reads {
    let skus = import.rows().iter().filter_map(|r| Sku::parse(&r.sku).ok());
    cart_reads(ids, skus)
}

/// Puts the good rows of `import` into the account's cart and names the bad ones; merged
/// again into the cart as it is when another login changed it meanwhile.
#[tracing::instrument(skip_all, fields(rows = import.rows().len()))]
pub async fn import_to_cart<S: CatalogStore + CartStore>(
    store: &S,
    customer: &Customer,
    import: CartImport,
) -> Result<Imported, ImportError> {
    for _ in 1..CART_ATTEMPTS {
        match import_once(store, customer, &import).await {
            Err(ImportError::CartChanged) => continue,
            done => return done,
        }
    }
    import_once(store, customer, &import).await
}

async fn import_once<S: CatalogStore + CartStore>(
    store: &S,
    customer: &Customer,
    import: &CartImport,
) -> Result<Imported, ImportError> {
    let cart = store.cart(&customer.customer_id).await?;
    let held = match (import.mode, &cart) {
        (ImportMode::Merge, Some(c)) => c.lines.clone(),
        _ => Vec::new(),
    };
    let mut rejected = Vec::new();
    let mut good = Vec::new();
    for row in import.rows() {
        match line_of(row) {
            Ok(line) => good.push((row, line)),
            Err(r) => rejected.push(r),
        }
    }
    let mut skus: Vec<Sku> = held.iter().map(|l| l.sku.clone()).collect();
    skus.extend(good.iter().map(|(_, l)| l.sku.clone()));
    skus.sort();
    skus.dedup();
    let (tier, products) =
        super::catalogue_for(store, customer.price_tier_id.as_ref(), &skus).await?;
    let mut lines = CartLines::new(held);
    let mut added = 0;
    for (row, line) in good {
        let refusal = match catalogued(&products, &line.sku) {
            Err(why) => Some(("sku", why.to_owned())),
            Ok(()) => lines.add(&line).err().map(|_| {
                let why =
                    format!("does not fit: the cart holds {MAX_LINES} lines, the most it may");
                (WHOLE_ROW, why)
            }),
        };
        match refusal {
            None => added += 1,
            Some((column, why)) => rejected.push(refused(row, column, &why)),
        }
    }
    rejected.sort_by_key(|r| r.row);
    if added == 0 {
        return Err(ImportError::Invalid(
            rejected
                .iter()
                .map(|r| FieldError::new(&r.field, strip_column(&r.message)))
                .collect(),
        ));
    }
    let catalogue = (&tier, &products);
    let cart = write_cart(store, customer, cart, lines.into_lines(), catalogue).await?;
    Ok(Imported { cart, rejected })
}

impl From<CartWriteError> for ImportError {
    fn from(e: CartWriteError) -> Self {
        match e {
            CartWriteError::Changed => Self::CartChanged,
            CartWriteError::Unpriceable(errors) => Self::Invalid(errors),
            CartWriteError::Unexpected(e) => e.into(),
        }
    }
}

/// A rejection about the row as a whole, not one of its cells.
const WHOLE_ROW: &str = "row";

/// The row as a line, or why it cannot be one.
fn line_of(row: &RawRow) -> Result<Line, Rejected> {
    if row.columns > 2 {
        return Err(refused(
            row,
            WHOLE_ROW,
            &format!("has {} columns; send two: sku and quantity", row.columns),
        ));
    }
    let sku = match row.sku.trim() {
        "" => return Err(refused(row, "sku", "is empty")),
        raw => Sku::parse(raw).map_err(|why| refused(row, "sku", &why))?,
    };
    let range = || format!("must be a whole number from 1 to {}", Quantity::MAX);
    let number = match &row.quantity {
        RawQuantity::Missing => return Err(refused(row, "quantity", "is missing")),
        RawQuantity::Text(t) => {
            whole_number(t).ok_or_else(|| refused(row, "quantity", &range()))?
        }
        RawQuantity::Number(n) => *n,
    };
    let quantity = Quantity::new(number).map_err(|_| refused(row, "quantity", &range()))?;
    Ok(Line { sku, quantity })
}

/// Whether the catalogue sells `sku` now, or why not.
fn catalogued(products: &BTreeMap<Sku, Product>, sku: &Sku) -> Result<(), &'static str> {
    match products.get(sku) {
        None => Err("is not in the catalogue"),
        Some(_) if !sold(products, sku) => Err("is no longer sold"),
        Some(_) => Ok(()),
    }
}

fn refused(row: &RawRow, column: &str, why: &str) -> Rejected {
    let (field, message) = if column == WHOLE_ROW {
        (row.place.field(None), format!("row {why}"))
    } else {
        (row.place.field(Some(column)), format!("{column} {why}"))
    };
    Rejected {
        row: row.place.row(),
        sku: row.sku.trim().to_owned(),
        message,
        field,
    }
}

/// A rejection's message without the column it starts with: the field names the column.
fn strip_column(message: &str) -> &str {
    ["sku ", "quantity ", "row "]
        .iter()
        .find_map(|c| message.strip_prefix(c))
        .unwrap_or(message)
}
