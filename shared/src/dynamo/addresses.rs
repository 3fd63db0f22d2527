//! The address book item, beside its account. Keys: [`crate::dynamo::keys`].

use super::DynamoStore;
use super::attr::{Item, Reader, n, s};
use super::keys::{ADDRESS_BOOK_SK, customer_pk};
use super::write::tx_error_into;
use crate::addresses::{
    AddressBook, AddressLabel, AddressStore, AddressStoreError, Recipient, SavedAddress, ShipTo,
};
use crate::audit::Audited;
use crate::customers::{Address, Phone};
use crate::domain::Timestamp;
use crate::error::Unexpected;
use crate::ids::{AddressId, CustomerId};

tx_error_into!(AddressStoreError);

/// One entry as the item's `addresses` JSON holds it.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    address_id: AddressId,
    label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    recipient: Option<String>,
    address: Address,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    created_at: Timestamp,
    updated_at: Timestamp,
}

impl From<&SavedAddress> for Stored {
    fn from(a: &SavedAddress) -> Self {
        Self {
            address_id: a.address_id.clone(),
            label: a.place.label.as_str().to_owned(),
            recipient: a.place.recipient.as_ref().map(|r| r.as_str().to_owned()),
            address: a.place.address.clone(),
            phone: a.place.phone.as_ref().map(|p| p.as_str().to_owned()),
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

impl From<Stored> for SavedAddress {
    fn from(a: Stored) -> Self {
        Self {
            address_id: a.address_id,
            place: ShipTo {
                label: AddressLabel::stored(&a.label),
                recipient: a.recipient.as_deref().map(Recipient::stored),
                address: a.address,
                phone: a.phone.as_deref().map(Phone::stored),
            },
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

pub fn to_item(book: &AddressBook) -> Item {
    let stored: Vec<Stored> = book.addresses.iter().map(Stored::from).collect();
    Item::from([
        ("PK".into(), s(customer_pk(&book.customer_id))),
        ("SK".into(), s(ADDRESS_BOOK_SK)),
        ("type".into(), s("address_book")),
        (
            "addresses".into(),
            s(serde_json::to_string(&stored).expect("addresses serialise")),
        ),
        ("version".into(), n(book.version)),
    ])
}

pub fn from_item(customer_id: &CustomerId, item: &Item) -> Result<AddressBook, Unexpected> {
    let r = Reader(item);
    let stored: Vec<Stored> = r.json("addresses")?.unwrap_or_default();
    Ok(AddressBook {
        customer_id: customer_id.clone(),
        addresses: stored.into_iter().map(SavedAddress::from).collect(),
        version: r.n("version")?,
    })
}

#[async_trait::async_trait]
impl AddressStore for DynamoStore {
    async fn address_book(&self, customer: &CustomerId) -> Result<AddressBook, Unexpected> {
        Ok(self
            .get_as((customer_pk(customer), ADDRESS_BOOK_SK), |i| {
                from_item(customer, i)
            })
            .await?
            .unwrap_or_else(|| AddressBook::empty(customer.clone())))
    }

    async fn put_address_book(&self, w: Audited<'_, AddressBook>) -> Result<(), AddressStoreError> {
        let item = to_item(w.after);
        let book = match w.before {
            None => self.put_new(item),
            Some(before) => self.put_versioned(item, before.version),
        };
        Ok(self.transact(vec![book, self.put_audit(w.audit)]).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_book_is_one_item_beside_its_account_and_reads_back() {
        let id = CustomerId::parse("cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap();
        let at = Timestamp::parse("2026-11-23T08:00:00Z").unwrap();
        let book = AddressBook {
            customer_id: id.clone(),
            addresses: vec![SavedAddress {
                address_id: AddressId::parse("adr_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
                place: ShipTo {
                    label: AddressLabel::parse("Bakery").unwrap(),
                    recipient: Some(Recipient::parse("Goods in").unwrap()),
                    address: Address {
                        line1: "1 Rue".into(),
                        line2: None,
                        city: "Lyon".into(),
                        postal_code: "69001".into(),
                        region: None,
                        country: "FR".into(),
                    },
                    phone: None,
                },
                created_at: at,
                updated_at: at,
            }],
            version: 3,
        };
        let it = to_item(&book);
        assert_eq!(it.len(), 5);
        assert_eq!(it["PK"], s("CUSTOMER#cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"));
        assert_eq!(it["SK"], s("ADDRESSES"));
        assert_eq!(it["type"], s("address_book"));
        assert_eq!(it["version"], n(3));
        assert_eq!(
            it["addresses"],
            s(concat!(
                r#"[{"address_id":"adr_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b","label":"Bakery","#,
                r#""recipient":"Goods in","address":{"line1":"1 Rue","city":"Lyon","#,
                r#""postal_code":"69001","country":"FR"},"created_at":"2026-11-23T08:00:00.000Z","#,
                r#""updated_at":"2026-11-23T08:00:00.000Z"}]"#
            ))
        );
        assert_eq!(from_item(&id, &it).unwrap(), book);
    }
}
