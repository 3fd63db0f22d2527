//! Teams that fulfil orders: records with a name, the addresses told of new requests and a
//! response time; customers name one, and an order is assigned to one.

mod manage;
mod model;
mod rules;
mod store;

pub use manage::*;
pub use model::*;
pub use rules::*;
pub use store::{MEMBERS_SHOWN, RuleList, TeamChange, TeamStore, TeamStoreError};

#[cfg(test)]
mod tests;
