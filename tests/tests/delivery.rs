//! Where and when an order goes, end to end: `ship_to_address_id` copies an address of the
//! account's book onto the order as `ship_to`, `requested_delivery_date` must not be in the
//! seller's past, both show on the order for the buyer and the admin and in the emails, and
//! another account's address is a 400 naming the field.

use orderdesk_tests::*;
use serde_json::{Value, json};

const FAR: &str = "2999-12-31";

async fn save(login: &Api, label: &str) -> Value {
    let place = json!({"label": label, "recipient": "Goods in", "line1": "12 Rue des Fleurs",
                       "city": "Lyon", "postal_code": "69001", "country": "FR"});
    login.post("/addresses", &place).await.ok(201)
}

fn order_to(s: &Shop, address: &Value, date: &str) -> Value {
    json!({"lines": [{"sku": s.flour, "quantity": 1}], "answers": standard_answers(),
           "ship_to_address_id": address["address_id"], "requested_delivery_date": date})
}

#[tokio::test]
async fn an_order_to_a_saved_address_keeps_its_copy_and_both_emails_show_where_and_when() {
    let s = Shop::open(None).await;
    let depot = save(&s.buyer, "Main depot").await;

    let order = s.buyer.submit(&order_to(&s, &depot, FAR)).await.ok(201);
    assert_eq!(order["ship_to"]["label"], "Main depot");
    assert_eq!(order["ship_to"]["country"], "FR");
    assert!(
        order["ship_to"].get("address_id").is_none(),
        "a copy: {order}"
    );
    assert_eq!(order["requested_delivery_date"], FAR);

    let path = format!("/addresses/{}", id_of(&depot, "address_id"));
    s.buyer
        .patch(&path, &json!({"city": "Paris"}))
        .await
        .ok(200);
    let id = id_of(&order, "order_id");
    let seen = s.buyer.get(&format!("/orders/{id}")).await.ok(200);
    assert_eq!(
        seen["ship_to"]["city"], "Lyon",
        "the book's edit leaves the order alone"
    );
    let admin_seen = s.admin.get(&format!("/admin/orders/{id}")).await.ok(200);
    assert_eq!(admin_seen["ship_to"], order["ship_to"]);
    assert_eq!(admin_seen["requested_delivery_date"], FAR);

    let number = order["order_number"].as_str().unwrap();
    let seller = mailbox::wait_for_subject(&stack().seller_notify_email, number).await;
    assert!(seller.body.contains("Ship to:"), "{}", seller.body);
    assert!(seller.body.contains("69001 Lyon"), "{}", seller.body);
    assert!(
        seller.body.contains("Requested delivery date"),
        "{}",
        seller.body
    );
    assert!(seller.body.contains(FAR), "{}", seller.body);
    let me = s.buyer.get("/me").await.ok(200);
    let own = me["login"]["email"].as_str().unwrap();
    let ack = mailbox::wait_for_subject(own, number).await;
    assert!(ack.body.contains("Main depot"), "{}", ack.body);
    assert!(ack.body.contains(FAR), "{}", ack.body);
}

#[tokio::test]
async fn another_accounts_address_a_past_date_or_a_bad_date_is_a_400_naming_it() {
    let s = Shop::open(None).await;
    let other = Shop::open(None).await;
    let theirs = save(&other.buyer, "Theirs").await;
    let mine = save(&s.buyer, "Mine").await;

    let reply = s.buyer.submit(&order_to(&s, &theirs, FAR)).await;
    assert_eq!(reply.invalid(), ["ship_to_address_id"]);
    let mut unknown = order_to(&s, &mine, FAR);
    unknown["ship_to_address_id"] = json!("adr_0196b7a0c1d27e3f8a9b0c1d2e3f4aff");
    assert_eq!(
        s.buyer.submit(&unknown).await.invalid(),
        ["ship_to_address_id"]
    );
    for date in ["2000-01-01", "2026-02-30", "31/12/2999", "tomorrow"] {
        let reply = s.buyer.submit(&order_to(&s, &mine, date)).await;
        assert_eq!(reply.invalid(), ["requested_delivery_date"], "{date}");
    }
    assert_eq!(
        s.admin
            .count(&format!("/admin/orders?customer_id={}", s.customer_id))
            .await,
        0
    );
}

#[tokio::test]
async fn an_order_from_the_cart_takes_an_address_and_a_date_and_its_replay_compares_them() {
    let s = Shop::open(None).await;
    let depot = save(&s.buyer, "Depot").await;
    let cart = json!({"lines": [{"sku": s.sugar, "quantity": 3}]});
    s.buyer.put("/cart", &cart).await.ok(200);
    let body = json!({"from_cart": true, "answers": standard_answers(),
                      "ship_to_address_id": depot["address_id"], "requested_delivery_date": FAR});
    let key = uuid::Uuid::new_v4().to_string();

    let order = s.buyer.submit_keyed(&key, &body).await.ok(201);
    let again = s.buyer.submit_keyed(&key, &body).await;

    assert_eq!(order["lines"][0]["quantity"], 3);
    assert_eq!(order["ship_to"]["label"], "Depot");
    assert_eq!(again.status, 200);
    assert_eq!(again.body["order_id"], order["order_id"]);
    let mut other = body.clone();
    other["requested_delivery_date"] = json!("2999-12-30");
    s.buyer.submit_keyed(&key, &other).await.problem(409);
}

#[tokio::test]
async fn an_admins_order_into_an_account_ships_to_one_of_its_addresses_only() {
    let s = Shop::open(None).await;
    let other = Shop::open(None).await;
    let depot = save(&s.buyer, "Depot").await;
    let theirs = save(&other.buyer, "Theirs").await;
    let path = format!("/admin/customers/{}/orders", s.customer_id);
    let mut body = json!({"status": "requested", "lines": [{"sku": s.flour, "quantity": 1}],
                          "ship_to_address_id": depot["address_id"],
                          "requested_delivery_date": FAR});

    let order = s.admin.post(&path, &body).await.ok(201);
    body["ship_to_address_id"] = theirs["address_id"].clone();
    let refused = s.admin.post(&path, &body).await;

    assert_eq!(order["ship_to"]["label"], "Depot");
    assert_eq!(order["requested_delivery_date"], FAR);
    assert_eq!(refused.invalid(), ["ship_to_address_id"]);
    let seen = s
        .buyer
        .get(&format!("/orders/{}", id_of(&order, "order_id")))
        .await
        .ok(200);
    assert_eq!(seen["ship_to"], order["ship_to"]);
}
