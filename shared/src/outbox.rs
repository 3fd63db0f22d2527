//! The outbox: every email is an item written in the same transaction as the state change
//! that causes it. The table's stream hands new outbox items to the `notifier` function, which
//! renders and sends them and marks them sent; `housekeeping` re-drives those still unsent.

use crate::domain::{Email, Timestamp};
use crate::dynamo::attr::{Item, Reader, n, s};
use crate::store::Unexpected;

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
    LoginsOf(crate::customers::CustomerId),
}

impl Recipient {
    const LOGINS_OF: &'static str = "logins-of:";

    fn to_attr(&self) -> String {
        match self {
            Self::Address(e) => e.as_str().to_owned(),
            Self::LoginsOf(c) => format!("{}{c}", Self::LOGINS_OF),
        }
    }

    fn from_attr(raw: &str) -> Result<Self, Unexpected> {
        match raw.strip_prefix(Self::LOGINS_OF) {
            Some(c) => crate::customers::CustomerId::parse(c)
                .map(Self::LoginsOf)
                .ok_or_else(|| Unexpected::new("outbox item for a bad customer id")),
            None => Email::parse(raw)
                .map(Self::Address)
                .map_err(Unexpected::new),
        }
    }
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

/// The outbox item and its key formats.
///
/// | PK | SK | GSI2PK | GSI2SK |
/// |---|---|---|---|
/// | `OUTBOX#<id>` | `OUTBOX` | `OUTBOX#PENDING` while unsent (removed once sent) | `<created_at>#<id>` |
///
/// Attributes: `type = "outbox"` (the notifier's stream filter), `status` (`pending`/`sent`),
/// `template`, `to`, `message` (the [`EmailMessage`] as JSON), `created_at`, `attempts`,
/// and once sent `sent_at`, `ses_message_id` and `ttl`. A message that carries a password is
/// blanked (`message` removed) once sent.
pub mod item {
    use super::*;

    pub const SK: &str = "OUTBOX";
    pub const PENDING: &str = "OUTBOX#PENDING";

    pub fn pk(outbox_id: &str) -> String {
        format!("OUTBOX#{outbox_id}")
    }

    pub fn to_item(o: &OutboxItem) -> Item {
        Item::from([
            ("PK".into(), s(pk(&o.outbox_id))),
            ("SK".into(), s(SK)),
            ("GSI2PK".into(), s(PENDING)),
            (
                "GSI2SK".into(),
                s(format!("{}#{}", o.created_at, o.outbox_id)),
            ),
            ("type".into(), s("outbox")),
            ("outbox_id".into(), s(&o.outbox_id)),
            ("status".into(), s("pending")),
            ("template".into(), s(o.message.template())),
            ("to".into(), s(o.to.to_attr())),
            (
                "message".into(),
                s(serde_json::to_string(&o.message).expect("serialises")),
            ),
            ("created_at".into(), s(o.created_at.to_string())),
            ("attempts".into(), n(0)),
        ])
    }

    /// Reads an outbox item (from the table or a stream image).
    pub fn from_item(item: &Item) -> Result<(OutboxItem, OutboxStatus), Unexpected> {
        let r = Reader(item);
        let status = match r.s("status")? {
            "sent" => OutboxStatus::Sent,
            _ => OutboxStatus::Pending,
        };
        let message = r
            .json::<EmailMessage>("message")?
            .ok_or_else(|| Unexpected::new("outbox item has no message"))?;
        Ok((
            OutboxItem {
                outbox_id: r.s("outbox_id")?.to_owned(),
                to: Recipient::from_attr(r.s("to")?)?,
                message,
                created_at: Timestamp::parse(r.s("created_at")?).map_err(Unexpected::new)?,
            },
            status,
        ))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn an_outbox_item_is_pending_indexed_and_reads_back() {
            let o = OutboxItem {
                outbox_id: "0001".into(),
                to: Recipient::Address(Email::parse("ann@example.com").unwrap()),
                message: EmailMessage::EmailChange {
                    login_name: "Ann".into(),
                    confirm_url: "https://portal/#/email-change/t".into(),
                    expires_at: "2026-11-30T00:00:00.000Z".into(),
                },
                created_at: Timestamp::parse("2026-11-23T08:00:00Z").unwrap(),
            };
            let item = to_item(&o);
            assert_eq!(item.len(), 12);
            assert_eq!(item["PK"], s("OUTBOX#0001"));
            assert_eq!(item["GSI2PK"], s("OUTBOX#PENDING"));
            assert_eq!(item["GSI2SK"], s("2026-11-23T08:00:00.000Z#0001"));
            assert_eq!(item["type"], s("outbox"));
            assert_eq!(item["template"], s("email_change"));
            assert_eq!(from_item(&item).unwrap(), (o, OutboxStatus::Pending));
        }
    }
}
