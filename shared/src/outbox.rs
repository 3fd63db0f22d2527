//! The outbox: every email is an item written in the same transaction as the state change
//! that causes it. The table's stream hands new outbox items to the `notifier` function, which
//! renders and sends them and marks them sent; `housekeeping` re-drives those still unsent.
//!
//! The secret fields of a message (a temporary password, a link with its token) are sealed
//! before the item exists and opened just before the email is rendered (`crate::seal`): a
//! message is an [`EmailMessage<Sealed>`] in the table and an [`EmailMessage<Secret>`] only in
//! memory, and only the first can be serialised.

use crate::domain::{Email, Timestamp};
use crate::error::Unexpected;
use crate::ids::CustomerId;
use crate::portal::Portal;
use crate::seal::{Binding, OpenError, Sealed, Sealer, Secret};
use std::future::Future;

/// How long a sent outbox item is kept before the table's TTL removes it.
pub const KEEP_SENT_SECONDS: i64 = 30 * 24 * 60 * 60;

/// What to send: one template and the values it needs. `S` is the type of its secret fields:
/// [`Sealed`] as it is stored, [`Secret`] while it is rendered.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum EmailMessage<S = Sealed> {
    /// A login is invited: a link to choose a password.
    Invitation {
        login_name: String,
        customer_name: String,
        /// The full accept link, with the token.
        accept_url: S,
        expires_at: String,
    },
    /// A login was created with a generated temporary password to change at first sign-in.
    TemporaryPassword {
        login_name: String,
        customer_name: String,
        temporary_password: S,
        sign_in_url: String,
    },
    /// An admin reset a login's password: a new temporary one.
    PasswordReset {
        login_name: String,
        customer_name: String,
        temporary_password: S,
        sign_in_url: String,
    },
    /// A customer submitted an order request: to the seller's notification address and the
    /// assigned team's.
    OrderRequested {
        customer_name: String,
        login_name: String,
        order_number: String,
        /// The total, formatted, e.g. `EUR 1,234.50`.
        total: String,
        line_count: usize,
        order_url: String,
        #[serde(default)]
        summary: OrderSummary,
        /// The auto-confirm rule that confirmed it at once, in words (`customers tagged
        /// trusted, up to EUR 500.00`): then nothing waits for a decision.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        confirmed_by_rule: Option<String>,
    },
    /// The seller confirmed or rejected an order request: to the customer's logins.
    OrderDecided {
        login_name: String,
        order_number: String,
        confirmed: bool,
        /// Why it was rejected, when it was.
        reason: Option<String>,
        order_url: String,
        #[serde(default)]
        summary: OrderSummary,
    },
    /// An admin placed an order into a customer's account and chose to tell the customer, in
    /// the admin's own subject and words.
    OrderPlacedForYou {
        customer_name: String,
        subject: String,
        message: String,
        order_number: String,
        total: String,
        line_count: usize,
        confirmed: bool,
        order_url: String,
        #[serde(default)]
        summary: OrderSummary,
    },
    /// A buyer's order request was received: to the login it was submitted as.
    OrderAcknowledged {
        login_name: String,
        customer_name: String,
        order_number: String,
        /// The seller submitted it, acting as the login.
        by_seller: bool,
        order_url: String,
        summary: OrderSummary,
    },
    /// The seller changed a requested order: to the customer's logins; `summary.changes`
    /// holds this edit's changes, one per entry.
    OrderEdited {
        login_name: String,
        order_number: String,
        order_url: String,
        summary: OrderSummary,
    },
    /// A buyer withdrew its order request: to the seller's notification address.
    OrderCancelled {
        customer_name: String,
        login_name: String,
        /// The seller cancelled it, acting as the login.
        by_seller: bool,
        order_number: String,
        order_url: String,
        summary: OrderSummary,
    },
    /// A team has not answered a request assigned to it: at half its response time, and
    /// again when the time is up.
    ResponseReminder {
        team_name: String,
        customer_name: String,
        order_number: String,
        overdue: bool,
        respond_by: String,
        order_url: String,
    },
    /// Every delivery to a webhook failed for three days, so it was disabled: to the seller's
    /// notification address.
    WebhookDisabled {
        url: String,
        failing_since: String,
        webhook_url: String,
    },
    /// A login asked for a new password: a single-use link to choose one.
    PasswordResetLink {
        login_name: String,
        customer_name: String,
        /// The full reset link, with the token.
        reset_url: S,
        expires_at: String,
    },
    /// A login's new address must be confirmed before it becomes the sign-in email.
    EmailChange {
        login_name: String,
        /// The full confirmation link, with the token.
        confirm_url: S,
        expires_at: String,
    },
}

impl<S> EmailMessage<S> {
    /// The template's name, as stored in the item's `template` attribute.
    pub fn template(&self) -> &'static str {
        match self {
            Self::Invitation { .. } => "invitation",
            Self::TemporaryPassword { .. } => "temporary_password",
            Self::PasswordReset { .. } => "password_reset",
            Self::EmailChange { .. } => "email_change",
            Self::PasswordResetLink { .. } => "password_reset_link",
            Self::OrderRequested {
                confirmed_by_rule: None,
                ..
            } => "order_requested",
            Self::OrderRequested {
                confirmed_by_rule: Some(_),
                ..
            } => "order_confirmed_by_rule",
            Self::OrderPlacedForYou { .. } => "order_placed_for_you",
            Self::OrderAcknowledged { .. } => "order_acknowledged",
            Self::OrderEdited { .. } => "order_edited",
            Self::OrderCancelled { .. } => "order_cancelled",
            Self::ResponseReminder { .. } => "response_reminder",
            Self::WebhookDisabled { .. } => "webhook_disabled",
            Self::OrderDecided {
                confirmed: true, ..
            } => "order_confirmed",
            Self::OrderDecided {
                confirmed: false, ..
            } => "order_rejected",
        }
    }

    /// Whether the message carries a password, or a link that sets one: its item keeps no
    /// copy of it, even sealed, once the email is sent.
    pub fn carries_password(&self) -> bool {
        matches!(
            self,
            Self::TemporaryPassword { .. }
                | Self::PasswordReset { .. }
                | Self::PasswordResetLink { .. }
        )
    }

    /// The message as one login of an account receives it, greeted by `name`.
    pub fn addressed_to(&self, name: &str) -> Self
    where
        S: Clone,
    {
        let mut m = self.clone();
        if let Self::OrderDecided { login_name, .. } | Self::OrderEdited { login_name, .. } = &mut m
        {
            name.clone_into(login_name);
        }
        m
    }

    /// The message with each secret field replaced by `f(the field's name, its value)`, in
    /// one place so that sealing and opening cannot miss a field. A message without secret
    /// fields never calls `f`.
    pub async fn try_map_secrets<T, E, F, Fut>(self, mut f: F) -> Result<EmailMessage<T>, E>
    where
        F: FnMut(&'static str, S) -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        Ok(match self {
            Self::Invitation {
                login_name,
                customer_name,
                accept_url,
                expires_at,
            } => EmailMessage::Invitation {
                login_name,
                customer_name,
                accept_url: f("accept_url", accept_url).await?,
                expires_at,
            },
            Self::TemporaryPassword {
                login_name,
                customer_name,
                temporary_password,
                sign_in_url,
            } => EmailMessage::TemporaryPassword {
                login_name,
                customer_name,
                temporary_password: f("temporary_password", temporary_password).await?,
                sign_in_url,
            },
            Self::PasswordReset {
                login_name,
                customer_name,
                temporary_password,
                sign_in_url,
            } => EmailMessage::PasswordReset {
                login_name,
                customer_name,
                temporary_password: f("temporary_password", temporary_password).await?,
                sign_in_url,
            },
            Self::PasswordResetLink {
                login_name,
                customer_name,
                reset_url,
                expires_at,
            } => EmailMessage::PasswordResetLink {
                login_name,
                customer_name,
                reset_url: f("reset_url", reset_url).await?,
                expires_at,
            },
            Self::EmailChange {
                login_name,
                confirm_url,
                expires_at,
            } => EmailMessage::EmailChange {
                login_name,
                confirm_url: f("confirm_url", confirm_url).await?,
                expires_at,
            },
            Self::OrderRequested {
                customer_name,
                login_name,
                order_number,
                total,
                line_count,
                order_url,
                summary,
                confirmed_by_rule,
            } => EmailMessage::OrderRequested {
                customer_name,
                login_name,
                order_number,
                total,
                line_count,
                order_url,
                summary,
                confirmed_by_rule,
            },
            Self::OrderDecided {
                login_name,
                order_number,
                confirmed,
                reason,
                order_url,
                summary,
            } => EmailMessage::OrderDecided {
                login_name,
                order_number,
                confirmed,
                reason,
                order_url,
                summary,
            },
            Self::OrderPlacedForYou {
                customer_name,
                subject,
                message,
                order_number,
                total,
                line_count,
                confirmed,
                order_url,
                summary,
            } => EmailMessage::OrderPlacedForYou {
                customer_name,
                subject,
                message,
                order_number,
                total,
                line_count,
                confirmed,
                order_url,
                summary,
            },
            Self::OrderAcknowledged {
                login_name,
                customer_name,
                order_number,
                by_seller,
                order_url,
                summary,
            } => EmailMessage::OrderAcknowledged {
                login_name,
                customer_name,
                order_number,
                by_seller,
                order_url,
                summary,
            },
            Self::OrderEdited {
                login_name,
                order_number,
                order_url,
                summary,
            } => EmailMessage::OrderEdited {
                login_name,
                order_number,
                order_url,
                summary,
            },
            Self::OrderCancelled {
                customer_name,
                login_name,
                by_seller,
                order_number,
                order_url,
                summary,
            } => EmailMessage::OrderCancelled {
                customer_name,
                login_name,
                by_seller,
                order_number,
                order_url,
                summary,
            },
            Self::ResponseReminder {
                team_name,
                customer_name,
                order_number,
                overdue,
                respond_by,
                order_url,
            } => EmailMessage::ResponseReminder {
                team_name,
                customer_name,
                order_number,
                overdue,
                respond_by,
                order_url,
            },
            Self::WebhookDisabled {
                url,
                failing_since,
                webhook_url,
            } => EmailMessage::WebhookDisabled {
                url,
                failing_since,
                webhook_url,
            },
        })
    }
}

/// An order as its emails show it: each line, the answers to the checkout questions by their
/// labels, the notes, and what the seller changed since it was sent. It is written with the
/// message, so the email says what was true when the change happened; an item written before
/// emails carried it has an empty one, and its email only the number and total.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OrderSummary {
    pub lines: Vec<SummaryLine>,
    /// Formatted, e.g. `EUR 1234.50`.
    pub total: String,
    /// `(label, answer)`, in the order the questions are asked.
    #[serde(default)]
    pub answers: Vec<(String, String)>,
    #[serde(default)]
    pub notes: Option<String>,
    /// Each change of each edit, as the order's history words it.
    #[serde(default)]
    pub changes: Vec<String>,
    /// The order's `ship_to`, line by line as a courier reads it; empty when it has none.
    #[serde(default)]
    pub ship_to: Vec<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub requested_delivery_date: Option<String>,
}

/// One line of an [`OrderSummary`], its amounts formatted (`EUR 12.50`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SummaryLine {
    pub name: String,
    pub sku: String,
    pub quantity: u32,
    pub unit_price: String,
    pub line_total: String,
}

/// What a secret of an outbox item is sealed for: that item and that field alone.
fn binding<'a>(outbox_id: &'a str, field: &'static str) -> Binding<'a> {
    Binding {
        purpose: "outbox",
        item: outbox_id,
        field,
    }
}

/// One email waiting to be sent; `S` as in [`EmailMessage`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem<S = Sealed> {
    pub outbox_id: String,
    pub to: Recipient,
    pub message: EmailMessage<S>,
    pub created_at: Timestamp,
}

/// Who an email goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// One address.
    Address(Email),
    /// Every active login of an account, each greeted by name, found when the email is sent:
    /// the change that causes it need not read them.
    LoginsOf(CustomerId),
}

/// Whether the email went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    Pending,
    Sent,
}

/// An outbox item as the table holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Its secret fields, if it has any, are sealed: every item written since secrets are.
    Sealed(OutboxItem),
    /// Written before secrets were sealed: its secret fields are in the clear, and it is sent
    /// as it is (README "Secrets at rest").
    Unsealed(OutboxItem<Secret>),
}

fn new_id() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

impl OutboxItem {
    /// An email to one address. A message with secret fields is made by [`Mailroom::letter`].
    pub fn new(to: Email, message: EmailMessage, now: Timestamp) -> Self {
        Self::to(Recipient::Address(to), message, now)
    }

    pub fn to(to: Recipient, message: EmailMessage, now: Timestamp) -> Self {
        Self {
            outbox_id: new_id(),
            to,
            message,
            created_at: now,
        }
    }

    /// The item with its secret fields opened, to render it. Asks the sealer once per secret
    /// field: never for a message without one.
    pub async fn open<K: Sealer + ?Sized>(
        self,
        sealer: &K,
    ) -> Result<OutboxItem<Secret>, OpenError> {
        let id = self.outbox_id.as_str();
        let message = self
            .message
            .try_map_secrets(|field, sealed| async move {
                sealer.open(&sealed, binding(id, field)).await
            })
            .await?;
        Ok(OutboxItem {
            message,
            outbox_id: self.outbox_id,
            to: self.to,
            created_at: self.created_at,
        })
    }
}

/// What a use case needs to write an email that carries a secret: where its links point, and
/// the sealer that seals the secret before the item is written.
#[derive(Debug, Clone)]
pub struct Mailroom<K> {
    pub portal: Portal,
    pub sealer: K,
}

impl<K: Sealer> Mailroom<K> {
    /// An email to `to` whose secret fields are sealed for this item alone.
    pub async fn letter(
        &self,
        to: Email,
        message: EmailMessage<Secret>,
        now: Timestamp,
    ) -> Result<OutboxItem, Unexpected> {
        let outbox_id = new_id();
        let id = outbox_id.as_str();
        let sealer = &self.sealer;
        let message = message
            .try_map_secrets(|field, secret| async move {
                sealer.seal(&secret, binding(id, field)).await
            })
            .await?;
        Ok(OutboxItem {
            outbox_id,
            to: Recipient::Address(to),
            message,
            created_at: now,
        })
    }
}

#[cfg(test)]
mod tests;
