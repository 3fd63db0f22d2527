//! The customer's DynamoDB items: the account and its email guard. Keys: [`crate::dynamo::keys`].

use crate::customers::{Customer, CustomerName, CustomerStatus, Phone, Reference, Tag};
use crate::domain::Email;
use crate::dynamo::attr::{Item, Reader, b, n, s};
use crate::dynamo::keys::{
    CUSTOMER_EMAIL_GUARD_SK, CUSTOMER_SK, customer_email_guard_pk, customer_pk, directory_pk,
    directory_sk,
};
use crate::dynamo::write::Guard;
use crate::error::Unexpected;
use crate::ids::{CustomerId, TeamId, TierId};
use aws_sdk_dynamodb::types::AttributeValue;

/// What search matches against: the folded name and email, one per line.
pub fn search_text(c: &Customer) -> String {
    format!("{}\n{}", c.name.folded(), c.email)
}

pub fn to_item(c: &Customer) -> Item {
    let mut item = Item::from([
        ("PK".into(), s(customer_pk(&c.customer_id))),
        ("SK".into(), s(CUSTOMER_SK)),
        ("GSI1PK".into(), s(directory_pk(c.status))),
        ("GSI1SK".into(), s(directory_sk(c))),
        ("type".into(), s("customer")),
        ("customer_id".into(), s(c.customer_id.as_str())),
        ("name".into(), s(c.name.as_str())),
        ("email".into(), s(c.email.as_str())),
        ("status".into(), s(c.status.as_str())),
        ("ordering_enabled".into(), b(c.ordering_enabled)),
        ("search".into(), s(search_text(c))),
        ("created_at".into(), s(c.created_at.to_string())),
        ("updated_at".into(), s(c.updated_at.to_string())),
        ("version".into(), n(c.version)),
    ]);
    if let Some(p) = &c.phone {
        item.insert("phone".into(), s(p.as_str()));
    }
    if let Some(a) = &c.address {
        item.insert(
            "address".into(),
            s(serde_json::to_string(a).expect("address serialises")),
        );
    }
    if let Some(t) = &c.price_tier_id {
        item.insert("price_tier_id".into(), s(t.as_str()));
    }
    if let Some(t) = &c.fulfillment_team {
        item.insert("fulfillment_team".into(), s(t.as_str()));
    }
    if let Some(t) = &c.fulfillment_team_id {
        item.insert("fulfillment_team_id".into(), s(t.as_str()));
    }
    if !c.tags.is_empty() {
        item.insert(
            "tags".into(),
            AttributeValue::Ss(c.tags.iter().map(|t| t.as_str().to_owned()).collect()),
        );
    }
    item
}

pub fn from_item(item: &Item) -> Result<Customer, Unexpected> {
    let r = Reader(item);
    let bad = |what: &str| crate::dynamo::attr::bad("customer", what);
    let reference = |k: &str| r.opt_s(k).map(Reference::stored);
    Ok(Customer {
        customer_id: CustomerId::parse(r.s("customer_id")?).ok_or_else(|| bad("customer_id"))?,
        name: CustomerName::stored(r.s("name")?),
        email: Email::stored(r.s("email")?).map_err(|_| bad("email"))?,
        phone: r
            .opt_s("phone")
            .map(|p| Phone::parse(p).map_err(|_| bad("phone")))
            .transpose()?,
        address: r.json("address")?,
        status: CustomerStatus::parse(r.s("status")?).map_err(|_| bad("status"))?,
        ordering_enabled: r.bool("ordering_enabled")?,
        price_tier_id: r
            .opt_s("price_tier_id")
            .map(|t| TierId::parse(t).ok_or_else(|| bad("price_tier_id")))
            .transpose()?,
        tags: r
            .ss("tags")?
            .iter()
            .map(|t| Tag::parse(t).map_err(|_| bad("tag")))
            .collect::<Result<_, _>>()?,
        fulfillment_team: reference("fulfillment_team"),
        fulfillment_team_id: r
            .opt_s("fulfillment_team_id")
            .map(|t| TeamId::parse(t).ok_or_else(|| bad("fulfillment_team_id")))
            .transpose()?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
        version: r.n("version")?,
    })
}

/// The guard that keeps `c`'s email to one customer.
pub fn email_guard(c: &Customer) -> Guard<'_> {
    Guard {
        key: (customer_email_guard_pk(&c.email), CUSTOMER_EMAIL_GUARD_SK),
        kind: "customer_email",
        attribute: "customer_id",
        owner: c.customer_id.as_str(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;
    use std::collections::BTreeSet;

    fn customer() -> Customer {
        let now = Timestamp::parse("2026-11-23T08:00:00.000Z").unwrap();
        Customer {
            customer_id: CustomerId::parse("cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            name: CustomerName::parse("Acme Bakery").unwrap(),
            email: Email::parse("Orders@Acme.example").unwrap(),
            phone: Some(Phone::parse("+33 1 23 45 67 89").unwrap()),
            address: None,
            status: CustomerStatus::Pending,
            ordering_enabled: true,
            price_tier_id: None,
            tags: BTreeSet::from([Tag::parse("vip").unwrap(), Tag::parse("bakery").unwrap()]),
            fulfillment_team: Some(Reference::parse("North").unwrap()),
            fulfillment_team_id: Some(
                TeamId::parse("team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            ),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    #[test]
    fn a_customer_item_has_exactly_these_attributes() {
        let item = to_item(&customer());
        let mut keys: Vec<&str> = item.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "GSI1PK",
                "GSI1SK",
                "PK",
                "SK",
                "created_at",
                "customer_id",
                "email",
                "fulfillment_team",
                "fulfillment_team_id",
                "name",
                "ordering_enabled",
                "phone",
                "search",
                "status",
                "tags",
                "type",
                "updated_at",
                "version"
            ]
        );
        assert_eq!(
            item["PK"],
            s("CUSTOMER#cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(item["SK"], s("CUSTOMER"));
        assert_eq!(item["GSI1PK"], s("CUSTDIR"));
        assert_eq!(
            item["GSI1SK"],
            s("acme bakery#cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(item["search"], s("acme bakery\norders@acme.example"));
        assert_eq!(item["version"], n(1));
        assert_eq!(item["ordering_enabled"], b(true));
        assert_eq!(
            item["tags"],
            AttributeValue::Ss(vec!["bakery".into(), "vip".into()])
        );
    }

    #[test]
    fn a_customer_item_reads_back_as_the_same_customer() {
        let c = customer();
        assert_eq!(from_item(&to_item(&c)).unwrap(), c);
    }

    #[test]
    fn a_name_stored_before_the_text_rule_tightened_still_reads() {
        let mut item = to_item(&customer());
        item.insert("name".into(), s("Acme\u{200B}"));
        item.insert("fulfillment_team".into(), s("\u{202E}North"));
        let c = from_item(&item).unwrap();
        assert_eq!(c.name.as_str(), "Acme\u{200B}");
        assert_eq!(
            c.fulfillment_team.as_ref().map(Reference::as_str),
            Some("\u{202E}North")
        );
    }

    #[test]
    fn a_deleted_customer_moves_to_the_deleted_directory() {
        let mut c = customer();
        c.status = CustomerStatus::Deleted;
        assert_eq!(to_item(&c)["GSI1PK"], s("CUSTDIR#DELETED"));
    }

    #[test]
    fn the_email_guard_is_keyed_by_the_lowercased_email() {
        let item = email_guard(&customer()).item();
        assert_eq!(item.len(), 4);
        assert_eq!(item["PK"], s("CUSTEMAIL#orders@acme.example"));
        assert_eq!(item["SK"], s("CUSTEMAIL"));
        assert_eq!(
            item["customer_id"],
            s("cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
    }
}
