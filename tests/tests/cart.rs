//! The cart end to end: a login fills it, sees it priced at its tier, an admin prefills it,
//! and bad lines change nothing.

use orderdesk_tests::*;
use serde_json::{Value, json};

#[tokio::test]
async fn a_login_fills_its_cart_and_sees_it_priced_at_its_tier() {
    let s = Shop::open(Some(10.0)).await;
    let (buyer, flour, sugar) = (&s.buyer, &s.flour, &s.sugar);

    let empty = buyer.get("/cart").await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert_eq!(empty.body["lines"], json!([]));
    assert_eq!(empty.body["total"], Value::Null);

    let r = buyer.put_cart("/cart", &json!({"lines": [{"sku": flour.to_lowercase(), "quantity": 2}, {"sku": sugar, "quantity": 3}], "notes": "Back door"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["lines"][0]["sku"], flour.as_str());
    assert_eq!(r.body["lines"][0]["unit_price"], eur(2250));
    assert_eq!(r.body["lines"][0]["line_total"], eur(4500));
    assert_eq!(
        r.body["lines"][1]["unit_price"],
        eur(899),
        "999 less 10 % is 899.1"
    );
    assert_eq!(r.body["total"], eur(4500 + 3 * 899));
    assert_eq!(r.body["notes"], "Back door");

    let again = buyer.get("/cart").await;
    assert_eq!(again.body["total"], eur(4500 + 3 * 899));
    assert_eq!(again.body["version"], 1);
}

#[tokio::test]
async fn an_admin_prefills_a_customers_cart_and_the_audit_log_says_so() {
    let admin = Api::admin().await;
    let w = unique_word().to_uppercase();
    let sku = format!("PREFILL-{w}");
    admin.new_product(&sku, 100).await;
    let (customer, buyer) = admin.customer_with_login(None).await;
    let cid = customer["customer_id"].as_str().unwrap();
    let r = admin
        .put_cart(
            &format!("/admin/customers/{cid}/cart"),
            &json!({"lines": [{"sku": sku, "quantity": 5}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let seen = buyer.get("/cart").await;
    assert_eq!(seen.body["lines"][0]["quantity"], 5);
    assert_eq!(seen.body["total"], eur(500));
    let audits = items_with_prefix(&format!("CUSTOMER#{cid}"), "AUDIT#").await;
    assert!(
        audits
            .iter()
            .any(|a| a["action"].as_s().unwrap() == "cart.prefilled")
    );
}

#[tokio::test]
async fn bad_lines_are_400_naming_each_line_and_leave_the_cart_as_it_was() {
    let admin = Api::admin().await;
    let w = unique_word().to_uppercase();
    let (ok, gone) = (format!("OK-{w}"), format!("GONE-{w}"));
    admin.new_product(&ok, 100).await;
    admin.new_product(&gone, 100).await;
    admin
        .patch(
            &format!("/admin/products/{gone}"),
            &json!({"active": false}),
        )
        .await;
    let (_, buyer) = admin.customer_with_login(None).await;
    assert_eq!(
        buyer
            .put_cart("/cart", &json!({"lines": [{"sku": ok, "quantity": 1}]}))
            .await
            .status,
        200
    );

    let r = buyer
        .put_cart(
            "/cart",
            &json!({"lines": [
                {"sku": ok, "quantity": 0},
                {"sku": ok, "quantity": 2},
                {"sku": "bad sku", "quantity": 10001},
            ]}),
        )
        .await;
    r.problem(400);
    assert_eq!(
        r.error_fields(),
        [
            "lines[0].quantity",
            "lines[1].sku",
            "lines[2].sku",
            "lines[2].quantity"
        ]
    );

    let r = buyer.put_cart("/cart", &json!({"lines": [{"sku": gone, "quantity": 1}, {"sku": format!("NONE-{w}"), "quantity": 1}]})).await;
    r.problem(400);
    assert_eq!(r.error_fields(), ["lines[0].sku", "lines[1].sku"]);
    let r = buyer
        .put_cart("/cart", &json!({"lines": [{"sku": ok, "quantity": 1.5}]}))
        .await;
    assert_eq!(r.problem(400)["errors"][0]["field"], "lines[0].quantity");

    let kept = buyer.get("/cart").await;
    assert_eq!(kept.body["lines"].as_array().unwrap().len(), 1);
    assert_eq!(kept.body["lines"][0]["quantity"], 1);
}

#[tokio::test]
async fn a_product_deactivated_after_it_was_carted_shows_as_unavailable() {
    let admin = Api::admin().await;
    let w = unique_word().to_uppercase();
    let sku = format!("LATER-{w}");
    admin.new_product(&sku, 300).await;
    let (_, buyer) = admin.customer_with_login(None).await;
    buyer
        .put_cart("/cart", &json!({"lines": [{"sku": sku, "quantity": 2}]}))
        .await;
    admin
        .patch(&format!("/admin/products/{sku}"), &json!({"active": false}))
        .await;
    let r = buyer.get("/cart").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["lines"], json!([]));
    assert_eq!(r.body["unavailable"], json!([{"sku": sku, "quantity": 2}]));
}

#[tokio::test]
async fn carts_are_for_logins_and_prefill_is_for_admins() {
    assert_eq!(Api::anonymous().get("/cart").await.status, 401);
    Api::admin().await.get("/cart").await.problem(403);
    let (_, buyer) = Api::admin().await.customer_with_login(None).await;
    buyer
        .put_cart(
            "/admin/customers/cus_0000000000007000800000000000beef/cart",
            &json!({"lines": []}),
        )
        .await
        .problem(403);
    Api::admin()
        .await
        .put_cart(
            "/admin/customers/cus_0000000000007000800000000000beef/cart",
            &json!({"lines": []}),
        )
        .await
        .problem(404);
}
