//! The seller's changes to the catalogue: products, price tiers and checkout questions. Each
//! write is audited in its own transaction, and a write that meets contention is tried again.

use super::{
    CatalogError, CatalogStore, CatalogStoreError, CheckoutQuestion, CheckoutQuestions,
    CreateProductBody, Discount, PriceTier, Product, QuestionsBody, TierBody, UpdateProductBody,
    validate_questions,
};
use crate::actor::Principal;
use crate::audit::{AuditEntry, Audited};
use crate::domain::{FieldError, Money, Timestamp, Validator, bounded_text, patch};
use crate::ids::{Sku, TierId};
use crate::retry::{self, Attempt};
use serde_json::json;
use std::collections::BTreeMap;
use std::future::Future;

fn text(v: &mut Validator, field: &str, raw: &str, max: usize) -> Option<String> {
    v.check(field, bounded_text(raw, 1, max))
}

/// Runs one catalogue write, again while it meets contention.
async fn written<F, Fut>(mut write: F) -> Result<(), CatalogError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(), CatalogStoreError>>,
{
    retry::on_contention("the catalogue", |_| {
        let attempt = write();
        async move {
            match attempt.await {
                Ok(()) => Attempt::Done(()),
                Err(CatalogStoreError::Contention) => Attempt::Contended,
                Err(e) => Attempt::Failed(e.into()),
            }
        }
    })
    .await
}

/// Reads, changes and writes one catalogue record, again while it meets contention. Each
/// `attempt` reads the record afresh and answers what it would be and its write's outcome. A
/// write that lost to another admin's since the read is made again on the fresh record when
/// the admin named no version (a `PUT`, a `PATCH` without `version`: the last change wins, as
/// for customers), and is the conflict `changed` when the admin named the one it saw.
async fn rewritten<T, F, Fut>(
    seen: Option<u64>,
    changed: &'static str,
    mut attempt: F,
) -> Result<T, CatalogError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<(T, Result<(), CatalogStoreError>), CatalogError>>,
{
    retry::on_contention("the catalogue", |_| {
        let attempt = attempt();
        async move {
            match attempt.await {
                Ok((after, Ok(()))) => Attempt::Done(after),
                Ok((_, Err(CatalogStoreError::Contention))) => Attempt::Contended,
                Ok((_, Err(CatalogStoreError::Stale))) if seen.is_none() => Attempt::Contended,
                Ok((_, Err(CatalogStoreError::Stale))) => {
                    Attempt::Failed(CatalogError::Conflict(changed))
                }
                Ok((_, Err(e))) => Attempt::Failed(e.into()),
                Err(e) => Attempt::Failed(e),
            }
        }
    })
    .await
}

/// A catalogue record that changes under optimistic concurrency.
trait Versioned: Clone {
    /// What the admin is told when someone else changed it first.
    const CHANGED: &'static str;
    fn version(&self) -> u64;
    /// Marks the record as changed at `now`: its next version.
    fn touch(&mut self, now: Timestamp);
}

/// Both records keep `updated_at` and `version` the same way.
macro_rules! versioned {
    ($record:ty, $changed:literal) => {
        impl Versioned for $record {
            const CHANGED: &'static str = $changed;
            fn version(&self) -> u64 {
                self.version
            }
            fn touch(&mut self, now: Timestamp) {
                self.updated_at = now;
                self.version += 1;
            }
        }
    };
}

versioned!(
    Product,
    "The product was changed by someone else meanwhile. Reload it and try again."
);
versioned!(
    PriceTier,
    "The price tier was changed by someone else meanwhile. Reload it and try again."
);

/// The next version of `before` with the admin's edits, unless the admin edited an older one.
fn revised<T: Versioned>(
    before: &T,
    seen: Option<u64>,
    now: Timestamp,
    edit: impl FnOnce(&mut T),
) -> Result<T, CatalogError> {
    if seen.is_some_and(|v| v != before.version()) {
        return Err(CatalogError::Conflict(T::CHANGED));
    }
    let mut after = before.clone();
    edit(&mut after);
    after.touch(now);
    Ok(after)
}

/// The audit entry of an admin's change to the catalogue, which belongs to no account.
fn entry(admin: &Principal, at: Timestamp, action: &str, details: serde_json::Value) -> AuditEntry {
    AuditEntry::by_admin(admin, at, action, None, details)
}

/// Adds a product to the catalogue.
pub async fn create_product<S: CatalogStore>(
    store: &S,
    admin: &Principal,
    body: CreateProductBody,
) -> Result<Product, CatalogError> {
    let mut v = Validator::default();
    let sku = v.check("sku", Sku::parse(&body.sku));
    let name = text(&mut v, "name", &body.name, 200);
    let description = v.optional("description", body.description.as_deref(), |d| {
        bounded_text(d, 1, 2000)
    });
    let unit = text(&mut v, "unit", body.unit.as_deref().unwrap_or("each"), 20);
    v.finish(|| ()).map_err(CatalogError::Invalid)?;
    let now = Timestamp::now();
    let product = Product {
        sku: sku.expect("checked"),
        name: name.expect("checked"),
        description,
        unit: unit.expect("checked"),
        price: body.price,
        active: body.active.unwrap_or(true),
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let audit = entry(
        admin,
        now,
        "product.created",
        json!({ "sku": product.sku, "price": product.price }),
    );
    written(|| store.put_product(Audited::new(&product, &audit))).await?;
    Ok(product)
}

/// Changes a product. Orders already placed keep the prices they were placed at.
pub async fn update_product<S: CatalogStore>(
    store: &S,
    admin: &Principal,
    sku: &Sku,
    body: UpdateProductBody,
) -> Result<Product, CatalogError> {
    let mut v = Validator::default();
    let name = v.optional("name", body.name.as_deref(), |n| bounded_text(n, 1, 200));
    let description = v.nullable("description", body.description, |d| {
        bounded_text(d, 1, 2000)
    });
    let unit = v.optional("unit", body.unit.as_deref(), |u| bounded_text(u, 1, 20));
    v.finish(|| ()).map_err(CatalogError::Invalid)?;
    rewritten(body.version, Product::CHANGED, || async {
        let before = store
            .product(sku)
            .await?
            .ok_or(CatalogError::NotFound("There is no product with this SKU."))?;
        let now = Timestamp::now();
        let after = revised(&before, body.version, now, |p| {
            patch(&mut p.name, name.clone());
            patch(&mut p.description, description.clone());
            patch(&mut p.unit, unit.clone());
            patch(&mut p.price, body.price);
            patch(&mut p.active, body.active);
        })?;
        let audit = entry(
            admin,
            now,
            "product.updated",
            json!({ "sku": sku, "price": after.price, "active": after.active }),
        );
        let written = store
            .put_product(Audited::replacing(&before, &after, &audit))
            .await;
        Ok((after, written))
    })
    .await
}

type TierFields = (
    Option<String>,
    Option<Discount>,
    Option<BTreeMap<Sku, Money>>,
);

fn tier_fields(v: &mut Validator, body: &TierBody) -> TierFields {
    let name = v.optional("name", body.name.as_deref(), |n| bounded_text(n, 1, 100));
    let discount = body
        .discount_percent
        .and_then(|p| v.check("discount_percent", Discount::from_percent(p)));
    let prices = body.prices.as_ref().map(|prices| {
        prices
            .iter()
            .filter_map(|(sku, m)| {
                v.check(&format!("prices.{sku}"), Sku::parse(sku))
                    .map(|s| (s, *m))
            })
            .collect()
    });
    (name, discount, prices)
}

/// Overrides must name products that exist, in their currency.
async fn check_overrides<S: CatalogStore>(
    store: &S,
    prices: &BTreeMap<Sku, Money>,
) -> Result<(), CatalogError> {
    if prices.is_empty() {
        return Ok(());
    }
    let skus: Vec<Sku> = prices.keys().cloned().collect();
    let found: BTreeMap<Sku, Product> = store
        .products_by_sku(&skus)
        .await?
        .into_iter()
        .map(|p| (p.sku.clone(), p))
        .collect();
    let mut errors = Vec::new();
    for (sku, price) in prices {
        match found.get(sku) {
            None => errors.push(FieldError::new(
                format!("prices.{sku}"),
                "is not a product in the catalogue",
            )),
            Some(p) if p.price.currency() != price.currency() => errors.push(FieldError::new(
                format!("prices.{sku}"),
                format!("must be in {}, the product's currency", p.price.currency()),
            )),
            Some(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(CatalogError::Invalid(errors))
    }
}

/// Creates a price tier.
pub async fn create_tier<S: CatalogStore>(
    store: &S,
    admin: &Principal,
    body: TierBody,
) -> Result<PriceTier, CatalogError> {
    let mut v = Validator::default();
    if body.name.is_none() {
        v.push("name", "is required");
    }
    if body.version.is_some() {
        v.push("version", "is only for changes");
    }
    let (name, discount, prices) = tier_fields(&mut v, &body);
    v.finish(|| ()).map_err(CatalogError::Invalid)?;
    let prices = prices.unwrap_or_default();
    check_overrides(store, &prices).await?;
    let now = Timestamp::now();
    let tier = PriceTier {
        tier_id: TierId::generate(),
        name: name.expect("checked"),
        discount: discount.unwrap_or(Discount::NONE),
        prices,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let audit = entry(
        admin,
        now,
        "price_tier.created",
        json!({ "tier_id": tier.tier_id, "name": tier.name }),
    );
    written(|| store.put_tier(Audited::new(&tier, &audit))).await?;
    Ok(tier)
}

/// Changes a price tier; `prices`, when given, replaces every override.
pub async fn update_tier<S: CatalogStore>(
    store: &S,
    admin: &Principal,
    id: &TierId,
    body: TierBody,
) -> Result<PriceTier, CatalogError> {
    let mut v = Validator::default();
    let (name, discount, prices) = tier_fields(&mut v, &body);
    v.finish(|| ()).map_err(CatalogError::Invalid)?;
    if let Some(p) = &prices {
        check_overrides(store, p).await?;
    }
    rewritten(body.version, PriceTier::CHANGED, || async {
        let before = store.tier(id).await?.ok_or(CatalogError::NotFound(
            "There is no price tier with this id.",
        ))?;
        let now = Timestamp::now();
        let after = revised(&before, body.version, now, |t| {
            patch(&mut t.name, name.clone());
            patch(&mut t.discount, discount);
            patch(&mut t.prices, prices.clone());
        })?;
        let audit = entry(
            admin,
            now,
            "price_tier.updated",
            json!({ "tier_id": id, "name": after.name }),
        );
        let written = store
            .put_tier(Audited::replacing(&before, &after, &audit))
            .await;
        Ok((after, written))
    })
    .await
}

/// Replaces the checkout questions: the last of two concurrent replacements wins, as a `PUT`
/// of the whole set carries no version to conflict with.
pub async fn set_questions<S: CatalogStore>(
    store: &S,
    admin: &Principal,
    body: QuestionsBody,
) -> Result<Vec<CheckoutQuestion>, CatalogError> {
    let questions = validate_questions(body.questions).map_err(|e| {
        CatalogError::Invalid(e.into_iter().map(|(f, m)| FieldError::new(f, m)).collect())
    })?;
    let changed = "The checkout questions were changed meanwhile.";
    rewritten(None, changed, || async {
        let before = store.questions().await?;
        let now = Timestamp::now();
        let details = json!({ "questions": questions.len() });
        let after = CheckoutQuestions {
            questions: questions.clone(),
            version: before.version + 1,
        };
        let audit = entry(admin, now, "checkout_questions.set", details);
        let written = store
            .put_questions(Audited {
                before: (before.version > 0).then_some(&before),
                after: &after,
                audit: &audit,
            })
            .await;
        Ok((after.questions, written))
    })
    .await
}
