//! Email: rendering the outbox's messages, the port that sends them (SES v2 in AWS), and the
//! delivery use case the `notifier` and `housekeeping` functions share.
//!
//! Delivery opens the message's sealed secrets just before it renders them (`crate::seal`).
//!
//! Delivery is at least once. An outbox item is *claimed* (a short lease, conditional on it
//! being pending and unclaimed) before it is sent and marked sent after, so a redelivered
//! stream record, a retry or a concurrent re-drive finds it sent or in hand and sends nothing.
//! Only a crash between the send and the mark can send an email twice.

mod delivery;
mod mailer;
mod order_mail;
mod render;
mod summary;

pub use delivery::{
    AfterSending, CLAIM_SECONDS, Claim, Delivered, DeliveryError, MAX_LOGIN_RECIPIENTS,
    OutboxStore, REDRIVE_WINDOW_SECONDS, RedriveError, RedriveReport, deliver, redrive_pending,
};
pub use mailer::{Mailer, MailerError};
pub use render::{Branding, RenderedEmail, escape_html, render};
