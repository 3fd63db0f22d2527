//! Deciding, cancelling and editing a requested order.

use super::*;

#[tokio::test]
async fn a_customer_cancels_only_its_own_requested_order_reading_what_it_declares() {
    let (m, _, session, order) = one_bag_of_flour().await;
    let (_, _, stranger) = m.buyer_at("Other Co", "Otto", |_| {});
    m.forget_reads();

    let foreign = cancel_order(&m, &stranger, &order.order_id, &desk()).await;
    let cancelled = cancel_order(&m, &session, &order.order_id, &desk())
        .await
        .unwrap();
    let twice = cancel_order(&m, &session, &order.order_id, &desk()).await;

    assert_eq!(m.undeclared(&cancel_reads(&order.order_id)), vec![]);
    assert!(matches!(foreign, Err(DecideError::NotFound)));
    assert_eq!(cancelled.status, OrderStatus::Cancelled);
    assert_eq!(cancelled.last_event(), Some(OrderEventKind::Cancelled));
    assert!(matches!(twice, Err(DecideError::Conflict(_))));
    let s = m.state();
    let told = s.outbox.last().unwrap();
    assert_eq!(told.to, Recipient::Address(email("seller@seller.example")));
    assert_eq!(told.message.template(), "order_cancelled");
    assert_eq!(
        s.outbox
            .iter()
            .filter(|o| o.message.template() == "order_cancelled")
            .count(),
        1,
        "told once"
    );
}

#[tokio::test]
async fn a_decision_happens_once_and_emails_the_accounts_logins() {
    let (m, c, _, order) = one_bag_of_flour().await;
    let portal = Portal::new("https://portal.example", 3600);
    let confirm = Decision::Confirm {
        expected_version: Some(1),
    };

    let confirmed = decide_order(&m, &admin(), &order.order_id, confirm.clone(), &portal)
        .await
        .unwrap();
    let again = decide_order(&m, &admin(), &order.order_id, confirm, &portal).await;

    assert_eq!(confirmed.status, OrderStatus::Confirmed);
    assert!(matches!(again, Err(DecideError::Conflict(_))));
    let s = m.state();
    let mail = s.outbox.last().unwrap();
    assert_eq!(mail.to, Recipient::LoginsOf(c.customer_id.clone()));
    assert_eq!(mail.message.template(), "order_confirmed");
    assert_eq!(s.audit.last().unwrap().action, "order.confirmed");
}

#[tokio::test]
async fn a_stale_confirmation_and_a_rejection_without_a_reason_change_nothing() {
    let (m, _, _, order) = one_bag_of_flour().await;
    let portal = Portal::default();

    let stale = decide_order(
        &m,
        &admin(),
        &order.order_id,
        Decision::Confirm {
            expected_version: Some(7),
        },
        &portal,
    )
    .await;
    let blank = decide_order(
        &m,
        &admin(),
        &order.order_id,
        Decision::Reject {
            reason: "  ".into(),
        },
        &portal,
    )
    .await;

    assert!(matches!(stale, Err(DecideError::Conflict(_))));
    assert!(matches!(blank, Err(DecideError::Invalid(e)) if e[0].field == "reason"));
    assert_eq!(
        m.state().orders[&order.order_id].status,
        OrderStatus::Requested
    );
}

#[tokio::test]
async fn an_edit_reprices_the_lines_and_says_what_changed() {
    let (m, _, _, order) = one_bag_of_flour().await;
    m.product("SUGAR", 1000);
    let edit: EditBody =
        serde_json::from_value(json!({"lines": [{"sku": "SUGAR", "quantity": 3}], "version": 1}))
            .unwrap();
    let stale: EditBody = serde_json::from_value(json!({"notes": "x", "version": 1})).unwrap();

    let edited = edit_order(&m, &admin(), &order.order_id, edit, &Portal::default())
        .await
        .unwrap();
    let refused = edit_order(&m, &admin(), &order.order_id, stale, &Portal::default()).await;

    assert_eq!(edited.total, eur(3000));
    assert_eq!(edited.version, 2);
    let last = edited.history.last().unwrap();
    assert_eq!(last.event, OrderEventKind::Edited);
    assert_eq!(
        last.note.as_deref(),
        Some("FLOUR name: removed (was 1); SUGAR name: added (3); total EUR 25.00 → EUR 30.00")
    );
    assert!(matches!(refused, Err(DecideError::Conflict(_))));
    let s = m.state();
    let told = s.outbox.last().unwrap();
    assert_eq!(told.to, Recipient::LoginsOf(order.customer_id.clone()));
    match &told.message {
        EmailMessage::OrderEdited { summary, .. } => assert_eq!(
            summary.changes,
            [
                "FLOUR name: removed (was 1)",
                "SUGAR name: added (3)",
                "total EUR 25.00 → EUR 30.00"
            ]
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_edit_that_changes_nothing_writes_nothing() {
    let (m, _, _, order) = one_bag_of_flour().await;
    let same: EditBody =
        serde_json::from_value(json!({"lines": [{"sku": "FLOUR", "quantity": 1}], "version": 1}))
            .unwrap();
    let audited = m.state().audit.len();

    let edited = edit_order(&m, &admin(), &order.order_id, same, &Portal::default())
        .await
        .unwrap();

    assert_eq!(edited.version, 1);
    assert_eq!(edited.history.len(), order.history.len());
    assert_eq!(m.state().audit.len(), audited);
}
