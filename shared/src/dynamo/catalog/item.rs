//! The catalogue's items: products, price tiers and the checkout questions, all in one
//! partition so that a customer's catalogue is one `Query`. Keys: [`crate::dynamo::keys`].

use crate::catalog::{CheckoutQuestions, Discount, PriceTier, Product};
use crate::domain::Money;
use crate::dynamo::attr::{Item, Reader, b, n, s};
use crate::dynamo::keys::{CATALOG_PK, QUESTIONS_SK, product_sk, tier_sk};
use crate::error::Unexpected;
use crate::ids::{Sku, TierId};

fn bad(what: &str) -> Unexpected {
    crate::dynamo::attr::bad("catalogue", what)
}

fn money_to(m: &Money) -> String {
    serde_json::to_string(m).expect("money serialises")
}

pub fn product_to_item(p: &Product) -> Item {
    let mut item = Item::from([
        ("PK".into(), s(CATALOG_PK)),
        ("SK".into(), s(product_sk(&p.sku))),
        ("type".into(), s("product")),
        ("sku".into(), s(p.sku.as_str())),
        ("name".into(), s(&p.name)),
        ("unit".into(), s(&p.unit)),
        ("price".into(), s(money_to(&p.price))),
        ("active".into(), b(p.active)),
        (
            "search".into(),
            s(format!(
                "{}\n{}",
                p.sku.as_str().to_lowercase(),
                p.name.to_lowercase()
            )),
        ),
        ("created_at".into(), s(p.created_at.to_string())),
        ("updated_at".into(), s(p.updated_at.to_string())),
        ("version".into(), n(p.version)),
    ]);
    if let Some(d) = &p.description {
        item.insert("description".into(), s(d));
    }
    item
}

pub fn product_from_item(item: &Item) -> Result<Product, Unexpected> {
    let r = Reader(item);
    Ok(Product {
        sku: Sku::parse(r.s("sku")?).map_err(|_| bad("sku"))?,
        name: r.s("name")?.to_owned(),
        description: r.opt_s("description").map(str::to_owned),
        unit: r.s("unit")?.to_owned(),
        price: r.json("price")?.ok_or_else(|| bad("price"))?,
        active: r.bool("active")?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
        version: r.n("version")?,
    })
}

pub fn tier_to_item(t: &PriceTier) -> Item {
    Item::from([
        ("PK".into(), s(CATALOG_PK)),
        ("SK".into(), s(tier_sk(&t.tier_id))),
        ("type".into(), s("price_tier")),
        ("tier_id".into(), s(t.tier_id.as_str())),
        ("name".into(), s(&t.name)),
        ("discount_bp".into(), n(t.discount.basis_points())),
        (
            "prices".into(),
            s(serde_json::to_string(&t.prices).expect("prices serialise")),
        ),
        ("created_at".into(), s(t.created_at.to_string())),
        ("updated_at".into(), s(t.updated_at.to_string())),
        ("version".into(), n(t.version)),
    ])
}

pub fn tier_from_item(item: &Item) -> Result<PriceTier, Unexpected> {
    let r = Reader(item);
    Ok(PriceTier {
        tier_id: TierId::parse(r.s("tier_id")?).ok_or_else(|| bad("tier_id"))?,
        name: r.s("name")?.to_owned(),
        discount: Discount::from_basis_points(r.n("discount_bp")?)
            .ok_or_else(|| bad("discount"))?,
        prices: r.json("prices")?.unwrap_or_default(),
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
        version: r.n("version")?,
    })
}

pub fn questions_to_item(q: &CheckoutQuestions) -> Item {
    Item::from([
        ("PK".into(), s(CATALOG_PK)),
        ("SK".into(), s(QUESTIONS_SK)),
        ("type".into(), s("checkout_questions")),
        (
            "questions".into(),
            s(serde_json::to_string(&q.questions).expect("questions serialise")),
        ),
        ("version".into(), n(q.version)),
    ])
}

pub fn questions_from_item(item: &Item) -> Result<CheckoutQuestions, Unexpected> {
    let r = Reader(item);
    Ok(CheckoutQuestions {
        questions: r.json("questions")?.unwrap_or_default(),
        version: r.n("version")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Currency;
    use crate::domain::Timestamp;
    use std::collections::BTreeMap;

    #[test]
    fn product_and_tier_items_live_in_the_catalog_partition_and_read_back() {
        let now = Timestamp::parse("2026-11-23T08:00:00Z").unwrap();
        let eur = |a| Money::new(a, Currency::parse("EUR").unwrap()).unwrap();
        let p = Product {
            sku: Sku::parse("FLOUR-25").unwrap(),
            name: "Flour T55, 25 kg".into(),
            description: Some("Bakers' flour".into()),
            unit: "bag".into(),
            price: eur(2500),
            active: true,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let item = product_to_item(&p);
        assert_eq!(item.len(), 13);
        assert_eq!(item["PK"], s("CATALOG"));
        assert_eq!(item["SK"], s("PRODUCT#FLOUR-25"));
        assert_eq!(item["price"], s(r#"{"amount":2500,"currency":"EUR"}"#));
        assert_eq!(product_from_item(&item).unwrap(), p);

        let t = PriceTier {
            tier_id: TierId::parse("tier_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            name: "Gold".into(),
            discount: Discount::from_percent(12.5).unwrap(),
            prices: BTreeMap::from([(p.sku.clone(), eur(1999))]),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let item = tier_to_item(&t);
        assert_eq!(item.len(), 10);
        assert_eq!(item["SK"], s("TIER#tier_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"));
        assert_eq!(item["discount_bp"], n(1250));
        assert_eq!(tier_from_item(&item).unwrap(), t);
    }
}
