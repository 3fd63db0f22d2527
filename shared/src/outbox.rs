//! The outbox: every email is an item written in the same transaction as the state change
//! that causes it. The table's stream hands new outbox items to the `notifier` function, which
//! renders and sends them and marks them sent; `housekeeping` re-drives those still unsent.

use crate::domain::{Email, Timestamp};
use crate::ids::CustomerId;

/// How long a sent outbox item is kept before the table's TTL removes it.
pub const KEEP_SENT_SECONDS: i64 = 30 * 24 * 60 * 60;

/// What to send: one template and the values it needs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "template", rename_all = "snake_case")]
pub enum EmailMessage {
    /// A login is invited: a link to choose a password.
    Invitation {
        login_name: String,
        customer_name: String,
        /// The full accept link, with the token.
        accept_url: String,
        expires_at: String,
    },
    /// A login was created with a generated temporary password to change at first sign-in.
    TemporaryPassword {
        login_name: String,
        customer_name: String,
        temporary_password: String,
        sign_in_url: String,
    },
    /// An admin reset a login's password: a new temporary one.
    PasswordReset {
        login_name: String,
        customer_name: String,
        temporary_password: String,
        sign_in_url: String,
    },
    /// A customer submitted an order request: to the seller's notification address.
    OrderRequested {
        customer_name: String,
        login_name: String,
        order_number: String,
        /// The total, formatted, e.g. `EUR 1,234.50`.
        total: String,
        line_count: usize,
        order_url: String,
    },
    /// The seller confirmed or rejected an order request: to the customer's logins.
    OrderDecided {
        login_name: String,
        order_number: String,
        confirmed: bool,
        /// Why it was rejected, when it was.
        reason: Option<String>,
        order_url: String,
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
    },
    /// A login's new address must be confirmed before it becomes the sign-in email.
    EmailChange {
        login_name: String,
        confirm_url: String,
        expires_at: String,
    },
}

impl EmailMessage {
    /// The template's name, as stored in the item's `template` attribute.
    pub fn template(&self) -> &'static str {
        match self {
            Self::Invitation { .. } => "invitation",
            Self::TemporaryPassword { .. } => "temporary_password",
            Self::PasswordReset { .. } => "password_reset",
            Self::EmailChange { .. } => "email_change",
            Self::OrderRequested { .. } => "order_requested",
            Self::OrderPlacedForYou { .. } => "order_placed_for_you",
            Self::OrderDecided {
                confirmed: true, ..
            } => "order_confirmed",
            Self::OrderDecided {
                confirmed: false, ..
            } => "order_rejected",
        }
    }
}

/// One email waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub outbox_id: String,
    pub to: Recipient,
    pub message: EmailMessage,
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

impl EmailMessage {
    /// The message as one login of an account receives it, greeted by `name`.
    pub fn addressed_to(&self, name: &str) -> Self {
        let mut m = self.clone();
        if let Self::OrderDecided { login_name, .. } = &mut m {
            name.clone_into(login_name);
        }
        m
    }
}

/// Whether the email went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    Pending,
    Sent,
}

impl OutboxItem {
    pub fn new(to: Email, message: EmailMessage, now: Timestamp) -> Self {
        Self::to(Recipient::Address(to), message, now)
    }

    pub fn to(to: Recipient, message: EmailMessage, now: Timestamp) -> Self {
        Self {
            outbox_id: uuid::Uuid::now_v7().simple().to_string(),
            to,
            message,
            created_at: now,
        }
    }
}
