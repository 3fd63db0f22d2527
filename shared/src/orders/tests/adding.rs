//! Ordering again: an old order's lines added to the cart at today's prices.

use super::*;

fn line(sku: &str, q: i64) -> Line {
    Line {
        sku: Sku::parse(sku).unwrap(),
        quantity: Quantity::new(q).unwrap(),
    }
}

fn cart_of(m: &Memory, c: &Customer) -> Vec<Line> {
    m.state()
        .carts
        .get(&c.customer_id)
        .map(|c| c.lines.clone())
        .unwrap_or_default()
}

#[tokio::test]
async fn reordering_adds_the_orders_lines_to_the_cart_at_todays_prices_merging_quantities() {
    let (m, c, session, order) = one_bag_of_flour().await;
    m.product("SUGAR", 300);
    put_cart(
        &m,
        &c,
        CartBody {
            lines: lines(json!([{"sku": "FLOUR", "quantity": 2}, {"sku": "SUGAR", "quantity": 1}])),
            notes: Some("Back door".into()),
        },
        None,
    )
    .await
    .unwrap();
    m.state()
        .products
        .get_mut(&Sku::parse("FLOUR").unwrap())
        .unwrap()
        .price = eur(2700);
    let declared = reorder_reads(&session.ids(), &order.order_id);
    m.forget_reads();

    let cart = reorder(&m, &c, &order.order_id).await.unwrap();

    let undeclared = m.undeclared(&declared);
    assert!(
        undeclared.iter().all(|r| matches!(r, ItemRef::Product(_))),
        "only the products are read after the order and the cart: {undeclared:?}"
    );
    assert_eq!(cart_of(&m, &c), [line("FLOUR", 3), line("SUGAR", 1)]);
    assert_eq!(cart.priced.lines[0].unit_price, eur(2700), "today's price");
    assert_eq!(cart.priced.total, Some(eur(3 * 2700 + 300)));
    assert_eq!(cart.notes.as_deref(), Some("Back door"), "notes are kept");
    assert!(cart.unavailable.is_empty());
}

#[tokio::test]
async fn a_product_no_longer_sold_is_named_and_left_out_of_the_cart() {
    let (m, c, _, order) = one_bag_of_flour().await;
    m.state()
        .products
        .get_mut(&Sku::parse("FLOUR").unwrap())
        .unwrap()
        .active = false;

    let cart = reorder(&m, &c, &order.order_id).await.unwrap();

    assert_eq!(cart.unavailable, [line("FLOUR", 1)]);
    assert!(cart.priced.lines.is_empty());
    assert_eq!(cart_of(&m, &c), []);
}

#[tokio::test]
async fn another_accounts_order_is_not_found_and_changes_no_cart() {
    let (m, _, _, order) = one_bag_of_flour().await;
    let (stranger, _, _) = m.buyer_at("Other Co", "Otto", |_| {});

    let refused = reorder(&m, &stranger, &order.order_id).await;

    assert!(matches!(refused, Err(AddToCartError::NotFound)));
    assert!(m.state().carts.is_empty());
}

#[tokio::test]
async fn an_order_that_would_overflow_the_cart_adds_nothing() {
    let (m, c, _, order) = one_bag_of_flour().await;
    let full: Vec<Line> = (0..MAX_LINES).map(|i| line(&format!("P{i}"), 1)).collect();
    for l in &full {
        m.product(l.sku.as_str(), 100);
    }
    let body: Vec<LineBody> = full
        .iter()
        .map(|l| LineBody {
            sku: l.sku.to_string(),
            quantity: 1,
        })
        .collect();
    let body = CartBody {
        lines: body,
        notes: None,
    };
    put_cart(&m, &c, body, None).await.unwrap();

    let refused = reorder(&m, &c, &order.order_id).await;

    assert!(matches!(
        refused,
        Err(AddToCartError::CartFull { would_have: 201 })
    ));
    assert_eq!(cart_of(&m, &c), full);
}

#[tokio::test]
async fn lines_added_to_a_cart_another_login_changed_meanwhile_merge_into_its_new_lines() {
    let (m, c, _, order) = one_bag_of_flour().await;
    let id = c.customer_id.clone();
    m.meanwhile(move |s| {
        s.carts.insert(
            id.clone(),
            Cart {
                customer_id: id,
                lines: vec![line("FLOUR", 9)],
                notes: None,
                updated_at: crate::domain::Timestamp::now(),
                version: 1,
            },
        );
    });

    let cart = reorder(&m, &c, &order.order_id).await.unwrap();

    assert_eq!(
        cart_of(&m, &c),
        [line("FLOUR", 10)],
        "nine and one: nothing lost"
    );
    assert_eq!(cart.version, 2);
}

#[tokio::test]
async fn a_cart_that_keeps_changing_is_409_after_three_tries_and_is_not_overwritten() {
    let (m, c, _, order) = one_bag_of_flour().await;
    m.contend_next_writes(3);

    let refused = reorder(&m, &c, &order.order_id).await;

    assert!(matches!(refused, Err(AddToCartError::CartChanged)));
    assert_eq!(cart_of(&m, &c), []);
}
