//! Orders and the teams that fulfil them: assigned at submission, reassigned by an admin.

use super::*;
use crate::teams::{CreateTeamBody, Team, create_team};

async fn team(m: &Memory, name: &str, notify: &[&str]) -> Team {
    let body: CreateTeamBody =
        serde_json::from_value(json!({"name": name, "notify_emails": notify})).unwrap();
    create_team(m, &admin(), body).await.unwrap()
}

fn sent_to(m: &Memory, template: &str) -> Vec<Recipient> {
    m.state()
        .outbox
        .iter()
        .filter(|o| o.message.template() == template)
        .map(|o| o.to.clone())
        .collect()
}

#[tokio::test]
async fn a_request_is_assigned_to_the_accounts_team_in_its_one_batch_and_the_team_is_emailed() {
    let m = Memory::new();
    let north = team(
        &m,
        "North",
        &["north@seller.example", "desk@seller.example"],
    )
    .await;
    let id = north.team_id.clone();
    let (_, _, session) = m.buyer_at("Acme", "Ann", |c| c.fulfillment_team_id = Some(id));
    m.product("FLOUR", 2500);
    let body = json!({"lines": [{"sku": "FLOUR", "quantity": 1}]});
    let req = request(body, "k1");
    let declared = submit_reads(&session.ids(), &req);
    m.forget_reads();

    let Written::New(order) = submit_order(&m, &session, req, &desk()).await.unwrap() else {
        panic!("a new order")
    };

    assert_eq!(m.undeclared(&declared), vec![], "the teams were read ahead");
    assert_eq!(order.assigned_team.as_deref(), Some("North"));
    let stored = m.state().orders[&order.order_id].clone();
    assert_eq!(stored.assigned_team_id, Some(north.team_id.clone()));
    let assigned = &stored.history[1];
    assert_eq!(assigned.event, OrderEventKind::Assigned);
    assert_eq!(assigned.note.as_deref(), Some("North"));
    assert_eq!(
        sent_to(&m, "order_requested"),
        [
            Recipient::Address(email("seller@seller.example")),
            Recipient::Address(email("north@seller.example")),
            Recipient::Address(email("desk@seller.example")),
        ]
    );
}

#[tokio::test]
async fn an_account_with_only_a_free_text_team_keeps_it_on_its_orders_and_no_team_is_emailed() {
    let m = Memory::new();
    team(&m, "North", &["north@seller.example"]).await;
    let (_, _, session) = m.buyer_at("Acme", "Ann", |c| {
        c.fulfillment_team = Some(crate::customers::Reference::parse("Old desk").unwrap())
    });
    m.product("FLOUR", 2500);

    let order = submit(
        &m,
        &session,
        json!({"lines": [{"sku": "FLOUR", "quantity": 1}]}),
        "k1",
    )
    .await;

    assert_eq!(order.assigned_team.as_deref(), Some("Old desk"));
    let stored = m.state().orders[&order.order_id].clone();
    assert_eq!(stored.assigned_team_id, None);
    assert_eq!(stored.history.len(), 1, "{:?}", stored.history);
    assert_eq!(sent_to(&m, "order_requested").len(), 1);
}

#[tokio::test]
async fn an_admin_reassigns_a_request_the_new_team_is_emailed_and_it_is_audited() {
    let (m, _, _, order) = one_bag_of_flour().await;
    let south = team(&m, "South", &["south@seller.example"]).await;
    let before = m.state().outbox.len();
    let body = AssignBody {
        team_id: south.team_id.to_string(),
    };
    m.forget_reads();

    let after = assign_order(&m, &admin(), &order.order_id, body, &desk().portal)
        .await
        .unwrap();

    assert_eq!(m.undeclared(&assign_reads(&order.order_id)), vec![]);
    assert_eq!(after.assigned_team.as_deref(), Some("South"));
    assert_eq!(after.assigned_team_id, Some(south.team_id.clone()));
    assert_eq!(after.last_event(), Some(OrderEventKind::Assigned));
    assert_eq!(after.version, order.version + 1);
    let s = m.state();
    assert_eq!(s.orders[&order.order_id], after);
    let told: Vec<&Recipient> = s.outbox[before..].iter().map(|o| &o.to).collect();
    assert_eq!(told, [&Recipient::Address(email("south@seller.example"))]);
    assert_eq!(s.audit.last().unwrap().action, "order.assigned");
}

#[tokio::test]
async fn only_a_requested_order_is_assigned_and_only_to_a_team_that_exists() {
    let (m, _, session, order) = one_bag_of_flour().await;
    let south = team(&m, "South", &[]).await;
    let assign = |team_id: String| AssignBody { team_id };

    let unknown = assign_order(
        &m,
        &admin(),
        &order.order_id,
        assign(crate::ids::TeamId::generate().to_string()),
        &desk().portal,
    )
    .await;
    let malformed = assign_order(
        &m,
        &admin(),
        &order.order_id,
        assign("north".into()),
        &desk().portal,
    )
    .await;
    cancel_order(&m, &session, &order.order_id, &desk())
        .await
        .unwrap();
    let cancelled = assign_order(
        &m,
        &admin(),
        &order.order_id,
        assign(south.team_id.to_string()),
        &desk().portal,
    )
    .await;

    assert!(
        matches!(unknown, Err(AssignError::UnknownTeam)),
        "{unknown:?}"
    );
    assert!(
        matches!(malformed, Err(AssignError::UnknownTeam)),
        "{malformed:?}"
    );
    assert!(
        matches!(cancelled, Err(AssignError::NotRequested(_))),
        "{cancelled:?}"
    );
    assert_eq!(m.state().orders[&order.order_id].assigned_team_id, None);
}
