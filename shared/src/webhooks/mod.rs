//! Webhooks: the seller's other systems receive each event they subscribe to as a signed
//! HTTPS `POST` (Standard Webhooks). Each event's delivery to each webhook is attempted in
//! event order on that webhook's own line of the delivery queue, retried on a schedule of at
//! least 24 hours, and logged; a webhook failing for three days is disabled and its admins
//! told.

mod address;
mod deliver;
mod manage;
mod model;
mod ports;
mod signing;

pub use address::{Host, MAX_URL_LENGTH, Reach, Refusal, Scheme, WebhookUrl, is_public};
pub use deliver::{
    DELIVERY_TIMEOUT, MAX_ANSWER_BYTES, Notice, Outcome, RETRY_LIMIT, WebhookFanOut, deliver,
    queue_due,
};
pub use manage::*;
pub use model::*;
pub use ports::*;
pub use signing::{SECRET_PREFIX, SigningSecret, signature_header};

#[cfg(test)]
mod tests;
