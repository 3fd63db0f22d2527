//! Where and when an order goes: `ship_to` copied from the account's address book, and a
//! requested delivery date not in the seller's past.

use super::*;
use crate::addresses::{AddressBody, Editor, ShipTo, add_address};

async fn saved_address(m: &Memory, session: &Session, label: &str) -> String {
    let body: AddressBody = serde_json::from_value(json!({
        "label": label, "line1": "1 Rue", "city": "Lyon", "postal_code": "69001", "country": "FR"
    }))
    .unwrap();
    let place = ShipTo::try_from(body).unwrap();
    let customer = session.me.customer.customer_id.clone();
    add_address(m, Editor::Session(session), &customer, place)
        .await
        .unwrap()
        .address_id
        .to_string()
}

fn invalid_fields(r: Result<Written<CustomerOrder>, SubmitError>) -> Vec<String> {
    match r {
        Err(SubmitError::Invalid(errors)) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("not invalid: {other:?}"),
    }
}

#[tokio::test]
async fn an_order_to_a_saved_address_reads_the_book_with_the_rest_and_keeps_a_copy() {
    let m = Memory::new();
    let (c, _, session) = m.buyer();
    m.product("FLOUR", 2500);
    let address = saved_address(&m, &session, "Depot").await;
    let today = SellerClock::utc().today().to_string();
    let body = json!({"lines": [{"sku": "FLOUR", "quantity": 1}],
                      "ship_to_address_id": address, "requested_delivery_date": today});
    let req = request(body, "k1");
    let declared = submit_reads(&session.ids(), &req);
    m.forget_reads();

    let Written::New(order) = submit_order(&m, &session, req, &desk()).await.unwrap() else {
        panic!("a new order")
    };

    assert_eq!(
        m.undeclared(&declared),
        vec![],
        "the book came with the batch"
    );
    let ship_to = order.ship_to.clone().expect("a ship-to");
    assert_eq!(ship_to.label.as_str(), "Depot");
    assert_eq!(order.requested_delivery_date.unwrap().to_string(), today);
    m.state()
        .address_books
        .get_mut(&c.customer_id)
        .unwrap()
        .addresses
        .clear();
    let s = m.state();
    let stored = &s.orders[&order.order_id];
    assert_eq!(
        stored.ship_to.as_ref(),
        Some(&ship_to),
        "a copy, not a reference"
    );
    let EmailMessage::OrderRequested { summary, .. } = &s.outbox[0].message else {
        panic!("the seller's email")
    };
    assert_eq!(summary.ship_to[0], "Depot");
    assert_eq!(
        summary.requested_delivery_date.as_deref(),
        Some(today.as_str())
    );
    let EmailMessage::OrderAcknowledged { summary, .. } = &s.outbox[1].message else {
        panic!("the buyer's acknowledgement")
    };
    assert_eq!(summary.ship_to.last().unwrap(), "FR");
}

#[tokio::test]
async fn another_accounts_address_and_a_past_date_are_refused_by_name_and_write_nothing() {
    let m = Memory::new();
    let (_, _, session) = m.buyer();
    let (_, _, other) = m.buyer_at("Other Co", "Olga Other", |_| {});
    m.product("FLOUR", 2500);
    let theirs = saved_address(&m, &other, "Theirs").await;
    let yesterday = SellerClock::utc().today().yesterday().unwrap().to_string();
    let body = json!({"lines": [{"sku": "FLOUR", "quantity": 1}],
                      "ship_to_address_id": theirs, "requested_delivery_date": yesterday});

    let refused = try_submit(&m, &session, body, "k1").await;

    assert_eq!(
        invalid_fields(refused),
        ["requested_delivery_date", "ship_to_address_id"]
    );
    let s = m.state();
    assert!(s.orders.is_empty());
    assert_eq!(s.order_counter, 0);
}

#[tokio::test]
async fn an_order_from_the_cart_takes_the_delivery_fields_too() {
    let m = Memory::new();
    let (c, _, session) = m.buyer();
    m.product("FLOUR", 2500);
    put_cart(
        &m,
        &c,
        serde_json::from_value(json!({"lines": [{"sku": "FLOUR", "quantity": 2}]})).unwrap(),
        None,
    )
    .await
    .unwrap();
    let address = saved_address(&m, &session, "Depot").await;
    let body = json!({"from_cart": true, "ship_to_address_id": address,
                      "requested_delivery_date": "2999-12-31"});

    let order = submit(&m, &session, body, "k1").await;

    assert_eq!(order.lines[0].quantity.get(), 2);
    assert_eq!(order.ship_to.unwrap().label.as_str(), "Depot");
    assert_eq!(
        order.requested_delivery_date.unwrap().to_string(),
        "2999-12-31"
    );
}
