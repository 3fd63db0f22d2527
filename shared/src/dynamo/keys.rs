//! Where a declared read's item lives: the one place an [`ItemRef`] becomes a key.

use super::{catalog, customers, idempotency, logins, orders};
use crate::reads::ItemRef;

/// An item's key: partition and sort key.
pub type Key = (String, String);

pub fn key_of(r: &ItemRef) -> Key {
    match r {
        ItemRef::SubLink(sub) => (logins::item::sub_pk(sub), logins::item::SUB_SK.to_owned()),
        ItemRef::Login(id) => (
            logins::item::login_pk(id),
            logins::item::LOGIN_SK.to_owned(),
        ),
        ItemRef::Customer(id) => (customers::item::pk(id), customers::item::SK.to_owned()),
        ItemRef::Tier(id) => (catalog::item::PK.to_owned(), catalog::item::tier_sk(id)),
        ItemRef::Product(sku) => (catalog::item::PK.to_owned(), catalog::item::product_sk(sku)),
        ItemRef::Questions => (
            catalog::item::PK.to_owned(),
            catalog::item::QUESTIONS_SK.to_owned(),
        ),
        ItemRef::Cart(id) => (customers::item::pk(id), orders::cart::SK.to_owned()),
        ItemRef::Order(id) => (orders::item::pk(id), orders::item::SK.to_owned()),
        ItemRef::Idempotency(scope) => (idempotency::pk(scope), idempotency::SK.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{CustomerId, Sku};

    #[test]
    fn declared_reads_name_the_keys_their_items_are_written_under() {
        let c = CustomerId::parse("cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap();
        assert_eq!(
            key_of(&ItemRef::Cart(c.clone())),
            (
                "CUSTOMER#cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b".into(),
                "CART".into()
            )
        );
        assert_eq!(
            key_of(&ItemRef::Customer(c)),
            (
                "CUSTOMER#cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b".into(),
                "CUSTOMER".into()
            )
        );
        assert_eq!(
            key_of(&ItemRef::Product(Sku::parse("flour").unwrap())),
            ("CATALOG".into(), "PRODUCT#FLOUR".into())
        );
        assert_eq!(
            key_of(&ItemRef::Questions),
            ("CATALOG".into(), "QUESTIONS".into())
        );
        assert_eq!(
            key_of(&ItemRef::Idempotency("u1#POST /x#k".into())),
            ("IDEMPOTENCY#u1#POST /x#k".into(), "IDEMPOTENCY".into())
        );
        assert_eq!(
            key_of(&ItemRef::SubLink("abc".into())),
            ("LOGINSUB#abc".into(), "LOGINSUB".into())
        );
    }
}
