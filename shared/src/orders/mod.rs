//! Orders and the cart that becomes one: lines of SKUs and quantities, priced at the
//! customer's tier; placed, edited, decided and listed.

mod admin;
mod cart;
mod changes;
mod decide;
mod delivery;
mod lines;
mod list;
mod model;
mod store;
mod submit;

pub use admin::*;
pub use cart::*;
pub use changes::{changes, summary};
pub use decide::*;
pub use delivery::{DeliveryDate, DeliveryRequest, SellerClock, delivery};
pub use lines::{LineBody, Pricing, check_answers, parse_lines, price_lines};
pub use list::*;
pub use model::*;
pub use store::{CartStore, NextNumber, OrderListing, OrderStore, OrderStoreError, OrderWrite};
pub use submit::{
    CartChanged, OrderRequest, SellerDesk, SubmitBody, SubmitError, submit_order, submit_reads,
};

#[cfg(test)]
mod tests;
