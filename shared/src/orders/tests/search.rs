//! Finding orders by number or by the text of an answer, within the caller's reach.

use super::*;
use crate::orders::QueueQuery;

/// A buyer's order with a purchase order number, and an order of another account with the same.
async fn two_accounts_ordering_with(
    po: &str,
) -> (Memory, Customer, Session, CustomerOrder, Customer) {
    let m = Memory::new();
    m.po_question();
    m.product("FLOUR", 2500);
    let (c, _, session) = m.buyer();
    let body = json!({"lines": [{"sku": "FLOUR", "quantity": 1}], "answers": {"po": po}});
    let order = submit(&m, &session, body.clone(), "k1").await;
    let (other, _, theirs) = m.buyer_at("Other Co", "Bo Other", |c| c.ordering_enabled = true);
    submit(&m, &theirs, body, "k2").await;
    (m, c, session, order, other)
}

async fn find(m: &Memory, c: &Customer, q: &str) -> Vec<OrderNumber> {
    let listing = customer_listing(&c.customer_id, None, Some(q)).unwrap();
    customer_orders(m, &c.customer_id, &listing, &Default::default(), &seller())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|o| o.order_number)
        .collect()
}

#[tokio::test]
async fn a_buyer_finds_its_order_by_number_or_the_start_of_its_po_number_and_no_other_accounts() {
    let (m, c, _, order, _) = two_accounts_ordering_with("PO 4711-A").await;
    let number = order.order_number;

    assert_eq!(find(&m, &c, &number.to_string()).await, [number]);
    assert_eq!(find(&m, &c, &number.0.to_string()).await, [number]);
    assert_eq!(find(&m, &c, "po 4711").await, [number]);
    assert_eq!(find(&m, &c, "  PO   4711-a").await, [number]);
    assert!(
        find(&m, &c, "4711").await.is_empty(),
        "a term is found by its start"
    );
    assert!(find(&m, &c, "PO 4712").await.is_empty());
}

#[tokio::test]
async fn the_seller_finds_every_accounts_orders_or_one_accounts() {
    let (m, c, _, _, other) = two_accounts_ordering_with("PO 4711-A").await;
    let all = OrderListing::queue(&QueueQuery {
        q: Some("po 4711"),
        ..QueueQuery::default()
    })
    .unwrap();
    let found = admin_orders(&m, &all, &Default::default()).await.unwrap();
    assert_eq!(found.items.len(), 2);
    let theirs = OrderListing::queue(&QueueQuery {
        customer_id: Some(other.customer_id.as_str()),
        q: Some("po"),
        ..QueueQuery::default()
    })
    .unwrap();
    let found = admin_orders(&m, &theirs, &Default::default())
        .await
        .unwrap();
    assert_eq!(found.items.len(), 1);
    assert_ne!(found.items[0].customer_id, c.customer_id);
    let confirmed = OrderListing::queue(&QueueQuery {
        status: Some("confirmed"),
        q: Some("po"),
        ..QueueQuery::default()
    })
    .unwrap();
    assert!(
        admin_orders(&m, &confirmed, &Default::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

#[tokio::test]
async fn an_order_is_filed_under_its_number_and_each_distinct_answer_once() {
    let (m, _, _, order, _) = two_accounts_ordering_with("PO 4711-A").await;
    let mut stored = m.state().orders[&order.order_id].clone();
    stored
        .answers
        .insert("reference".into(), "po  4711-a".into());
    stored.answers.insert("slot".into(), "Morning".into());
    let found: Vec<String> = terms(&stored)
        .iter()
        .map(|t| t.as_str().to_owned())
        .collect();
    assert_eq!(
        found,
        [
            order.order_number.0.to_string(),
            "po 4711-a".into(),
            "morning".into()
        ]
    );
}

#[tokio::test]
async fn a_blank_search_is_refused_by_name() {
    let c = Memory::new().customer("Acme", |_| {});
    let bad = customer_listing(&c.customer_id, None, Some("  ")).unwrap_err();
    assert_eq!(bad[0].field, "q");
    let bad = OrderListing::queue(&QueueQuery {
        q: Some("\u{0}"),
        ..QueueQuery::default()
    })
    .unwrap_err();
    assert_eq!(bad[0].field, "q");
}
