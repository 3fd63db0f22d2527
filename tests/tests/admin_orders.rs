//! The seller's side of orders beyond deciding them, end to end: editing a requested order
//! with optimistic concurrency, placing an order into a customer's account (and telling the
//! customer in the admin's own words), acting as a login, and the audit log that records it.

use orderdesk_tests::*;
use serde_json::{Value, json};

async fn requested_order(s: &Shop) -> Value {
    let r = s
        .buyer
        .submit(&json!({"lines": [{"sku": s.flour, "quantity": 2}], "answers": standard_answers()}))
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

fn acting(api: &Api, method: reqwest::Method, path: &str, login: &str) -> reqwest::RequestBuilder {
    api.request(method, path)
        .header("X-Act-As", login)
        .header("X-Act-As-Reason", "Customer called: cannot find the sugar")
}

#[tokio::test]
async fn an_admin_edits_a_requested_orders_lines_and_notes_and_the_history_says_so() {
    let s = Shop::open(None).await;
    let order = requested_order(&s).await;
    let id = order["order_id"].as_str().unwrap();
    let r = s
        .admin
        .patch(
            &format!("/admin/orders/{id}"),
            &json!({
                "lines": [{"sku": s.flour, "quantity": 1}, {"sku": s.sugar, "quantity": 4}],
                "notes": "Two pallets max",
                "version": 1,
            }),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["version"], 2);
    assert_eq!(r.body["total"], eur(2500 + 4 * 999));
    assert_eq!(r.body["notes"], "Two pallets max");
    assert_eq!(r.body["order_number"], order["order_number"]);
    let history = r.body["history"].as_array().unwrap();
    assert_eq!(history.last().unwrap()["event"], "edited");
    assert_eq!(history.last().unwrap()["note"], "lines, notes");
    assert_eq!(history.last().unwrap()["by"]["kind"], "admin");

    let seen = s.buyer.get(&format!("/orders/{id}")).await;
    assert_eq!(seen.body["lines"].as_array().unwrap().len(), 2);
    assert_eq!(seen.body["version"], 2);
}

#[tokio::test]
async fn an_edit_with_a_stale_version_is_409_and_changes_nothing() {
    let s = Shop::open(None).await;
    let order = requested_order(&s).await;
    let id = order["order_id"].as_str().unwrap();
    let path = format!("/admin/orders/{id}");
    let first = s
        .admin
        .patch(&path, &json!({"notes": "first", "version": 1}))
        .await;
    assert_eq!(first.status, 200, "{}", first.body);
    let stale = s
        .admin
        .patch(&path, &json!({"notes": "second", "version": 1}))
        .await;
    let p = stale.problem(409);
    assert!(p["detail"].as_str().unwrap().contains("version 2"), "{p}");
    assert_eq!(s.admin.get(&path).await.body["notes"], "first");
}

#[tokio::test]
async fn only_a_requested_order_can_be_edited_and_bad_edits_name_the_field() {
    let s = Shop::open(None).await;
    let order = requested_order(&s).await;
    let id = order["order_id"].as_str().unwrap();
    let path = format!("/admin/orders/{id}");
    let bad = s
        .admin
        .patch(
            &path,
            &json!({"lines": [{"sku": s.flour, "quantity": 0}], "version": 1}),
        )
        .await;
    bad.problem(400);
    assert_eq!(bad.error_fields(), ["lines[0].quantity"]);
    let unknown = s
        .admin
        .patch(
            &path,
            &json!({"lines": [{"sku": "NO-SUCH-SKU", "quantity": 1}], "version": 1}),
        )
        .await;
    unknown.problem(400);
    assert_eq!(unknown.error_fields(), ["lines[0].sku"]);
    let nothing = s.admin.patch(&path, &json!({"version": 1})).await;
    nothing.problem(400);
    assert_eq!(s.admin.get(&path).await.body["version"], 1);

    let confirmed = s
        .admin
        .post(&format!("/admin/orders/{id}/confirm"), &json!({}))
        .await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.body);
    let late = s
        .admin
        .patch(&path, &json!({"notes": "late", "version": 2}))
        .await;
    late.problem(409);
    let customer = s
        .buyer
        .patch(&path, &json!({"notes": "x", "version": 2}))
        .await;
    customer.problem(403);
}

#[tokio::test]
async fn an_admin_places_a_confirmed_order_into_an_account_and_the_customer_gets_the_admins_email()
{
    let s = Shop::open(None).await;
    let customer = s
        .admin
        .get(&format!("/admin/customers/{}", s.customer_id))
        .await
        .body;
    let subject = format!("Your phone order {}", unique_word());
    let r = s
        .admin
        .post(
            &format!("/admin/customers/{}/orders", s.customer_id),
            &json!({
                "lines": [{"sku": s.sugar, "quantity": 10}],
                "status": "confirmed",
                "notes": "Taken by phone",
                "notify": {"subject": subject, "message": "Thanks for your call.\n\nDelivery on Monday."},
            }),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["status"], "confirmed");
    assert_eq!(r.body["total"], eur(9990));
    assert_eq!(r.body["created_by"]["kind"], "admin");
    assert!(r.body["decided_at"].is_string());
    let events: Vec<&str> = r.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["created", "confirmed"]);

    let mail = mailbox::wait_for_subject(customer["email"].as_str().unwrap(), &subject).await;
    assert_eq!(mail.subject, subject);
    assert!(mail.body.contains("Delivery on Monday."), "{}", mail.body);
    assert!(mail.body.contains(r.body["order_number"].as_str().unwrap()));

    let id = r.body["order_id"].as_str().unwrap();
    let mine = s.buyer.get(&format!("/orders/{id}")).await;
    assert_eq!(mine.status, 200);
    assert_eq!(mine.body["status"], "confirmed");
}

#[tokio::test]
async fn an_order_placed_as_requested_joins_the_queue_without_an_email_unless_asked() {
    let s = Shop::open(None).await;
    let r = s
        .admin
        .post(
            &format!("/admin/customers/{}/orders", s.customer_id),
            &json!({"lines": [{"sku": s.flour, "quantity": 1}], "status": "requested"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let queue = s
        .admin
        .get(&format!(
            "/admin/orders?status=requested&customer_id={}",
            s.customer_id
        ))
        .await;
    assert_eq!(queue.body["items"][0]["order_id"], r.body["order_id"]);
    let email = s
        .admin
        .get(&format!("/admin/customers/{}", s.customer_id))
        .await
        .body["email"]
        .as_str()
        .unwrap()
        .to_owned();
    let subject = format!("Second order {}", unique_word());
    let told = s
        .admin
        .post(
            &format!("/admin/customers/{}/orders", s.customer_id),
            &json!({
                "lines": [{"sku": s.flour, "quantity": 2}],
                "status": "requested",
                "notify": {"subject": subject, "message": "One more."},
            }),
        )
        .await;
    assert_eq!(told.status, 201, "{}", told.body);
    mailbox::wait_for_subject(&email, &subject).await;
    let all = mailbox::to(&email).await;
    assert_eq!(
        all.len(),
        1,
        "only the order with notify emails the customer"
    );
}

#[tokio::test]
async fn placing_an_order_checks_status_lines_notify_and_the_customer() {
    let s = Shop::open(None).await;
    let path = format!("/admin/customers/{}/orders", s.customer_id);
    let r = s
        .admin
        .post(
            &path,
            &json!({
                "lines": [{"sku": s.flour, "quantity": 20000}],
                "status": "cancelled",
                "notify": {"subject": "", "message": "hi"},
            }),
        )
        .await;
    r.problem(400);
    let mut fields = r.error_fields();
    fields.sort();
    assert_eq!(fields, ["lines[0].quantity", "notify.subject", "status"]);
    let orders = s
        .admin
        .get(&format!("/admin/orders?customer_id={}", s.customer_id))
        .await;
    assert_eq!(orders.body["items"], json!([]));

    let missing = s
        .admin
        .post(
            "/admin/customers/cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a00/orders",
            &json!({"lines": [{"sku": s.flour, "quantity": 1}], "status": "requested"}),
        )
        .await;
    missing.problem(404);
    let by_customer = s
        .buyer
        .post(
            &path,
            &json!({"lines": [{"sku": s.flour, "quantity": 1}], "status": "requested"}),
        )
        .await;
    by_customer.problem(403);
}

#[tokio::test]
async fn an_admin_acting_as_a_login_orders_for_it_and_every_request_is_audited() {
    let s = Shop::open(None).await;
    let admin_sub = s.admin.token_claims()["sub"].as_str().unwrap().to_owned();
    let catalog = Api::send(acting(
        &s.admin,
        reqwest::Method::GET,
        &format!("/catalog?q={}", s.sugar),
        &s.login_id,
    ))
    .await;
    assert_eq!(catalog.status, 200, "{}", catalog.body);
    assert_eq!(catalog.body["items"][0]["sku"], s.sugar);

    let r = Api::send(
        acting(&s.admin, reqwest::Method::POST, "/orders", &s.login_id)
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .json(
                &json!({"lines": [{"sku": s.sugar, "quantity": 1}], "answers": standard_answers()}),
            ),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        r.body["created_by"],
        json!({"kind": "admin", "id": admin_sub, "acting_as": s.login_id})
    );
    assert_eq!(r.body["customer_id"], s.customer_id);

    let log = s
        .admin
        .get(&format!("/admin/audit?customer_id={}", s.customer_id))
        .await;
    assert_eq!(log.status, 200, "{}", log.body);
    let acted: Vec<&Value> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "login.acted_as")
        .collect();
    assert_eq!(acted.len(), 2, "{}", log.body);
    assert_eq!(acted[0]["details"]["route"], "POST /orders");
    assert_eq!(acted[1]["details"]["route"], "GET /catalog");
    for e in &acted {
        assert_eq!(e["actor"]["id"], admin_sub);
        assert_eq!(e["acting_as"], s.login_id);
        assert_eq!(
            e["details"]["reason"],
            "Customer called: cannot find the sugar"
        );
    }

    let by_actor = s
        .admin
        .get(&format!("/admin/audit?actor={admin_sub}&limit=200"))
        .await;
    assert!(
        by_actor.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["acting_as"] == s.login_id)
    );
    let everything = s.admin.get("/admin/audit?limit=5").await;
    assert_eq!(everything.status, 200);
    assert!(everything.body["items"].as_array().unwrap().len() <= 5);
}

#[tokio::test]
async fn acting_as_needs_a_reason_an_admin_and_an_enabled_activated_login() {
    let s = Shop::open(None).await;
    let no_reason = Api::send(
        s.admin
            .request(reqwest::Method::GET, "/orders")
            .header("X-Act-As", &s.login_id),
    )
    .await;
    no_reason.problem(400);
    assert_eq!(no_reason.error_fields(), ["X-Act-As-Reason"]);

    let without_header = s.admin.get("/orders").await;
    without_header.problem(403);

    let customer_acting = Api::send(acting(
        &s.buyer,
        reqwest::Method::GET,
        "/orders",
        &s.login_id,
    ))
    .await;
    customer_acting.problem(403);

    let unknown = Api::send(acting(
        &s.admin,
        reqwest::Method::GET,
        "/orders",
        "lgn_0196b7a0c1d27e3f8a9b0c1d2e3f4a00",
    ))
    .await;
    unknown.problem(404);

    let invited = s
        .admin
        .post(
            &format!("/admin/customers/{}/logins", s.customer_id),
            &json!({"name": "Not yet", "email": unique_email("invitee")}),
        )
        .await;
    assert_eq!(invited.status, 201, "{}", invited.body);
    let invited_id = invited.body["login_id"].as_str().unwrap();
    let refused = Api::send(acting(
        &s.admin,
        reqwest::Method::GET,
        "/orders",
        invited_id,
    ))
    .await;
    assert_eq!(refused.problem(403)["type"], "/problems/cannot-act-as");

    let disabled = s
        .admin
        .patch(
            &format!("/admin/logins/{}", s.login_id),
            &json!({"enabled": false}),
        )
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.body);
    let refused = Api::send(acting(
        &s.admin,
        reqwest::Method::GET,
        "/orders",
        &s.login_id,
    ))
    .await;
    refused.problem(403);

    let log = s
        .admin
        .get(&format!("/admin/audit?customer_id={}", s.customer_id))
        .await;
    assert!(
        !log.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "login.acted_as"),
        "a refused act-as is not a use: {}",
        log.body
    );
}

#[tokio::test]
async fn the_audit_log_refuses_bad_filters() {
    let admin = Api::admin().await;
    let r = admin.get("/admin/audit?customer_id=nope&actor=a%20b").await;
    r.problem(400);
    let mut fields = r.error_fields();
    fields.sort();
    assert_eq!(fields, ["actor", "customer_id"]);
    let (_, buyer) = admin.customer_with_login(None).await;
    buyer.get("/admin/audit").await.problem(403);
}
