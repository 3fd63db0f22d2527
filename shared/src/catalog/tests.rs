//! The catalogue use cases on the in-memory ports.

use super::*;
use crate::ids::{Sku, TierId};
use crate::memory::Memory;
use crate::memory::fixtures::{admin, eur};
use serde_json::json;

fn product_body(sku: &str) -> CreateProductBody {
    serde_json::from_value(json!({
        "sku": sku, "name": "Flour T55", "price": {"amount": 2500, "currency": "EUR"}
    }))
    .unwrap()
}

#[tokio::test]
async fn a_product_is_created_once_per_sku_with_its_audit_entry() {
    let m = Memory::new();

    let p = create_product(&m, &admin(), product_body("flour-25"))
        .await
        .unwrap();
    let twice = create_product(&m, &admin(), product_body("FLOUR-25")).await;

    assert_eq!(p.sku.as_str(), "FLOUR-25");
    assert_eq!(p.unit, "each");
    assert!(matches!(twice, Err(CatalogError::Conflict(_))));
    let s = m.state();
    assert_eq!(s.products.len(), 1);
    assert_eq!(s.audit.len(), 1);
    assert_eq!(s.audit[0].action, "product.created");
}

#[tokio::test]
async fn a_catalogue_write_that_meets_contention_is_retried_not_refused() {
    let m = Memory::new();
    m.contend_next_writes(3);

    let p = create_product(&m, &admin(), product_body("SUGAR")).await;

    assert!(p.is_ok(), "{p:?}");
    assert_eq!(m.state().products.len(), 1);
}

#[tokio::test]
async fn endless_contention_is_an_unexpected_failure_and_writes_nothing() {
    let m = Memory::new();
    m.contend_next_writes(100);

    let p = create_product(&m, &admin(), product_body("SUGAR")).await;

    assert!(matches!(p, Err(CatalogError::Unexpected(_))), "{p:?}");
    assert!(m.state().products.is_empty());
}

#[tokio::test]
async fn a_change_made_against_an_old_version_is_a_conflict() {
    let m = Memory::new();
    m.product("FLOUR", 2500);
    let sku = Sku::parse("FLOUR").unwrap();
    let stale: UpdateProductBody =
        serde_json::from_value(json!({"name": "Renamed", "version": 9})).unwrap();
    let fresh: UpdateProductBody =
        serde_json::from_value(json!({"price": {"amount": 2600, "currency": "EUR"}, "version": 1}))
            .unwrap();

    let refused = update_product(&m, &admin(), &sku, stale).await;
    let changed = update_product(&m, &admin(), &sku, fresh).await.unwrap();

    assert!(matches!(refused, Err(CatalogError::Conflict(_))));
    assert_eq!(changed.price, eur(2600));
    assert_eq!(changed.version, 2);
}

#[tokio::test]
async fn a_tier_override_must_name_a_product_in_its_currency() {
    let m = Memory::new();
    m.product("FLOUR", 2500);
    let body: TierBody = serde_json::from_value(json!({
        "name": "Gold",
        "prices": {
            "FLOUR": {"amount": 2000, "currency": "USD"},
            "NOPE": {"amount": 1, "currency": "EUR"}
        }
    }))
    .unwrap();

    let r = create_tier(&m, &admin(), body).await;

    let Err(CatalogError::Invalid(errors)) = r else {
        panic!("{r:?}")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["prices.FLOUR", "prices.NOPE"]);
    assert!(m.state().tiers.is_empty());
}

#[tokio::test]
async fn a_customer_sees_its_tiers_prices_reading_only_what_it_declares() {
    let m = Memory::new();
    let tier = m.tier("Wholesale", 10.0);
    m.product("FLOUR", 2500);
    m.forget_reads();

    let page = customer_catalog(&m, Some(&tier.tier_id), None, &Default::default())
        .await
        .unwrap();
    let gone = customer_catalog(&m, Some(&TierId::generate()), None, &Default::default())
        .await
        .unwrap();

    assert_eq!(page.items[0].price, eur(2250));
    assert_eq!(page.items[0].list_price, eur(2500));
    assert_eq!(
        gone.items[0].price,
        eur(2500),
        "a vanished tier means list prices"
    );
    assert_eq!(m.undeclared(&catalog_reads(Some(&tier.tier_id))).len(), 1);
    m.forget_reads();
    assert_eq!(
        tier_name(&m, Some(&tier.tier_id)).await.unwrap().as_deref(),
        Some("Wholesale")
    );
    assert!(
        m.undeclared(&tier_name_reads(Some(&tier.tier_id)))
            .is_empty()
    );
    m.forget_reads();
    checkout_questions(&m).await.unwrap();
    assert!(m.undeclared(&questions_reads()).is_empty());
}

#[tokio::test]
async fn questions_are_replaced_as_a_whole_and_checked_field_by_field() {
    let m = Memory::new();
    let good: QuestionsBody = serde_json::from_value(json!({"questions": [
        {"question_id": "po", "label": "PO number", "required": true, "kind": "text"}
    ]}))
    .unwrap();
    let bad: QuestionsBody = serde_json::from_value(json!({"questions": [
        {"question_id": "PO!", "label": "", "required": true, "kind": "choice"}
    ]}))
    .unwrap();

    let set = set_questions(&m, &admin(), good).await.unwrap();
    let refused = set_questions(&m, &admin(), bad).await;

    assert_eq!(set.len(), 1);
    assert_eq!(m.state().questions.version, 1);
    assert!(matches!(refused, Err(CatalogError::Invalid(e)) if e.len() == 3));
}

#[tokio::test]
async fn a_change_without_a_version_that_met_another_admins_is_made_on_the_fresh_record() {
    let m = Memory::new();
    m.product("FLOUR", 2500);
    let sku = Sku::parse("FLOUR").unwrap();
    let flour = sku.clone();
    m.meanwhile(move |s| {
        let p = s.products.get_mut(&flour).unwrap();
        p.name = "Renamed by Bo".into();
        p.version += 1;
    });
    let body: UpdateProductBody =
        serde_json::from_value(json!({"price": {"amount": 2600, "currency": "EUR"}})).unwrap();

    let changed = update_product(&m, &admin(), &sku, body).await.unwrap();

    assert_eq!(changed.version, 3);
    assert_eq!(
        changed.name, "Renamed by Bo",
        "the other admin's change stays"
    );
    assert_eq!(changed.price, eur(2600));
    assert_eq!(m.state().audit.len(), 1);
}

#[tokio::test]
async fn a_change_naming_the_version_it_saw_that_met_another_admins_is_a_conflict() {
    let m = Memory::new();
    let tier = m.tier("Wholesale", 10.0);
    let id = tier.tier_id.clone();
    m.meanwhile(move |s| s.tiers.get_mut(&id).unwrap().version += 1);
    let body: TierBody = serde_json::from_value(json!({"name": "Gold", "version": 1})).unwrap();

    let r = update_tier(&m, &admin(), &tier.tier_id, body).await;

    assert!(matches!(r, Err(CatalogError::Conflict(_))), "{r:?}");
    assert_eq!(m.state().tiers[&tier.tier_id].name, "Wholesale");
    assert!(m.state().audit.is_empty());
}

#[tokio::test]
async fn of_two_concurrent_replacements_of_the_questions_the_last_wins() {
    let m = Memory::new();
    let questions = |id: &str| -> QuestionsBody {
        serde_json::from_value(json!({"questions": [
            {"question_id": id, "label": "PO number", "required": true, "kind": "text"}
        ]}))
        .unwrap()
    };
    set_questions(&m, &admin(), questions("first"))
        .await
        .unwrap();
    m.meanwhile(|s| s.questions.version += 1);

    let set = set_questions(&m, &admin(), questions("last"))
        .await
        .unwrap();

    assert_eq!(set[0].question_id, "last");
    let s = m.state();
    assert_eq!(s.questions.version, 3);
    assert_eq!(s.questions.questions[0].question_id, "last");
}
