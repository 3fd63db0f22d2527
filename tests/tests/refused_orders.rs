//! A refused order request writes nothing, not even an order number: the counter moves only
//! with an order's own write. Alone in its test binary, so no other test takes numbers while
//! this one counts them.

use orderdesk_tests::*;
use serde_json::json;

/// The last order number taken, as the counter item holds it.
async fn last_order_number() -> u64 {
    item("COUNTER#ORDER", "COUNTER")
        .await
        .and_then(|item| item.get("seq")?.as_n().ok()?.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn refused_order_requests_take_no_number_and_the_next_order_gets_the_next_one() {
    let s = Shop::open(None).await;
    let before = last_order_number().await;

    let unknown_sku =
        json!({"lines": [{"sku": "NO-SUCH-SKU", "quantity": 1}], "answers": standard_answers()});
    s.buyer.submit(&unknown_sku).await.problem(400);
    let unanswered = json!({"lines": [{"sku": s.flour, "quantity": 1}]});
    s.buyer.submit(&unanswered).await.problem(400);
    let closed = json!({"ordering_enabled": false});
    s.admin
        .update_customer(&s.customer_id, &closed)
        .await
        .ok(200);
    s.order(&s.flour, 1).await.problem(403);
    assert_eq!(
        last_order_number().await,
        before,
        "no refusal took a number"
    );

    let open = json!({"ordering_enabled": true});
    s.admin.update_customer(&s.customer_id, &open).await.ok(200);
    let order = s.order(&s.flour, 1).await.ok(201);
    assert_eq!(order["order_number"], format!("SO-{:06}", before + 1));
    assert_eq!(last_order_number().await, before + 1);

    s.admin
        .update_login(&s.login_id, &json!({"enabled": false}))
        .await
        .ok(200);
    s.order(&s.flour, 1).await.problem(403);
    s.admin
        .delete(&format!("/admin/customers/{}", s.customer_id))
        .await;
    s.order(&s.flour, 1).await.problem(403);
    assert_eq!(
        last_order_number().await,
        before + 1,
        "a disabled login's and a deleted account's leftover tokens take no number"
    );
}
