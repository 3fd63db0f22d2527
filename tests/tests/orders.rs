//! Order requests end to end: a login submits, the order is priced at its tier and numbered,
//! the seller is emailed, retries with the same key return the same order, bad orders change
//! nothing, and a customer only ever sees its own orders.

use orderdesk_tests::*;
use serde_json::{Value, json};

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[tokio::test]
async fn a_login_submits_an_order_priced_at_its_tier_and_the_seller_is_emailed() {
    let s = Shop::open(Some(10.0)).await;
    let body = json!({
        "lines": [{"sku": s.flour, "quantity": 2}, {"sku": s.sugar.to_lowercase(), "quantity": 3}],
        "notes": "Use the back door",
        "answers": standard_answers(),
    });
    let r = s.buyer.submit_keyed(&key(), &body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let order = r.body;
    assert_eq!(order["status"], "requested");
    assert!(order["order_number"].as_str().unwrap().starts_with("SO-"));
    assert_eq!(order["order_number"].as_str().unwrap().len(), 9);
    assert_eq!(order["customer_id"], s.customer["customer_id"]);
    assert_eq!(order["lines"][0]["unit_price"], eur(2250));
    assert_eq!(order["lines"][1]["unit_price"], eur(899));
    assert_eq!(order["lines"][1]["line_total"], eur(2697));
    assert_eq!(order["total"], eur(4500 + 2697));
    assert_eq!(order["answers"], standard_answers());
    assert_eq!(order["assigned_team"], "North");
    assert_eq!(order["created_by"]["kind"], "customer");

    let number = order["order_number"].as_str().unwrap();
    let mine = mailbox::wait_for_subject(&stack().seller_notify_email, number).await;
    assert!(mine.subject.contains(s.customer["name"].as_str().unwrap()));

    let id = order["order_id"].as_str().unwrap();
    let got = s.buyer.get(&format!("/orders/{id}")).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body, order);
    let listed = s.buyer.get("/orders?status=requested").await;
    assert_eq!(listed.body["items"][0]["order_id"], id);
}

#[tokio::test]
async fn prices_are_captured_at_submission() {
    let s = Shop::open(None).await;
    let r = s.order(s.flour.as_str(), 1).await;
    assert_eq!(r.status, 201, "{}", r.body);
    s.admin
        .patch(
            &format!("/admin/products/{}", s.flour),
            &json!({"price": eur(9999)}),
        )
        .await;
    let got = s
        .buyer
        .get(&format!("/orders/{}", r.body["order_id"].as_str().unwrap()))
        .await;
    assert_eq!(got.body["lines"][0]["unit_price"], eur(2500));
    assert_eq!(got.body["total"], eur(2500));
}

#[tokio::test]
async fn the_same_key_returns_the_same_order_and_another_body_under_it_is_409() {
    let s = Shop::open(None).await;
    let k = key();
    let body = json!({"lines": [{"sku": s.flour, "quantity": 1}], "answers": standard_answers()});
    let first = s.buyer.submit_keyed(&k, &body).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = s.buyer.submit_keyed(&k, &body).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.body, first.body);
    let other = s
        .buyer
        .submit_keyed(
            &k,
            &json!({"lines": [{"sku": s.flour, "quantity": 2}], "answers": standard_answers()}),
        )
        .await;
    assert!(
        other.problem(409)["detail"]
            .as_str()
            .unwrap()
            .contains("different request")
    );
    assert_eq!(s.buyer.count("/orders").await, 1);
}

#[tokio::test]
async fn twenty_concurrent_submissions_with_one_key_make_one_order() {
    let s = Shop::open(None).await;
    let k = key();
    let body = json!({"lines": [{"sku": s.sugar, "quantity": 4}], "answers": standard_answers()});
    let replies = futures::future::join_all((0..20).map(|_| s.buyer.submit_keyed(&k, &body))).await;
    exactly_one(&replies, 201, 200);
    let ids: std::collections::BTreeSet<&str> = replies
        .iter()
        .map(|r| r.body["order_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(s.buyer.count("/orders").await, 1);
}

#[tokio::test]
async fn an_order_from_the_cart_empties_it() {
    let s = Shop::open(None).await;
    let r = Api::send(
        s.buyer
            .request(reqwest::Method::PUT, "/cart")
            .json(&json!({"lines": [{"sku": s.flour, "quantity": 3}]})),
    )
    .await;
    assert_eq!(r.status, 200);
    let r = s
        .buyer
        .submit_keyed(
            &key(),
            &json!({"from_cart": true, "answers": standard_answers()}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["lines"][0]["quantity"], 3);
    assert_eq!(s.buyer.get("/cart").await.body["lines"], json!([]));
    let r = s
        .buyer
        .submit_keyed(
            &key(),
            &json!({"from_cart": true, "answers": standard_answers()}),
        )
        .await;
    assert_eq!(r.problem(400)["errors"][0]["field"], "from_cart");
}

#[tokio::test]
async fn bad_orders_are_400_naming_the_field_and_write_nothing() {
    let s = Shop::open(None).await;
    let ok_lines = json!([{"sku": s.flour, "quantity": 1}]);
    let cases = [
        (json!({"lines": [], "answers": standard_answers()}), "lines"),
        (
            json!({"lines": [{"sku": s.flour, "quantity": 0}], "answers": standard_answers()}),
            "lines[0].quantity",
        ),
        (
            json!({"lines": [{"sku": s.flour, "quantity": 10001}], "answers": standard_answers()}),
            "lines[0].quantity",
        ),
        (
            json!({"lines": [{"sku": "NO-SUCH-THING", "quantity": 1}], "answers": standard_answers()}),
            "lines[0].sku",
        ),
        (
            json!({"lines": ok_lines, "answers": {"slot": "Morning"}}),
            "answers.po_number",
        ),
        (
            json!({"lines": ok_lines, "answers": {"po_number": "1", "slot": "Midnight"}}),
            "answers.slot",
        ),
        (
            json!({"lines": ok_lines, "answers": standard_answers(), "colour": "red"}),
            "colour",
        ),
    ];
    for (body, field) in cases {
        let r = s.buyer.submit_keyed(&key(), &body).await;
        r.problem(400);
        assert!(
            r.error_fields().contains(&field.to_owned()),
            "{field} in {}",
            r.body
        );
    }
    let too_many: Vec<Value> = (0..201)
        .map(|i| json!({"sku": format!("S{i}"), "quantity": 1}))
        .collect();
    let r = s
        .buyer
        .submit_keyed(
            &key(),
            &json!({"lines": too_many, "answers": standard_answers()}),
        )
        .await;
    assert!(r.error_fields().contains(&"lines".to_owned()));
    let r = Api::send(
        s.buyer
            .request(reqwest::Method::POST, "/orders")
            .json(&json!({"lines": ok_lines})),
    )
    .await;
    assert_eq!(r.problem(400)["errors"][0]["field"], "Idempotency-Key");
    assert_eq!(s.buyer.get("/orders").await.body["items"], json!([]));
}

#[tokio::test]
async fn ordering_off_is_403_and_writes_nothing() {
    let s = Shop::open(None).await;
    let cid = s.customer["customer_id"].as_str().unwrap();
    s.admin
        .patch(
            &format!("/admin/customers/{cid}"),
            &json!({"ordering_enabled": false}),
        )
        .await;
    let r = s.order(s.flour.as_str(), 1).await;
    assert_eq!(r.problem(403)["type"], "/problems/ordering-disabled");
    assert_eq!(s.buyer.get("/orders").await.body["items"], json!([]));
}

#[tokio::test]
async fn a_disabled_login_cannot_order_or_read_orders_with_its_still_valid_token() {
    let s = Shop::open(None).await;
    let order = json!({"lines": [{"sku": s.flour, "quantity": 1}], "answers": standard_answers()});
    assert_eq!(s.buyer.submit_keyed(&key(), &order).await.status, 201);
    let login_id = s.buyer.get("/me").await.body["login"]["login_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = s
        .admin
        .patch(
            &format!("/admin/logins/{login_id}"),
            &json!({"enabled": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    let r = s.buyer.submit_keyed(&key(), &order).await;
    assert_eq!(r.problem(403)["type"], "/problems/login-disabled");
    for path in ["/orders", "/catalog", "/cart"] {
        s.buyer.get(path).await.problem(403);
    }
    let cid = s.customer["customer_id"].as_str().unwrap();
    let orders = s
        .admin
        .get(&format!("/admin/orders?customer_id={cid}"))
        .await;
    assert_eq!(orders.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn another_customers_order_is_404_on_every_customer_route() {
    let a = Shop::open(None).await;
    let b = Shop::open(None).await;
    let r = a.order(a.flour.as_str(), 1).await;
    let id = r.body["order_id"].as_str().unwrap();
    b.buyer.get(&format!("/orders/{id}")).await.problem(404);
    assert_eq!(b.buyer.get("/orders").await.body["items"], json!([]));
    b.buyer
        .get("/orders/ord_0000000000007000800000000000beef")
        .await
        .problem(404);
    b.buyer.get("/orders/nonsense").await.problem(404);
    Api::admin().await.get("/orders").await.problem(403);
    assert_eq!(Api::anonymous().get("/orders").await.status, 401);
}

async fn submitted(s: &Shop) -> Value {
    let r = s.order(s.flour.as_str(), 1).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

fn id(order: &Value) -> &str {
    order["order_id"].as_str().unwrap()
}

#[tokio::test]
async fn the_whole_journey_ends_with_the_customer_emailed_the_confirmation() {
    let s = Shop::open(Some(5.0)).await;
    let order = submitted(&s).await;
    let queue = s
        .admin
        .get(&format!(
            "/admin/orders?customer_id={}",
            s.customer["customer_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    assert_eq!(queue.body["items"][0]["order_id"], order["order_id"]);
    let requested = s
        .admin
        .get("/admin/orders?status=requested&limit=200")
        .await;
    assert!(
        requested.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["order_id"] == order["order_id"])
    );

    let r = s
        .admin
        .post(
            &format!("/admin/orders/{}/confirm", id(&order)),
            &json!({"version": 1}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "confirmed");
    assert!(r.body["decided_at"].is_string());
    let detail = s.admin.get(&format!("/admin/orders/{}", id(&order))).await;
    let events: Vec<&str> = detail.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["submitted", "confirmed"]);
    assert_eq!(detail.body["history"][1]["by"]["kind"], "admin");

    let me = s.buyer.get("/me").await;
    let login_email = me.body["login"]["email"].as_str().unwrap().to_owned();
    let number = order["order_number"].as_str().unwrap();
    let told = mailbox::wait_for_subject(&login_email, number).await;
    assert!(told.subject.contains("confirmed"), "{}", told.subject);
    assert!(
        told.body.contains("Buyer"),
        "greeted by its name: {}",
        told.body
    );
    assert_eq!(
        s.buyer.get(&format!("/orders/{}", id(&order))).await.body["status"],
        "confirmed"
    );
}

#[tokio::test]
async fn of_fifty_concurrent_confirms_exactly_one_wins() {
    let s = Shop::open(None).await;
    let order = submitted(&s).await;
    let path = format!("/admin/orders/{}/confirm", id(&order));
    let empty = json!({});
    let replies = futures::future::join_all((0..50).map(|_| s.admin.post(&path, &empty))).await;
    exactly_one(&replies, 200, 409);
    let detail = s.admin.get(&format!("/admin/orders/{}", id(&order))).await;
    assert_eq!(
        detail.body["history"].as_array().unwrap().len(),
        2,
        "one confirmation in the history"
    );
    assert_eq!(detail.body["version"], 2);
}

#[tokio::test]
async fn a_stale_version_or_a_decided_order_is_409_and_a_rejection_needs_a_reason() {
    let s = Shop::open(None).await;
    let order = submitted(&s).await;
    let path = format!("/admin/orders/{}", id(&order));
    s.admin
        .post(&format!("{path}/confirm"), &json!({"version": 7}))
        .await
        .problem(409);
    let r = s
        .admin
        .post(&format!("{path}/reject"), &json!({"reason": " "}))
        .await;
    assert_eq!(r.problem(400)["errors"][0]["field"], "reason");
    let r = s
        .admin
        .post(
            &format!("{path}/reject"),
            &json!({"reason": "Out of stock until May"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["reject_reason"], "Out of stock until May");
    s.admin
        .post(&format!("{path}/confirm"), &json!({}))
        .await
        .problem(409);
    s.buyer
        .post(&format!("/orders/{}/cancel", id(&order)), &json!({}))
        .await
        .problem(409);
    s.admin
        .post(
            "/admin/orders/ord_0000000000007000800000000000beef/confirm",
            &json!({}),
        )
        .await
        .problem(404);
    s.buyer
        .post(&format!("{path}/confirm"), &json!({}))
        .await
        .problem(403);
}

#[tokio::test]
async fn a_customer_cancels_its_requested_order_and_no_one_else_can() {
    let s = Shop::open(None).await;
    let other = Shop::open(None).await;
    let order = submitted(&s).await;
    other
        .buyer
        .post(&format!("/orders/{}/cancel", id(&order)), &json!({}))
        .await
        .problem(404);
    let r = s
        .buyer
        .post(&format!("/orders/{}/cancel", id(&order)), &json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "cancelled");
    s.buyer
        .post(&format!("/orders/{}/cancel", id(&order)), &json!({}))
        .await
        .problem(409);
    s.admin
        .post(&format!("/admin/orders/{}/confirm", id(&order)), &json!({}))
        .await
        .problem(409);
}

#[tokio::test]
async fn an_order_from_the_cart_carries_the_carts_notes() {
    let s = Shop::open(None).await;
    let cart = json!({"lines": [{"sku": s.sugar, "quantity": 1}], "notes": "Ring twice"});
    assert_eq!(
        Api::send(s.buyer.request(reqwest::Method::PUT, "/cart").json(&cart))
            .await
            .status,
        200
    );
    let r = s
        .buyer
        .submit_keyed(
            &key(),
            &json!({"from_cart": true, "answers": standard_answers()}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["notes"], "Ring twice");
}

#[tokio::test]
async fn a_deleted_customers_orders_stay_readable_by_admins() {
    let s = Shop::open(None).await;
    let order = submitted(&s).await;
    let cid = s.customer["customer_id"].as_str().unwrap();
    assert_eq!(
        s.admin
            .delete(&format!("/admin/customers/{cid}"))
            .await
            .status,
        204
    );
    let r = s.admin.get(&format!("/admin/orders/{}", id(&order))).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        s.admin
            .get(&format!("/admin/orders?customer_id={cid}"))
            .await
            .body["items"][0]["order_id"],
        order["order_id"]
    );
    s.buyer
        .get(&format!("/orders/{}", id(&order)))
        .await
        .problem(403);
}
