use crate::customers::{Address, Phone};
use crate::domain::Timestamp;
use crate::ids::{AddressId, CustomerId};

/// Most addresses an account keeps. The book is one item, and 100 addresses at their longest
/// stay far below DynamoDB's 400 KB item limit.
pub const MAX_ADDRESSES: usize = 100;

crate::domain::bounded_text_type! {
    /// What the buyers call an address ("Main warehouse"), so they can pick it at checkout.
    AddressLabel, 1..=64
}

crate::domain::bounded_text_type! {
    /// Who receives the delivery at the address (a person or a department).
    Recipient, 1..=200
}

/// A place to ship to, as the book keeps it and as an order copies it (`ship_to`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(from = "StoredShipTo")]
pub struct ShipTo {
    pub label: AddressLabel,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Recipient>,
    #[serde(flatten)]
    pub address: Address,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
}

/// A [`ShipTo`] as an order's stored document holds it: it met the rules when it was copied.
#[derive(serde::Deserialize)]
struct StoredShipTo {
    label: String,
    recipient: Option<String>,
    #[serde(flatten)]
    address: StoredAddress,
    phone: Option<String>,
}

#[derive(serde::Deserialize)]
struct StoredAddress {
    line1: String,
    line2: Option<String>,
    city: String,
    postal_code: String,
    region: Option<String>,
    country: String,
}

impl From<StoredShipTo> for ShipTo {
    fn from(s: StoredShipTo) -> Self {
        let a = s.address;
        Self {
            label: AddressLabel::stored(&s.label),
            recipient: s.recipient.as_deref().map(Recipient::stored),
            address: Address {
                line1: a.line1,
                line2: a.line2,
                city: a.city,
                postal_code: a.postal_code,
                region: a.region,
                country: a.country,
            },
            phone: s.phone.as_deref().map(Phone::stored),
        }
    }
}

impl ShipTo {
    /// The lines a label or an email prints, in the order a courier reads them.
    pub fn lines(&self) -> Vec<String> {
        let a = &self.address;
        let mut out = vec![self.label.as_str().to_owned()];
        out.extend(self.recipient.as_ref().map(|r| r.as_str().to_owned()));
        out.push(a.line1.clone());
        out.extend(a.line2.clone());
        let place = match &a.region {
            Some(region) => format!("{} {}, {region}", a.postal_code, a.city),
            None => format!("{} {}", a.postal_code, a.city),
        };
        out.push(place);
        out.push(a.country.clone());
        out.extend(self.phone.as_ref().map(|p| format!("Phone {}", p.as_str())));
        out
    }
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
