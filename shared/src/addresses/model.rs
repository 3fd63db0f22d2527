use crate::customers::{Address, Phone};
use crate::domain::{TextError, Timestamp, bounded_text};
use crate::ids::{AddressId, CustomerId};

/// Most addresses an account keeps. The book is one item, and 100 addresses at their longest
/// stay far below DynamoDB's 400 KB item limit.
pub const MAX_ADDRESSES: usize = 100;

/// What the buyers call an address ("Main warehouse"), so they can pick it at checkout.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct AddressLabel(String);

impl AddressLabel {
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        bounded_text(raw, 1, 64).map(Self)
    }

    /// A label as the table holds it: it met the rule when it was written.
    pub(crate) fn stored(raw: &str) -> Self {
        Self(raw.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who receives the delivery at the address (a person or a department).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Recipient(String);

impl Recipient {
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        bounded_text(raw, 1, 200).map(Self)
    }

    /// A recipient as the table holds it.
    pub(crate) fn stored(raw: &str) -> Self {
        Self(raw.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A place to ship to, as the book keeps it and as an order copies it (`ship_to`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ShipTo {
    pub label: AddressLabel,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Recipient>,
    #[serde(flatten)]
    pub address: Address,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
}

/// One entry of an address book.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SavedAddress {
    pub address_id: AddressId,
    #[serde(flatten)]
    pub place: ShipTo,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// An account's address book, oldest entry first. Version 0 is a book never written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressBook {
    pub customer_id: CustomerId,
    pub addresses: Vec<SavedAddress>,
    /// Bumped by every write; the condition of the next one.
    pub version: u64,
}

impl AddressBook {
    /// The book of an account that has none yet.
    pub fn empty(customer_id: CustomerId) -> Self {
        Self {
            customer_id,
            addresses: Vec::new(),
            version: 0,
        }
    }

    pub fn find(&self, id: &AddressId) -> Option<&SavedAddress> {
        self.addresses.iter().find(|a| &a.address_id == id)
    }

    pub fn is_full(&self) -> bool {
        self.addresses.len() >= MAX_ADDRESSES
    }
}
