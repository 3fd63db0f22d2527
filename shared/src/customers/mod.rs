//! Customer accounts: what admins create, search, tag, change and delete.

mod country;
mod input;
mod manage;
mod model;
mod store;

pub use input::*;
pub use manage::*;
pub use model::*;
pub use store::{CustomerStore, CustomerStoreError, Tagging};

#[cfg(test)]
mod tests;
