//! Orders and the cart that becomes one: lines of SKUs and quantities, priced at the
//! customer's tier; placed, edited, decided and listed.

mod adding;
mod admin;
mod assign;
mod cart;
mod changes;
mod decide;
mod delivery;
mod import;
mod lines;
mod list;
mod model;
mod reminders;
mod search;
mod store;
mod submit;

pub use adding::{AddToCartError, CartFull, CartLines, add_to_cart, reorder, reorder_reads};
pub use admin::*;
pub use assign::{AssignBody, AssignError, assign_order, assign_reads};
pub use cart::*;
pub use changes::{changes, summary};
pub use decide::*;
pub use delivery::{DeliveryDate, DeliveryRequest, SellerClock, delivery};
pub use import::{
    CartImport, ImportError, ImportLines, ImportMode, Imported, MAX_IMPORT_ROWS, Rejected,
    import_reads, import_to_cart,
};
pub use lines::{
    LineBody, Pricing, catalogue_for, check_answers, parse_lines, price_at, price_lines, skus_of,
};
pub use list::*;
pub use model::*;
pub use reminders::{
    REMINDERS_PER_RUN, Reminder, ReminderOutcome, ReminderReport, ReminderStore, Threshold,
    send_due_reminders,
};
pub use search::{MAX_ANSWER_TERMS, SearchText, terms};
pub use store::{CartStore, NextNumber, OrderListing, OrderStore, OrderStoreError, OrderWrite};
pub use submit::{
    CartChanged, OrderRequest, SellerDesk, SubmitBody, SubmitError, submit_order, submit_reads,
};

#[cfg(test)]
mod tests;
