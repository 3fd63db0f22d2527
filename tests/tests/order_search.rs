//! Finding orders by number or by a purchase order number, over the gateway: a buyer within
//! its own account, the seller across every account, in one `Query` each.

use orderdesk_tests::*;
use serde_json::{Value, json};

/// The buyer of `shop` orders one bag of flour under the purchase order number `po`.
async fn order_with_po(shop: &Shop, buyer: &Api, po: &str) -> Value {
    let body = json!({
        "lines": [{"sku": shop.flour, "quantity": 1}],
        "answers": {"po_number": po, "slot": "Morning"},
    });
    buyer.submit(&body).await.ok(201)
}

fn numbers(listing: &Value) -> Vec<&str> {
    pluck(&listing["items"], "order_number")
}

#[tokio::test]
async fn a_buyer_finds_its_orders_by_number_or_po_number_and_never_another_accounts() {
    let shop = Shop::open(None).await;
    let po = format!("PO-{}", unique_word().to_uppercase());
    let first = order_with_po(&shop, &shop.buyer, &format!("{po}-1")).await;
    let second = order_with_po(&shop, &shop.buyer, &format!("{po}-2")).await;
    let other = Shop::open(None).await;
    let theirs = order_with_po(&other, &other.buyer, &format!("{po}-1")).await;

    let found = shop
        .buyer
        .get(&format!("/orders?q={}", po.to_lowercase()))
        .await
        .ok(200);
    assert_eq!(
        numbers(&found),
        [&second["order_number"], &first["order_number"]].map(|n| n.as_str().unwrap()),
        "newest first, this account's only"
    );
    let one = shop.buyer.get(&format!("/orders?q={po}-1")).await.ok(200);
    assert_eq!(numbers(&one), [first["order_number"].as_str().unwrap()]);
    let number = first["order_number"].as_str().unwrap();
    let by_number = shop.buyer.get(&format!("/orders?q={number}")).await.ok(200);
    assert_eq!(numbers(&by_number)[0], number);
    assert_eq!(by_number["items"][0]["lines"][0]["sku"], shop.flour);

    let paged = shop
        .buyer
        .get(&format!("/orders?q={po}&limit=1"))
        .await
        .ok(200);
    let cursor = paged["next_cursor"].as_str().expect("a second page");
    let rest = shop
        .buyer
        .get(&format!("/orders?q={po}&limit=1&cursor={cursor}"))
        .await
        .ok(200);
    assert_eq!(numbers(&rest), [first["order_number"].as_str().unwrap()]);

    let their_number = theirs["order_number"].as_str().unwrap();
    let by_their_number = shop
        .buyer
        .get(&format!("/orders?q={their_number}"))
        .await
        .ok(200);
    assert!(!numbers(&by_their_number).contains(&their_number));
}

#[tokio::test]
async fn the_seller_finds_orders_of_every_account_and_sees_their_status_now() {
    let shop = Shop::open(None).await;
    let po = format!("PO-{}", unique_word().to_uppercase());
    let mine = order_with_po(&shop, &shop.buyer, &format!("{po}-A")).await;
    let other = Shop::open(None).await;
    order_with_po(&other, &other.buyer, &format!("{po}-B")).await;
    let admin = &shop.admin;

    let all = admin.get(&format!("/admin/orders?q={po}")).await.ok(200);
    assert_eq!(numbers(&all).len(), 2);
    let one_account = admin
        .get(&format!(
            "/admin/orders?q={po}&customer_id={}",
            shop.customer_id
        ))
        .await
        .ok(200);
    assert_eq!(
        numbers(&one_account),
        [mine["order_number"].as_str().unwrap()]
    );

    let id = id_of(&mine, "order_id");
    admin
        .post(&format!("/admin/orders/{id}/confirm"), &json!({}))
        .await
        .ok(200);
    let confirmed = admin
        .get(&format!("/admin/orders?q={po}&status=confirmed"))
        .await
        .ok(200);
    assert_eq!(
        numbers(&confirmed),
        [mine["order_number"].as_str().unwrap()]
    );
    assert_eq!(confirmed["items"][0]["status"], "confirmed");
    let found = shop.buyer.get(&format!("/orders?q={po}")).await.ok(200);
    assert_eq!(found["items"][0]["status"], "confirmed");
}

#[tokio::test]
async fn a_blank_or_control_search_is_refused_by_name() {
    let shop = Shop::open(None).await;
    for q in ["%20%20", "a%00b", &"x".repeat(101)] {
        let refused = shop.buyer.get(&format!("/orders?q={q}")).await;
        assert_eq!(refused.invalid(), ["q"], "{q}");
        let refused = shop.admin.get(&format!("/admin/orders?q={q}")).await;
        assert_eq!(refused.invalid(), ["q"], "{q}");
    }
}
