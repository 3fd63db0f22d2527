//! The catalogue: products, price tiers, and what a customer sees at its own prices; and the
//! questions the seller asks at checkout.

mod input;
mod manage;
mod model;
pub mod pricing;
mod store;
mod view;

pub use input::*;
pub use manage::*;
pub use model::*;
pub use pricing::Discount;
pub use store::{CatalogStore, CatalogStoreError, ProductFilter};
pub use view::*;

use crate::domain::FieldError;
use crate::error::Unexpected;

/// Why a catalogue use case did not go through.
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
            CatalogStoreError::BadCursor => Self::Invalid(vec![FieldError::bad_cursor()]),
            CatalogStoreError::Contention => {
                Unexpected::new("the catalogue kept meeting concurrent writes").into()
            }
            CatalogStoreError::Unexpected(u) => Self::Unexpected(u),
        }
    }
}

#[cfg(test)]
mod tests;
