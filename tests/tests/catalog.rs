//! The catalogue end to end: an admin sets up products and a price tier, a customer's login
//! sees its own prices, and bad input changes nothing.

use orderdesk_tests::*;
use serde_json::{Value, json};

/// A login of a fresh customer on `tier` (if any), signed in.
async fn customer_on(api: &Api, tier: Option<&str>) -> Api {
    api.customer_with_login(tier).await.1
}

fn by_sku<'a>(page: &'a Value, sku: &str) -> &'a Value {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["sku"] == sku)
        .unwrap_or_else(|| panic!("{sku} in {page}"))
}

#[tokio::test]
async fn a_customer_sees_the_catalogue_at_its_tiers_prices_beside_the_list_price() {
    let api = Api::admin().await;
    let w = unique_word().to_uppercase();
    let flour = format!("FLOUR-{w}");
    let sugar = format!("SUGAR-{w}");
    api.new_product(&flour, 2500).await;
    api.new_product(&sugar, 999).await;
    let r = api
        .post("/admin/price-tiers", &json!({"name": format!("Gold {w}"), "discount_percent": 12.5, "prices": {flour.to_lowercase(): eur(1999)}}))
        .await
        .ok(201);
    assert_eq!(r["discount_percent"], 12.5);
    let tier = id_of(&r, "tier_id");

    let gold = customer_on(&api, Some(&tier)).await;
    let page = gold.get(&format!("/catalog?q={}", w.to_lowercase())).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        by_sku(&page.body, &flour)["price"],
        eur(1999),
        "the override wins"
    );
    assert_eq!(by_sku(&page.body, &flour)["list_price"], eur(2500));
    assert_eq!(
        by_sku(&page.body, &sugar)["price"],
        eur(874),
        "999 less 12.5 % is 874.125, rounded half-up"
    );
    assert_eq!(by_sku(&page.body, &sugar)["unit"], "bag");

    let list = customer_on(&api, None).await;
    let page = list.get(&format!("/catalog?q={}", w.to_lowercase())).await;
    assert_eq!(by_sku(&page.body, &sugar)["price"], eur(999));

    api.patch(
        &format!("/admin/price-tiers/{tier}"),
        &json!({"discount_percent": 50}),
    )
    .await
    .ok(200);
    let page = gold.get(&format!("/catalog?q={}", w.to_lowercase())).await;
    assert_eq!(
        by_sku(&page.body, &sugar)["price"],
        eur(500),
        "999 at 50 % is 499.5, rounded half-up"
    );
}

#[tokio::test]
async fn inactive_products_leave_the_customer_catalogue_but_stay_in_the_admin_list() {
    let api = Api::admin().await;
    let w = unique_word().to_uppercase();
    let sku = format!("OLD-{w}");
    api.new_product(&sku, 100).await;
    let r = api
        .update_product(&sku, &json!({"active": false, "price": eur(120)}))
        .await
        .ok(200);
    assert_eq!(r["version"], 2);
    let buyer = customer_on(&api, None).await;
    assert_eq!(
        buyer
            .get(&format!("/catalog?q={}", w.to_lowercase()))
            .await
            .body["items"],
        json!([])
    );
    let admin_list = api
        .get(&format!("/admin/products?q={}", w.to_lowercase()))
        .await;
    assert_eq!(admin_list.body["items"][0]["active"], false);
    assert_eq!(admin_list.body["items"][0]["price"], eur(120));
}

#[tokio::test]
async fn product_and_tier_mistakes_are_400_or_409_and_change_nothing() {
    let api = Api::admin().await;
    let sku = api.fresh_product("DUP", 100).await;
    let ghost = format!("GHOST-{}", unique_word().to_uppercase());
    let product =
        |sku: &str, name: &str, price: Value| json!({"sku": sku, "name": name, "price": price});
    api.post("/admin/products", &product(&sku, "Again", eur(1)))
        .await
        .problem(409);
    let r = api
        .post("/admin/products", &product("bad sku!", "", eur(1)))
        .await;
    assert_eq!(r.invalid(), ["sku", "name"]);
    let fraction = json!({"amount": 1.5, "currency": "EUR"});
    let r = api
        .post("/admin/products", &product("X1", "X", fraction))
        .await;
    assert_eq!(r.invalid()[0], "price.amount");
    api.update_product("NOPE-404", &json!({"name": "x"}))
        .await
        .problem(404);

    let bad = json!({"name": "Bad", "discount_percent": 150, "prices": {&ghost: eur(1)}});
    let r = api.post("/admin/price-tiers", &bad).await;
    assert_eq!(r.invalid()[0], "discount_percent");
    let ghostly = json!({"name": "Ghost", "prices": {&ghost: eur(1)}});
    let r = api.post("/admin/price-tiers", &ghostly).await;
    assert_eq!(r.invalid()[0], format!("prices.{ghost}"));
    let dollars = json!({"name": "Dollars", "prices": {&sku: {"amount": 1, "currency": "USD"}}});
    let r = api.post("/admin/price-tiers", &dollars).await;
    assert!(
        r.problem(400)["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("EUR")
    );
    let tiers = api.get("/admin/price-tiers").await;
    assert!(
        tiers.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["name"] != "Ghost" && t["name"] != "Dollars")
    );
}

#[tokio::test]
async fn checkout_questions_are_set_by_admins_and_read_by_customers() {
    let api = Api::admin().await;
    let questions = standard_questions();
    api.put("/admin/checkout-questions", &questions)
        .await
        .ok(200);
    let buyer = customer_on(&api, None).await;
    let seen = buyer.get("/checkout-questions").await;
    assert_eq!(seen.status, 200);
    assert!(
        seen.body["questions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q["question_id"] == "slot")
    );
    assert_eq!(api.get("/admin/checkout-questions").await.status, 200);

    let bad = json!({"questions": [{"question_id": "Slot!", "label": "", "required": true, "kind": "choice"}]});
    let r = api.put("/admin/checkout-questions", &bad).await;
    assert_eq!(
        r.invalid_sorted(),
        [
            "questions[0].choices",
            "questions[0].label",
            "questions[0].question_id"
        ]
    );
}

#[tokio::test]
async fn the_catalogue_is_for_signed_in_logins_and_product_admin_is_for_admins() {
    assert_eq!(Api::anonymous().get("/catalog").await.status, 401);
    Api::admin().await.get("/catalog").await.problem(403);
    Api::with_token(user_token("customers").await)
        .get("/catalog")
        .await
        .problem(403);
    let buyer = customer_on(&Api::admin().await, None).await;
    let product = json!({"sku": "X", "name": "X", "price": eur(1)});
    buyer
        .refused(
            403,
            &[
                ("POST /admin/products".into(), product),
                ("GET /admin/price-tiers".into(), Value::Null),
            ],
        )
        .await;
}

#[tokio::test]
async fn concurrent_changes_without_a_version_all_land_and_with_one_only_the_first() {
    let api = Api::admin().await;
    let sku = api.fresh_product("RACE", 1000).await;
    let path = format!("/admin/products/{sku}");
    let renames = (0..4).map(|n| {
        let (api, path) = (&api, &path);
        async move { api.patch(path, &json!({"name": format!("Race {n}")})).await }
    });
    let statuses: Vec<u16> = futures::future::join_all(renames)
        .await
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [200; 4]);
    let listed = api.get(&format!("/admin/products?q={sku}")).await.ok(200);
    assert_eq!(listed["items"][0]["version"], 5, "{listed}");

    let stale = (0..8).map(|n| {
        let (api, path) = (&api, &path);
        async move {
            api.patch(path, &json!({"name": format!("Seen {n}"), "version": 5}))
                .await
        }
    });
    exactly_one(&futures::future::join_all(stale).await, 200, 409);

    let body = standard_questions();
    let questions = (0..4).map(|_| api.put("/admin/checkout-questions", &body));
    let statuses: Vec<u16> = futures::future::join_all(questions)
        .await
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(
        statuses, [200; 4],
        "a PUT of the whole set has no version to conflict with"
    );
}
