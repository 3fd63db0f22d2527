//! The cart end to end: a login fills it, sees it priced at its tier, an admin prefills it,
//! and bad lines change nothing.

use orderdesk_tests::*;
use serde_json::{Value, json};

#[tokio::test]
async fn a_login_fills_its_cart_and_sees_it_priced_at_its_tier() {
    let s = Shop::open(Some(10.0)).await;
    let (buyer, flour, sugar) = (&s.buyer, &s.flour, &s.sugar);

    let empty = buyer.get("/cart").await.ok(200);
    assert_eq!(empty["lines"], json!([]));
    assert_eq!(empty["total"], Value::Null);

    let r = buyer.put("/cart", &json!({"lines": [{"sku": flour.to_lowercase(), "quantity": 2}, {"sku": sugar, "quantity": 3}], "notes": "Back door"})).await.ok(200);
    assert_eq!(r["lines"][0]["sku"], flour.as_str());
    assert_eq!(r["lines"][0]["unit_price"], eur(2250));
    assert_eq!(r["lines"][0]["line_total"], eur(4500));
    assert_eq!(
        r["lines"][1]["unit_price"],
        eur(899),
        "999 less 10 % is 899.1"
    );
    assert_eq!(r["total"], eur(4500 + 3 * 899));
    assert_eq!(r["notes"], "Back door");

    let again = buyer.get("/cart").await;
    assert_eq!(again.body["total"], eur(4500 + 3 * 899));
    assert_eq!(again.body["version"], 1);
}

#[tokio::test]
async fn an_admin_prefills_a_customers_cart_and_the_audit_log_says_so() {
    let admin = Api::admin().await;
    let sku = admin.fresh_product("PREFILL", 100).await;
    let (customer, buyer) = admin.customer_with_login(None).await;
    let cid = customer["customer_id"].as_str().unwrap();
    let lines = json!({"lines": [{"sku": sku, "quantity": 5}]});
    admin
        .put(&format!("/admin/customers/{cid}/cart"), &lines)
        .await
        .ok(200);
    let seen = buyer.get("/cart").await;
    assert_eq!(seen.body["lines"][0]["quantity"], 5);
    assert_eq!(seen.body["total"], eur(500));
    let audits = audit_entries(cid).await;
    assert!(
        audits
            .iter()
            .any(|a| a["action"].as_s().unwrap() == "cart.prefilled")
    );
}

#[tokio::test]
async fn bad_lines_are_400_naming_each_line_and_leave_the_cart_as_it_was() {
    let admin = Api::admin().await;
    let ok = admin.fresh_product("OK", 100).await;
    let gone = admin.fresh_product("GONE", 100).await;
    admin.update_product(&gone, &json!({"active": false})).await;
    let (_, buyer) = admin.customer_with_login(None).await;
    let one = json!({"lines": [{"sku": ok, "quantity": 1}]});
    assert_eq!(buyer.put("/cart", &one).await.status, 200);

    let cases = [
        (
            json!([
                {"sku": ok, "quantity": 0},
                {"sku": ok, "quantity": 2},
                {"sku": "bad sku", "quantity": 10001},
            ]),
            vec![
                "lines[0].quantity",
                "lines[1].sku",
                "lines[2].sku",
                "lines[2].quantity",
            ],
        ),
        (
            json!([{"sku": gone, "quantity": 1}, {"sku": format!("NONE-{}", unique_word()), "quantity": 1}]),
            vec!["lines[0].sku", "lines[1].sku"],
        ),
    ];
    for (lines, fields) in cases {
        let r = buyer.put("/cart", &json!({"lines": lines})).await;
        assert_eq!(r.invalid(), fields, "{lines}");
    }
    let r = buyer
        .put("/cart", &json!({"lines": [{"sku": ok, "quantity": 1.5}]}))
        .await;
    assert_eq!(r.invalid()[0], "lines[0].quantity");

    let kept = buyer.get("/cart").await;
    assert_eq!(kept.body["lines"].as_array().unwrap().len(), 1);
    assert_eq!(kept.body["lines"][0]["quantity"], 1);
}

#[tokio::test]
async fn a_product_deactivated_after_it_was_carted_shows_as_unavailable() {
    let admin = Api::admin().await;
    let sku = admin.fresh_product("LATER", 300).await;
    let (_, buyer) = admin.customer_with_login(None).await;
    buyer
        .put("/cart", &json!({"lines": [{"sku": sku, "quantity": 2}]}))
        .await;
    admin.update_product(&sku, &json!({"active": false})).await;
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
    let prefill = "/admin/customers/cus_0000000000007000800000000000beef/cart";
    let nothing = json!({"lines": []});
    buyer.put(prefill, &nothing).await.problem(403);
    Api::admin().await.put(prefill, &nothing).await.problem(404);
}
