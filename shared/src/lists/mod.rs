//! Saved order lists: an account's named lines (`{sku, quantity}`) that any of its logins
//! keeps, edits and puts into the cart again, e.g. "Monday bread" or "Christmas stock".

mod manage;
mod model;
mod store;

pub use manage::*;
pub use model::*;
pub use store::{ListStore, ListStoreError, ListWrite};

#[cfg(test)]
mod tests;
