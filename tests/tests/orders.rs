//! Order requests end to end: a login submits, the order is priced at its tier and numbered,
//! the seller is emailed, retries with the same key return the same order, bad orders change
//! nothing, and a customer only ever sees its own orders.

use orderdesk_tests::*;
use serde_json::{Value, json};

fn key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// An order of `lines` answering the standard questions.
fn order_of(lines: Value) -> Value {
    json!({"lines": lines, "answers": standard_answers()})
}

#[tokio::test]
async fn a_login_submits_an_order_priced_at_its_tier_and_the_seller_is_emailed() {
    let s = Shop::open(Some(10.0)).await;
    let body = json!({
        "lines": [{"sku": s.flour, "quantity": 2}, {"sku": s.sugar.to_lowercase(), "quantity": 3}],
        "notes": "Use the back door",
        "answers": standard_answers(),
    });
    let order = s.buyer.submit(&body).await.ok(201);
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
    assert_eq!(order["created_by"]["id"], s.login_id);
    assert_eq!(order["created_by"]["name"], "Buyer", "the person, by name");

    let number = order["order_number"].as_str().unwrap();
    let mine = mailbox::wait_for_subject(&stack().seller_notify_email, number).await;
    assert!(mine.subject.contains(s.customer["name"].as_str().unwrap()));

    let id = id(&order);
    let got = s.buyer.get(&format!("/orders/{id}")).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body, order);
    let listed = s.buyer.get("/orders?status=requested").await;
    assert_eq!(listed.body["items"][0]["order_id"], id);
}

#[tokio::test]
async fn prices_are_captured_at_submission() {
    let s = Shop::open(None).await;
    let order = submitted(&s).await;
    s.admin
        .update_product(&s.flour, &json!({"price": eur(9999)}))
        .await;
    let got = s.buyer.get(&format!("/orders/{}", id(&order))).await;
    assert_eq!(got.body["lines"][0]["unit_price"], eur(2500));
    assert_eq!(got.body["total"], eur(2500));
}

#[tokio::test]
async fn the_same_key_returns_the_same_order_and_another_body_under_it_is_409() {
    let s = Shop::open(None).await;
    let k = key();
    let body = order_of(json!([{"sku": s.flour, "quantity": 1}]));
    let first = s.buyer.submit_keyed(&k, &body).await.ok(201);
    let again = s.buyer.submit_keyed(&k, &body).await;
    assert_eq!(again.status, 200);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    assert_eq!(again.body, first);
    let other = order_of(json!([{"sku": s.flour, "quantity": 2}]));
    let other = s.buyer.submit_keyed(&k, &other).await;
    assert!(other.detail(409).contains("different request"));
    assert_eq!(s.buyer.count("/orders").await, 1);
}

#[tokio::test]
async fn twenty_concurrent_submissions_with_one_key_make_one_order() {
    let s = Shop::open(None).await;
    let k = key();
    let body = order_of(json!([{"sku": s.sugar, "quantity": 4}]));
    let replies = futures::future::join_all((0..20).map(|_| s.buyer.submit_keyed(&k, &body))).await;
    exactly_one(&replies, 201, 200);
    let ids: std::collections::BTreeSet<&str> = replies.iter().map(|r| id(&r.body)).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(s.buyer.count("/orders").await, 1);
}

#[tokio::test]
async fn an_order_from_the_cart_empties_it() {
    let s = Shop::open(None).await;
    let cart = json!({"lines": [{"sku": s.flour, "quantity": 3}]});
    assert_eq!(s.buyer.put("/cart", &cart).await.status, 200);
    let order = s.order_the_cart().await.ok(201);
    assert_eq!(order["lines"][0]["quantity"], 3);
    assert_eq!(s.buyer.get("/cart").await.body["lines"], json!([]));
    assert_eq!(s.order_the_cart().await.invalid()[0], "from_cart");
}

#[tokio::test]
async fn an_order_from_the_cart_carries_the_carts_notes() {
    let s = Shop::open(None).await;
    let cart = json!({"lines": [{"sku": s.sugar, "quantity": 1}], "notes": "Ring twice"});
    assert_eq!(s.buyer.put("/cart", &cart).await.status, 200);
    let order = s.order_the_cart().await.ok(201);
    assert_eq!(order["notes"], "Ring twice");
}

#[tokio::test]
async fn bad_orders_are_400_naming_the_field_and_write_nothing() {
    let s = Shop::open(None).await;
    let ok_lines = json!([{"sku": s.flour, "quantity": 1}]);
    let too_many: Vec<Value> = (0..201)
        .map(|i| json!({"sku": format!("S{i}"), "quantity": 1}))
        .collect();
    let cases = [
        (order_of(json!([])), "lines"),
        (
            order_of(json!([{"sku": s.flour, "quantity": 0}])),
            "lines[0].quantity",
        ),
        (
            order_of(json!([{"sku": s.flour, "quantity": 10001}])),
            "lines[0].quantity",
        ),
        (
            order_of(json!([{"sku": "NO-SUCH-THING", "quantity": 1}])),
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
        let r = s.buyer.submit(&body).await;
        assert!(
            r.invalid().contains(&field.to_owned()),
            "{field} in {}",
            r.body
        );
    }
    let r = s.buyer.submit(&order_of(json!(too_many))).await;
    assert!(r.error_fields().contains(&"lines".to_owned()));
    let r = s.buyer.post("/orders", &json!({"lines": ok_lines})).await;
    assert_eq!(r.invalid()[0], "Idempotency-Key");
    assert_eq!(s.buyer.get("/orders").await.body["items"], json!([]));
}

#[tokio::test]
async fn ordering_off_is_403_and_writes_nothing() {
    let s = Shop::open(None).await;
    s.admin
        .update_customer(&s.customer_id, &json!({"ordering_enabled": false}))
        .await;
    let r = s.order(&s.flour, 1).await;
    assert_eq!(r.problem(403)["type"], "/problems/ordering-disabled");
    assert_eq!(s.buyer.get("/orders").await.body["items"], json!([]));
}

#[tokio::test]
async fn a_disabled_login_cannot_order_or_read_orders_with_its_still_valid_token() {
    let s = Shop::open(None).await;
    assert_eq!(s.order(&s.flour, 1).await.status, 201);
    s.admin
        .update_login(&s.login_id, &json!({"enabled": false}))
        .await
        .ok(200);

    let r = s.order(&s.flour, 1).await;
    assert_eq!(r.problem(403)["type"], "/problems/login-disabled");
    for path in ["/orders", "/catalog", "/cart"] {
        s.buyer.get(path).await.problem(403);
    }
    let cid = &s.customer_id;
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
    let r = a.order(&a.flour, 1).await;
    let id = id(&r.body);
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
    s.order(&s.flour, 1).await.ok(201)
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
        .get(&format!("/admin/orders?customer_id={}", s.customer_id))
        .await
        .ok(200);
    assert_eq!(queue["items"][0]["order_id"], order["order_id"]);
    let requested = s
        .admin
        .get("/admin/orders?status=requested&limit=200")
        .await;
    assert!(pluck(&requested.body["items"], "order_id").contains(&id(&order)));

    let r = s
        .admin
        .post(
            &format!("/admin/orders/{}/confirm", id(&order)),
            &json!({"version": 1}),
        )
        .await
        .ok(200);
    assert_eq!(r["status"], "confirmed");
    assert!(r["decided_at"].is_string());
    let detail = s.admin.get(&format!("/admin/orders/{}", id(&order))).await;
    assert_eq!(history(&detail.body), ["submitted", "confirmed"]);
    assert_eq!(detail.body["history"][1]["by"]["kind"], "admin");

    let me = s.buyer.get("/me").await;
    let login_email = me.body["login"]["email"].as_str().unwrap().to_owned();
    let number = order["order_number"].as_str().unwrap();
    let told = mailbox::wait_for_subject(&login_email, &format!("{number} is confirmed")).await;
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
    let (confirm, reject) = (format!("{path}/confirm"), format!("{path}/reject"));
    s.admin
        .post(&confirm, &json!({"version": 7}))
        .await
        .problem(409);
    let r = s.admin.post(&reject, &json!({"reason": " "})).await;
    assert_eq!(r.invalid()[0], "reason");
    let reason = json!({"reason": "Out of stock until May"});
    let r = s.admin.post(&reject, &reason).await.ok(200);
    assert_eq!(r["reject_reason"], "Out of stock until May");
    s.admin.post(&confirm, &json!({})).await.problem(409);
    cancel(&s.buyer, &order).await.problem(409);
    s.admin
        .post(
            "/admin/orders/ord_0000000000007000800000000000beef/confirm",
            &json!({}),
        )
        .await
        .problem(404);
    s.buyer.post(&confirm, &json!({})).await.problem(403);
}

/// `POST /orders/{order_id}/cancel` as a login.
async fn cancel(buyer: &Api, order: &Value) -> Reply {
    buyer
        .post(&format!("/orders/{}/cancel", id(order)), &json!({}))
        .await
}

#[tokio::test]
async fn a_customer_cancels_its_requested_order_and_no_one_else_can() {
    let s = Shop::open(None).await;
    let other = Shop::open(None).await;
    let order = submitted(&s).await;
    cancel(&other.buyer, &order).await.problem(404);
    let r = cancel(&s.buyer, &order).await.ok(200);
    assert_eq!(r["status"], "cancelled");
    cancel(&s.buyer, &order).await.problem(409);
    s.admin
        .post(&format!("/admin/orders/{}/confirm", id(&order)), &json!({}))
        .await
        .problem(409);
}

#[tokio::test]
async fn a_deleted_customers_orders_stay_readable_by_admins() {
    let s = Shop::open(None).await;
    let order = submitted(&s).await;
    let cid = &s.customer_id;
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

#[tokio::test]
async fn concurrent_orders_of_one_account_each_get_their_own_number() {
    let s = Shop::open(None).await;
    let body = json!({"lines": [{"sku": s.flour, "quantity": 1}], "answers": standard_answers()});

    let replies = futures::future::join_all((0..12).map(|_| s.buyer.submit(&body))).await;

    let mut numbers: Vec<String> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.body);
            r.body["order_number"].as_str().unwrap().to_owned()
        })
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 12, "every order has its own number");
}

#[tokio::test]
async fn the_buyer_is_told_its_request_was_received_and_the_seller_that_it_was_cancelled() {
    let s = Shop::open(None).await;
    let order = submitted(&s).await;
    let number = order["order_number"].as_str().unwrap();
    let me = s.buyer.get("/me").await.ok(200);
    let buyer = me["login"]["email"].as_str().unwrap();

    let received = mailbox::wait_for_subject(buyer, number).await;
    assert!(
        received.subject.contains("received"),
        "{}",
        received.subject
    );
    assert!(
        received.body.contains("You have submitted order request"),
        "{}",
        received.body
    );
    assert!(
        received
            .body
            .contains(&format!("{} · EUR 25.00 each", s.flour)),
        "{}",
        received.body
    );
    assert!(
        received
            .body
            .contains("Your PO number: <strong>PO-42</strong>"),
        "{}",
        received.body
    );

    cancel(&s.buyer, &order).await.ok(200);
    let seller = &stack().seller_notify_email;
    let mut cancelled = None;
    for _ in 0..40 {
        cancelled = mailbox::to(seller)
            .await
            .into_iter()
            .find(|m| m.subject.contains(number) && m.subject.contains("cancelled"));
        if cancelled.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    let cancelled = cancelled.expect("the seller is told of the cancellation");
    assert!(
        cancelled.body.contains("Buyer of ")
            && cancelled.body.contains("has cancelled order request"),
        "which login did it: {}",
        cancelled.body
    );
}
