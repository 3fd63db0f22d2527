//! The seller's side of orders beyond deciding them, end to end: editing a requested order
//! with optimistic concurrency, placing an order into a customer's account (and telling the
//! customer in the admin's own words), acting as a login, and the audit log that records it.

use orderdesk_tests::*;
use serde_json::{Value, json};

/// A shop whose buyer has ordered two bags of flour, and that order.
async fn shop_with_a_requested_order() -> (Shop, Value) {
    let s = Shop::open(None).await;
    let order = s.order(&s.flour, 2).await.ok(201);
    (s, order)
}

/// The admin path of an order.
fn admin_path(order: &Value) -> String {
    format!("/admin/orders/{}", id_of(order, "order_id"))
}

/// A request made by `api` as the login `login`, for the reason a support call gives.
fn acting(api: &Api, method: reqwest::Method, path: &str, login: &str) -> reqwest::RequestBuilder {
    api.request(method, path)
        .header("X-Act-As", login)
        .header("X-Act-As-Reason", "Customer called: cannot find the sugar")
}

/// `GET /orders` by `api` acting as the login `login`.
async fn orders_acting_as(api: &Api, login: &str) -> Reply {
    Api::send(acting(api, reqwest::Method::GET, "/orders", login)).await
}

/// The admin places an order into the shop's account (`POST /admin/customers/{id}/orders`).
async fn place(s: &Shop, order: &Value) -> Reply {
    let path = format!("/admin/customers/{}/orders", s.customer_id);
    s.admin.post(&path, order).await
}

/// The audit log entries about the shop's account.
async fn audit_of(s: &Shop) -> Value {
    let path = format!("/admin/audit?customer_id={}", s.customer_id);
    s.admin.get(&path).await.ok(200)
}

#[tokio::test]
async fn an_admin_edits_a_requested_orders_lines_and_notes_and_the_history_says_so() {
    let (s, order) = shop_with_a_requested_order().await;
    let path = admin_path(&order);
    let edit = json!({
        "lines": [{"sku": s.flour, "quantity": 1}, {"sku": s.sugar, "quantity": 4}],
        "notes": "Two pallets max",
        "version": 1,
    });
    let r = s.admin.patch(&path, &edit).await.ok(200);
    assert_eq!(r["version"], 2);
    assert_eq!(r["total"], eur(2500 + 4 * 999));
    assert_eq!(r["notes"], "Two pallets max");
    assert_eq!(r["order_number"], order["order_number"]);
    let history = r["history"].as_array().unwrap();
    assert_eq!(history.last().unwrap()["event"], "edited");
    let said = format!(
        "Product {}: 2 → 1; Product {}: added (4); notes changed; total EUR 50.00 → EUR 64.96",
        s.flour, s.sugar
    );
    assert_eq!(history.last().unwrap()["note"], said);
    assert_eq!(history.last().unwrap()["by"]["kind"], "admin");

    let seen = s
        .buyer
        .get(&format!("/orders/{}", order["order_id"].as_str().unwrap()))
        .await;
    assert_eq!(seen.body["lines"].as_array().unwrap().len(), 2);
    assert_eq!(seen.body["version"], 2);
    assert_eq!(
        seen.body["history"].as_array().unwrap().last().unwrap()["note"],
        said
    );
}

#[tokio::test]
async fn an_edit_that_changes_nothing_is_not_in_the_history() {
    let (s, order) = shop_with_a_requested_order().await;
    let path = admin_path(&order);
    let same = json!({"lines": [{"sku": s.flour, "quantity": 2}], "version": 1});
    let r = s.admin.patch(&path, &same).await.ok(200);
    assert_eq!(r["version"], 1);
    assert_eq!(history(&r), ["submitted"]);
}

#[tokio::test]
async fn an_edit_with_a_stale_version_is_409_and_changes_nothing() {
    let (s, order) = shop_with_a_requested_order().await;
    let path = admin_path(&order);
    let first = json!({"notes": "first", "version": 1});
    s.admin.patch(&path, &first).await.ok(200);
    let stale = json!({"notes": "second", "version": 1});
    let detail = s.admin.patch(&path, &stale).await.detail(409).to_owned();
    assert!(detail.contains("version 2"), "{detail}");
    assert_eq!(s.admin.get(&path).await.body["notes"], "first");
}

#[tokio::test]
async fn only_a_requested_order_can_be_edited_and_bad_edits_name_the_field() {
    let (s, order) = shop_with_a_requested_order().await;
    let path = admin_path(&order);
    let cases = [
        (
            json!([{"sku": s.flour, "quantity": 0}]),
            "lines[0].quantity",
        ),
        (
            json!([{"sku": "NO-SUCH-SKU", "quantity": 1}]),
            "lines[0].sku",
        ),
    ];
    for (lines, field) in cases {
        let bad = json!({"lines": lines, "version": 1});
        assert_eq!(s.admin.patch(&path, &bad).await.invalid(), [field]);
    }
    s.admin
        .patch(&path, &json!({"version": 1}))
        .await
        .problem(400);
    assert_eq!(s.admin.get(&path).await.body["version"], 1);

    let confirm = format!("{path}/confirm");
    s.admin.post(&confirm, &json!({})).await.ok(200);
    let late = json!({"notes": "late", "version": 2});
    s.admin.patch(&path, &late).await.problem(409);
    let by_customer = json!({"notes": "x", "version": 2});
    s.buyer.patch(&path, &by_customer).await.problem(403);
}

#[tokio::test]
async fn an_admin_places_a_confirmed_order_into_an_account_and_the_customer_gets_the_admins_email()
{
    let s = Shop::open(None).await;
    let subject = format!("Your phone order {}", unique_word());
    let order = json!({
        "lines": [{"sku": s.sugar, "quantity": 10}],
        "status": "confirmed",
        "notes": "Taken by phone",
        "notify": {"subject": subject, "message": "Thanks for your call.\n\nDelivery on Monday."},
    });
    let r = place(&s, &order).await.ok(201);
    assert_eq!(r["status"], "confirmed");
    assert_eq!(r["total"], eur(9990));
    assert_eq!(r["created_by"]["kind"], "admin");
    assert!(r["decided_at"].is_string());
    assert_eq!(history(&r), ["created", "confirmed"]);

    let email = s.customer["email"].as_str().unwrap();
    let mail = mailbox::wait_for_subject(email, &subject).await;
    assert_eq!(mail.subject, subject);
    assert!(mail.body.contains("Delivery on Monday."), "{}", mail.body);
    assert!(mail.body.contains(r["order_number"].as_str().unwrap()));

    let id = id_of(&r, "order_id");
    let mine = s.buyer.get(&format!("/orders/{id}")).await;
    assert_eq!(mine.status, 200);
    assert_eq!(mine.body["status"], "confirmed");
}

#[tokio::test]
async fn an_order_placed_as_requested_joins_the_queue_without_an_email_unless_asked() {
    let s = Shop::open(None).await;
    let quiet = json!({"lines": [{"sku": s.flour, "quantity": 1}], "status": "requested"});
    let r = place(&s, &quiet).await.ok(201);
    let queue = s
        .admin
        .get(&format!(
            "/admin/orders?status=requested&customer_id={}",
            s.customer_id
        ))
        .await;
    assert_eq!(queue.body["items"][0]["order_id"], r["order_id"]);
    let email = s.customer["email"].as_str().unwrap();
    let subject = format!("Second order {}", unique_word());
    let told = json!({
        "lines": [{"sku": s.flour, "quantity": 2}],
        "status": "requested",
        "notify": {"subject": subject, "message": "One more."},
    });
    place(&s, &told).await.ok(201);
    mailbox::wait_for_subject(email, &subject).await;
    let all = mailbox::to(email).await;
    assert_eq!(
        all.len(),
        1,
        "only the order with notify emails the customer"
    );
}

#[tokio::test]
async fn placing_an_order_checks_status_lines_notify_and_the_customer() {
    let s = Shop::open(None).await;
    let bad = json!({
        "lines": [{"sku": s.flour, "quantity": 20000}],
        "status": "cancelled",
        "notify": {"subject": "", "message": "hi"},
    });
    assert_eq!(
        place(&s, &bad).await.invalid_sorted(),
        ["lines[0].quantity", "notify.subject", "status"]
    );
    let orders = s
        .admin
        .get(&format!("/admin/orders?customer_id={}", s.customer_id))
        .await;
    assert_eq!(orders.body["items"], json!([]));

    let good = json!({"lines": [{"sku": s.flour, "quantity": 1}], "status": "requested"});
    s.admin
        .post(
            "/admin/customers/cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a00/orders",
            &good,
        )
        .await
        .problem(404);
    let path = format!("/admin/customers/{}/orders", s.customer_id);
    s.buyer.post(&path, &good).await.problem(403);
}

#[tokio::test]
async fn an_admin_acting_as_a_login_orders_for_it_and_every_request_is_audited() {
    let s = Shop::open(None).await;
    let admin_sub = id_of(&s.admin.token_claims(), "sub");
    let catalog = Api::send(acting(
        &s.admin,
        reqwest::Method::GET,
        &format!("/catalog?q={}", s.sugar),
        &s.login_id,
    ))
    .await
    .ok(200);
    assert_eq!(catalog["items"][0]["sku"], s.sugar);

    let r = Api::send(
        acting(&s.admin, reqwest::Method::POST, "/orders", &s.login_id)
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .json(
                &json!({"lines": [{"sku": s.sugar, "quantity": 1}], "answers": standard_answers()}),
            ),
    )
    .await
    .ok(201);
    assert_eq!(
        r["created_by"],
        json!({"kind": "admin", "id": "seller", "name": seller_name(), "acting_as": s.login_id}),
        "as the login would see it"
    );
    assert_eq!(r["customer_id"], s.customer_id);
    let kept = s.admin.get(&admin_path(&r)).await.ok(200);
    assert_eq!(
        kept["created_by"],
        json!({"kind": "admin", "id": admin_sub, "acting_as": s.login_id})
    );

    let log = audit_of(&s).await;
    let acted: Vec<&Value> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "login.acted_as")
        .collect();
    assert_eq!(acted.len(), 2, "{log}");
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

/// The seller's name as the functions read it (`SELLER_NAME`, else the default).
fn seller_name() -> String {
    orderdesk::config::Settings::from_env().seller().name
}

#[tokio::test]
async fn the_customer_sees_the_seller_by_name_on_what_admins_did_and_never_an_admins_sub() {
    let s = Shop::open(None).await;
    let admin_sub = id_of(&s.admin.token_claims(), "sub");
    let placed = place(
        &s,
        &json!({"status": "requested", "lines": [{"sku": s.flour, "quantity": 1}]}),
    )
    .await
    .ok(201);
    let path = admin_path(&placed);
    let edit = json!({"notes": "Two pallets max", "version": 1});
    s.admin.patch(&path, &edit).await.ok(200);
    s.admin
        .post(&format!("{path}/confirm"), &json!({}))
        .await
        .ok(200);
    let acted = Api::send(
        acting(&s.admin, reqwest::Method::POST, "/orders", &s.login_id)
            .header("Idempotency-Key", uuid::Uuid::new_v4().to_string())
            .json(&json!({"lines": [{"sku": s.sugar, "quantity": 1}],
                          "answers": standard_answers()})),
    )
    .await
    .ok(201);

    let seller = json!({"kind": "admin", "id": "seller", "name": seller_name()});
    let mine = s
        .buyer
        .get(&format!("/orders/{}", id_of(&placed, "order_id")))
        .await;
    let mine = mine.ok(200);
    assert_eq!(mine["created_by"], seller);
    assert_eq!(history(&mine), ["created", "edited", "confirmed"]);
    for event in mine["history"].as_array().unwrap() {
        assert_eq!(event["by"], seller, "{event}");
    }
    let theirs = s
        .buyer
        .get(&format!("/orders/{}", id_of(&acted, "order_id")))
        .await;
    assert_eq!(theirs.ok(200)["created_by"]["acting_as"], s.login_id);
    let listed = s.buyer.get("/orders").await.ok(200);
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    for shown in [&mine, &listed, &acted] {
        assert!(!shown.to_string().contains(&admin_sub), "{shown}");
    }

    let kept = s.admin.get(&path).await.ok(200);
    assert_eq!(
        kept["created_by"],
        json!({"kind": "admin", "id": admin_sub})
    );
    assert!(
        kept["history"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["by"]["id"] == admin_sub)
    );
}

#[tokio::test]
async fn acting_as_needs_a_reason_an_admin_and_an_enabled_activated_login() {
    let s = Shop::open(None).await;
    let admin_sub = id_of(&s.admin.token_claims(), "sub");
    let no_reason = Api::send(
        s.admin
            .request(reqwest::Method::GET, "/orders")
            .header("X-Act-As", &s.login_id),
    )
    .await;
    assert_eq!(no_reason.invalid(), ["X-Act-As-Reason"]);
    s.admin.get("/orders").await.problem(403);
    orders_acting_as(&s.buyer, &s.login_id).await.problem(403);
    let invited = s
        .admin
        .invite(&s.customer_id, "Not yet", &unique_email("invitee"))
        .await;
    let invited = id_of(&invited, "login_id");
    s.admin
        .update_login(&s.login_id, &json!({"enabled": false}))
        .await
        .ok(200);
    let before = audit_of(&s).await["items"].as_array().unwrap().len();
    let unknown = "lgn_0196b7a0c1d27e3f8a9b0c1d2e3f4a00";

    orders_acting_as(&s.admin, unknown).await.problem(404);
    let refused = orders_acting_as(&s.admin, &invited).await;
    assert_eq!(refused.problem(403)["type"], "/problems/cannot-act-as");
    orders_acting_as(&s.admin, &s.login_id).await.problem(403);

    let log = audit_of(&s).await;
    let items = log["items"].as_array().unwrap();
    assert_eq!(
        items.len(),
        before + 2,
        "the two refusals, nothing else: {log}"
    );
    for (entry, login) in items[..2].iter().zip([&s.login_id, &invited]) {
        assert_eq!(entry["action"], "login.act_as_refused", "{entry}");
        assert_eq!(entry["actor"]["id"], admin_sub);
        assert_eq!(entry["details"]["login_id"], *login);
        assert_eq!(entry["details"]["route"], "GET /orders");
        let why = entry["details"]["refused"].as_str().unwrap();
        assert!(
            why.contains("an admin can act only as an enabled login"),
            "{why}"
        );
        assert_eq!(
            entry["details"]["reason"],
            "Customer called: cannot find the sugar"
        );
    }
    assert!(items.iter().all(|e| e["action"] != "login.acted_as"));
    let by_admin = s
        .admin
        .get(&format!("/admin/audit?actor={admin_sub}&limit=200"))
        .await
        .ok(200);
    let unknown_refused = by_admin["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["details"]["login_id"] == unknown)
        .unwrap_or_else(|| panic!("the unknown login's refusal: {by_admin}"));
    assert_eq!(unknown_refused["action"], "login.act_as_refused");
    assert_eq!(unknown_refused["customer_id"], Value::Null);
    assert_eq!(
        unknown_refused["details"]["refused"],
        "there is no such login"
    );
}

#[tokio::test]
async fn the_audit_log_refuses_bad_filters() {
    let admin = Api::admin().await;
    let r = admin.get("/admin/audit?customer_id=nope&actor=a%20b").await;
    assert_eq!(r.invalid_sorted(), ["actor", "customer_id"]);
    let (_, buyer) = admin.customer_with_login(None).await;
    buyer.get("/admin/audit").await.problem(403);
}

#[tokio::test]
async fn the_order_emails_list_the_lines_the_answers_and_the_sellers_edit() {
    let (s, order) = shop_with_a_requested_order().await;
    let number = order["order_number"].as_str().unwrap();
    let request = mailbox::wait_for_subject(&stack().seller_notify_email, number).await;
    for part in [
        ">2 ×</td>".to_owned(),
        ">Product {0}<br>".to_owned(),
        "{0} · EUR 25.00 each".to_owned(),
        "EUR 50.00</th>".to_owned(),
        "Your PO number: <strong>PO-42</strong>".to_owned(),
        "Delivery slot: <strong>Morning</strong>".to_owned(),
    ] {
        let part = part.replace("{0}", &s.flour);
        assert!(request.body.contains(&part), "{part}\n{}", request.body);
    }

    let path = admin_path(&order);
    let edit = json!({
        "lines": [{"sku": s.flour, "quantity": 1}, {"sku": s.sugar, "quantity": 4}],
        "version": 1,
    });
    s.admin.patch(&path, &edit).await.ok(200);
    let me = s.buyer.get("/me").await.ok(200);
    let buyer = me["login"]["email"].as_str().unwrap().to_owned();
    let changed = mailbox::wait_for_subject(&buyer, &format!("order {number} was changed")).await;
    for part in [
        "<p>Hello Buyer,</p>".to_owned(),
        format!("<li>Product {}: 2 → 1</li>", s.flour),
        format!("<li>Product {}: added (4)</li>", s.sugar),
        "<li>total EUR 50.00 → EUR 64.96</li>".to_owned(),
    ] {
        assert!(changed.body.contains(&part), "{part}\n{}", changed.body);
    }

    let confirm = json!({"version": 2});
    s.admin
        .post(&format!("{path}/confirm"), &confirm)
        .await
        .ok(200);
    let told = mailbox::wait_for_subject(&buyer, &format!("order {number} is confirmed")).await;
    assert!(told.subject.contains("confirmed"), "{}", told.subject);
    for part in [
        ">1 ×</td>".to_owned(),
        format!("{} · EUR 25.00 each", s.flour),
        ">4 ×</td>".to_owned(),
        format!("{} · EUR 9.99 each", s.sugar),
        "EUR 39.96</td>".to_owned(),
        "EUR 64.96</th>".to_owned(),
        "Your PO number: <strong>PO-42</strong>".to_owned(),
        "since it was sent:</p>".to_owned(),
        format!(
            "<li>Product {}: 2 → 1; Product {}: added (4); total EUR 50.00 → EUR 64.96</li>",
            s.flour, s.sugar
        ),
    ] {
        assert!(told.body.contains(&part), "{part}\n{}", told.body);
    }
}
