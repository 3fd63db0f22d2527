//! Ordering again end to end: an old order's lines go into the cart at today's prices, merged
//! with what is there; a product no longer sold is named; another account's order is 404.

use futures::StreamExt;
use orderdesk_tests::*;
use serde_json::json;

#[tokio::test]
async fn a_past_order_goes_into_the_cart_again_at_todays_prices_merged_with_the_cart() {
    let s = Shop::open(None).await;
    let (buyer, flour, sugar) = (&s.buyer, &s.flour, &s.sugar);
    let order = s.order(flour, 2).await.ok(201);
    let order_id = id_of(&order, "order_id");
    let cart = json!({"lines": [{"sku": flour, "quantity": 1}, {"sku": sugar, "quantity": 3}], "notes": "Ring twice"});
    buyer.put("/cart", &cart).await.ok(200);
    s.admin
        .update_product(flour, &json!({"price": eur(2600)}))
        .await
        .ok(200);

    let r = buyer
        .post(&format!("/orders/{order_id}/reorder"), &json!({}))
        .await
        .ok(200);

    assert_eq!(r["lines"][0]["sku"], flour.as_str());
    assert_eq!(
        r["lines"][0]["quantity"], 3,
        "one in the cart and two ordered"
    );
    assert_eq!(r["lines"][0]["unit_price"], eur(2600), "today's price");
    assert_eq!(r["lines"][1]["quantity"], 3);
    assert_eq!(r["total"], eur(3 * 2600 + 3 * 999));
    assert_eq!(r["notes"], "Ring twice");
    assert_eq!(r["unavailable"], json!([]));
    let seen = buyer.get("/cart").await.ok(200);
    assert_eq!(seen["lines"], r["lines"]);
    assert_eq!(seen["version"], r["version"]);
}

#[tokio::test]
async fn a_product_no_longer_sold_is_named_and_not_added() {
    let s = Shop::open(None).await;
    let body = json!({"lines": [{"sku": s.flour, "quantity": 2}, {"sku": s.sugar, "quantity": 1}],
                      "answers": standard_answers()});
    let order_id = id_of(&s.buyer.submit(&body).await.ok(201), "order_id");
    s.admin
        .update_product(&s.sugar, &json!({"active": false}))
        .await
        .ok(200);

    let r = s
        .buyer
        .post(&format!("/orders/{order_id}/reorder"), &json!({}))
        .await
        .ok(200);

    assert_eq!(pluck(&r["lines"], "sku"), [s.flour.as_str()]);
    assert_eq!(r["unavailable"], json!([{"sku": s.sugar, "quantity": 1}]));
    assert_eq!(
        s.buyer.get("/cart").await.ok(200)["lines"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn another_accounts_order_and_an_unknown_one_are_404_and_change_no_cart() {
    let s = Shop::open(None).await;
    let order_id = id_of(&s.order(&s.flour, 1).await.ok(201), "order_id");
    let (_, stranger) = s.admin.customer_with_login(None).await;

    let foreign = stranger
        .post(&format!("/orders/{order_id}/reorder"), &json!({}))
        .await;
    let unknown = s
        .buyer
        .post(
            "/orders/ord_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b/reorder",
            &json!({}),
        )
        .await;
    let malformed = s.buyer.post("/orders/ORDER%23x/reorder", &json!({})).await;

    foreign.problem(404);
    unknown.problem(404);
    malformed.problem(404);
    assert_eq!(stranger.get("/cart").await.ok(200)["lines"], json!([]));
    assert_eq!(s.buyer.get("/cart").await.ok(200)["lines"], json!([]));
}

#[tokio::test]
async fn an_order_that_would_take_the_cart_over_200_lines_is_409_and_adds_nothing() {
    let s = Shop::open(None).await;
    let order_id = id_of(&s.order(&s.flour, 1).await.ok(201), "order_id");
    let lines = full_cart(&s.admin).await;
    s.buyer.put("/cart", &json!({"lines": lines})).await.ok(200);

    let r = s
        .buyer
        .post(&format!("/orders/{order_id}/reorder"), &json!({}))
        .await;

    assert_eq!(r.problem(409)["type"], "/problems/cart-full");
    let cart = s.buyer.get("/cart").await.ok(200);
    assert_eq!(cart["lines"].as_array().unwrap().len(), 200);
    assert!(!pluck(&cart["lines"], "sku").contains(&s.flour.as_str()));
}

#[tokio::test]
async fn quantities_add_up_to_at_most_10000_a_line() {
    let s = Shop::open(None).await;
    let order_id = id_of(&s.order(&s.flour, 6000).await.ok(201), "order_id");
    let path = format!("/orders/{order_id}/reorder");

    s.buyer.post(&path, &json!({})).await.ok(200);
    let r = s.buyer.post(&path, &json!({})).await.ok(200);

    assert_eq!(r["lines"][0]["quantity"], 10000);
}

/// 200 lines of 200 new products: a full cart.
async fn full_cart(admin: &Api) -> Vec<serde_json::Value> {
    let word = unique_word().to_uppercase();
    let skus: Vec<String> = (0..200).map(|i| format!("FULL{i}-{word}")).collect();
    futures::stream::iter(&skus)
        .for_each_concurrent(16, |sku| async move {
            admin.new_product(sku, 100).await;
        })
        .await;
    skus.iter()
        .map(|sku| json!({"sku": sku, "quantity": 1}))
        .collect()
}
