//! The cart's item, beside its account. Keys: [`crate::dynamo::keys`].

use super::super::DynamoStore;
use crate::audit::AuditEntry;
use crate::dynamo::attr::{Item, Reader, n, s};
use crate::dynamo::keys::{CART_SK, customer_pk};
use crate::dynamo::write::TxError;
use crate::error::Unexpected;
use crate::ids::CustomerId;
use crate::orders::{Cart, CartStore};

pub fn to_item(c: &Cart) -> Item {
    let mut item = Item::from([
        ("PK".into(), s(customer_pk(&c.customer_id))),
        ("SK".into(), s(CART_SK)),
        ("type".into(), s("cart")),
        (
            "lines".into(),
            s(serde_json::to_string(&c.lines).expect("lines serialise")),
        ),
        ("updated_at".into(), s(c.updated_at.to_string())),
        ("version".into(), n(c.version)),
    ]);
    if let Some(notes) = &c.notes {
        item.insert("notes".into(), s(notes));
    }
    item
}

pub fn from_item(customer_id: &CustomerId, item: &Item) -> Result<Cart, Unexpected> {
    let r = Reader(item);
    Ok(Cart {
        customer_id: customer_id.clone(),
        lines: r.json("lines")?.unwrap_or_default(),
        notes: r.opt_s("notes").map(str::to_owned),
        updated_at: r.time("updated_at")?,
        version: r.n("version")?,
    })
}

#[async_trait::async_trait]
impl CartStore for DynamoStore {
    async fn cart(&self, customer: &CustomerId) -> Result<Option<Cart>, Unexpected> {
        self.get_item(customer_pk(customer), CART_SK)
            .await?
            .map(|i| from_item(customer, &i))
            .transpose()
    }

    async fn put_cart(&self, cart: &Cart, audit: Option<&AuditEntry>) -> Result<(), Unexpected> {
        let mut actions = vec![self.put(to_item(cart), None)];
        actions.extend(audit.map(|a| self.put_audit(a)));
        Ok(self.transact(actions).await?)
    }

    async fn put_cart_if(&self, cart: &Cart, was: Option<u64>) -> Result<bool, Unexpected> {
        let put = match was {
            Some(version) => self.put_versioned(to_item(cart), version),
            None => self.put_new(to_item(cart)),
        };
        match self.transact(vec![put]).await {
            Ok(()) => Ok(true),
            Err(TxError::Condition(_) | TxError::Contention) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;
    use crate::ids::Sku;
    use crate::orders::{Line, Quantity};

    #[test]
    fn a_cart_item_is_keyed_under_its_customer_and_reads_back() {
        let id = CustomerId::parse("cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap();
        let cart = Cart {
            customer_id: id.clone(),
            lines: vec![Line {
                sku: Sku::parse("FLOUR-25").unwrap(),
                quantity: Quantity::new(3).unwrap(),
            }],
            notes: Some("Back door".into()),
            updated_at: Timestamp::parse("2026-11-23T08:00:00Z").unwrap(),
            version: 2,
        };
        let it = to_item(&cart);
        assert_eq!(it.len(), 7);
        assert_eq!(it["PK"], s("CUSTOMER#cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"));
        assert_eq!(it["SK"], s("CART"));
        assert_eq!(it["lines"], s(r#"[{"sku":"FLOUR-25","quantity":3}]"#));
        assert_eq!(from_item(&id, &it).unwrap(), cart);
    }
}
