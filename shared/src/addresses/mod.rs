//! An account's address book: the places its orders are shipped to, kept by any of its logins
//! (and by admins for it), at most [`MAX_ADDRESSES`] of them.

mod input;
mod manage;
mod model;
mod store;

pub use input::*;
pub use manage::*;
pub use model::*;
pub use store::{AddressStore, AddressStoreError};

#[cfg(test)]
mod tests;
