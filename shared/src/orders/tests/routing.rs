//! The seller's rules at submission: routing rules assign a request (first match wins, and the
//! history names the rule), auto-confirm rules confirm one without a person, and a team with a
//! response time is reminded once per threshold.

use super::*;
use crate::domain::{Tag, Timestamp};
use crate::ids::CustomerId;
use crate::page::PageRequest;
use crate::teams::{
    AutoConfirmBody, CreateTeamBody, RoutingRulesBody, RulesError, Team, TeamError, create_team,
    delete_team, put_auto_confirm_rules, put_routing_rules,
};

async fn team(m: &Memory, name: &str, minutes: Option<u32>) -> Team {
    let body: CreateTeamBody = serde_json::from_value(json!({
        "name": name,
        "notify_emails": [format!("{}@seller.example", name.to_lowercase())],
        "respond_within_minutes": minutes,
    }))
    .unwrap();
    create_team(m, &admin(), body).await.unwrap()
}

async fn route(m: &Memory, rules: serde_json::Value) -> Result<u64, RulesError> {
    let body: RoutingRulesBody = serde_json::from_value(json!({ "rules": rules })).unwrap();
    Ok(put_routing_rules(m, &admin(), body).await?.version)
}

fn tagged(tag: &str) -> impl FnOnce(&mut Customer) {
    let tag = Tag::parse(tag).unwrap();
    move |c| {
        c.tags.insert(tag);
    }
}

fn flour(quantity: u32) -> serde_json::Value {
    json!({"lines": [{"sku": "FLOUR", "quantity": quantity}]})
}

#[tokio::test]
async fn the_first_matching_rule_assigns_a_request_reads_nothing_more_and_is_named_in_history() {
    let m = Memory::new();
    let (north, south) = (team(&m, "North", None).await, team(&m, "South", None).await);
    let (_, _, session) = m.buyer_at("Acme", "Ann", tagged("vip"));
    m.product("FLOUR", 5000);
    route(
        &m,
        json!([
            {"match": {"customer_tag": "vip", "min_total": {"amount": 10000, "currency": "EUR"}},
             "team_id": north.team_id},
            {"match": {"customer_tag": "VIP"}, "team_id": south.team_id},
        ]),
    )
    .await
    .unwrap();
    let req = request(flour(1), "k1");
    let declared = submit_reads(&session.ids(), &req);
    m.forget_reads();

    let Written::New(small) = submit_order(&m, &session, req, &desk()).await.unwrap() else {
        panic!("a new order")
    };
    assert_eq!(m.undeclared(&declared), vec![], "the rules were read ahead");
    let big = submit(&m, &session, flour(2), "k2").await;

    assert_eq!(small.assigned_team.as_deref(), Some("South"));
    assert_eq!(big.assigned_team.as_deref(), Some("North"));
    let stored = m.state().orders[&big.order_id].clone();
    let assigned = &stored.history[1];
    assert_eq!(assigned.note.as_deref(), Some("North (routing rule 1)"));
    assert_eq!(assigned.rule.as_ref().unwrap().team_id, north.team_id);
    assert_eq!(
        big.history[1].rule, None,
        "the customer does not see the rules"
    );
}

#[tokio::test]
async fn without_a_matching_rule_the_customers_own_team_takes_the_request() {
    let m = Memory::new();
    let (north, south) = (team(&m, "North", None).await, team(&m, "South", None).await);
    let own = south.team_id.clone();
    let (_, _, session) = m.buyer_at("Acme", "Ann", |c| c.fulfillment_team_id = Some(own));
    m.product("FLOUR", 5000);
    let other = CustomerId::generate();
    route(
        &m,
        json!([{"match": {"customer_id": other}, "team_id": north.team_id}]),
    )
    .await
    .unwrap();

    let order = submit(&m, &session, flour(1), "k1").await;

    assert_eq!(order.assigned_team.as_deref(), Some("South"));
    let stored = m.state().orders[&order.order_id].clone();
    assert_eq!(stored.history[1].note.as_deref(), Some("South"));
}

#[tokio::test]
async fn rules_naming_no_team_or_nothing_to_match_are_refused_and_a_stale_version_is_a_conflict() {
    let m = Memory::new();
    let north = team(&m, "North", None).await;

    let bad = route(
        &m,
        json!([
            {"match": {}, "team_id": north.team_id},
            {"match": {"customer_tag": "vip"}, "team_id": "team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"},
            {"match": {"customer_id": "acme"}, "team_id": "north"},
        ]),
    )
    .await;
    let Err(RulesError::Invalid(errors)) = bad else {
        panic!("refused: {bad:?}")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "rules[0].match",
            "rules[2].match.customer_id",
            "rules[2].team_id"
        ]
    );
    let unknown = route(
        &m,
        json!([{"match": {"customer_tag": "vip"}, "team_id": "team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"}]),
    )
    .await;
    let Err(RulesError::Invalid(errors)) = unknown else {
        panic!("refused: {unknown:?}")
    };
    assert_eq!(errors[0].field, "rules[0].team_id");
    assert_eq!(m.state().teams.routing.version, 0, "nothing was written");

    let v1 = route(
        &m,
        json!([{"match": {"customer_tag": "vip"}, "team_id": north.team_id}]),
    )
    .await
    .unwrap();
    let stale: RoutingRulesBody =
        serde_json::from_value(json!({"rules": [], "version": v1 - 1})).unwrap();
    let refused = put_routing_rules(&m, &admin(), stale).await;
    assert!(matches!(refused, Err(RulesError::Stale)), "{refused:?}");
    let deleted = delete_team(&m, &admin(), &north.team_id).await;
    assert!(
        matches!(deleted, Err(TeamError::InRules(ref p)) if p == &[1]),
        "{deleted:?}"
    );
    let audited: Vec<String> = m.state().audit.iter().map(|a| a.action.clone()).collect();
    assert!(
        audited.contains(&"routing_rules.updated".to_owned()),
        "{audited:?}"
    );
}

#[tokio::test]
async fn an_auto_confirm_rule_confirms_a_request_up_to_its_limit_and_a_person_decides_above() {
    let m = Memory::new();
    let (customer, _, session) = m.buyer_at("Acme", "Ann", tagged("trusted"));
    m.product("FLOUR", 5000);
    let body: AutoConfirmBody = serde_json::from_value(json!({"rules": [
        {"customer_tag": "trusted", "max_total": {"amount": 10000, "currency": "EUR"}}
    ]}))
    .unwrap();
    put_auto_confirm_rules(&m, &admin(), body).await.unwrap();

    let small = submit(&m, &session, flour(2), "k1").await;
    let big = submit(&m, &session, flour(3), "k2").await;

    assert_eq!(small.status, OrderStatus::Confirmed);
    assert_eq!(big.status, OrderStatus::Requested);
    let stored = m.state().orders[&small.order_id].clone();
    let Some(CreatedBy::System { rule }) = &stored.decided_by else {
        panic!("decided by the rule: {:?}", stored.decided_by)
    };
    assert_eq!(rule.customer_tag.as_str(), "trusted");
    assert_eq!(stored.last_event(), Some(OrderEventKind::Confirmed));
    let templates: Vec<&str> = m
        .state()
        .outbox
        .iter()
        .map(|o| o.message.template())
        .collect();
    assert_eq!(
        templates,
        [
            "order_confirmed_by_rule",
            "order_confirmed",
            "order_requested",
            "order_acknowledged"
        ]
    );
    let to = m.state().outbox[1].to.clone();
    assert_eq!(to, Recipient::LoginsOf(customer.customer_id.clone()));
    let audit = m.state().audit.last().cloned().unwrap();
    assert_eq!(
        (audit.action.as_str(), audit.actor.kind),
        ("order.confirmed", "system")
    );
}

#[tokio::test]
async fn a_team_is_reminded_once_at_half_time_and_once_when_overdue_however_often_housekeeping_runs()
 {
    let m = Memory::new();
    let north = team(&m, "North", Some(60)).await;
    let id = north.team_id.clone();
    let (_, _, session) = m.buyer_at("Acme", "Ann", |c| c.fulfillment_team_id = Some(id));
    m.product("FLOUR", 5000);
    let order = submit(&m, &session, flour(1), "k1").await;
    let placed = m.state().orders[&order.order_id].created_at;
    let portal = Portal::new("https://portal.example", 60);
    let reminders = |m: &Memory| {
        m.state()
            .outbox
            .iter()
            .filter_map(|o| match &o.message {
                EmailMessage::ResponseReminder { overdue, .. } => Some(*overdue),
                _ => None,
            })
            .collect::<Vec<_>>()
    };

    let early = send_due_reminders(&m, &portal, placed.plus_seconds(29 * 60))
        .await
        .unwrap();
    let half = send_due_reminders(&m, &portal, placed.plus_seconds(31 * 60))
        .await
        .unwrap();
    let again = send_due_reminders(&m, &portal, placed.plus_seconds(31 * 60))
        .await
        .unwrap();
    assert_eq!((early.sent, half.sent, again.sent), (0, 1, 0));
    assert_eq!(reminders(&m), [false]);
    let stored = m.state().orders[&order.order_id].clone();
    assert!(!stored.response.overdue_at(placed.plus_seconds(59 * 60)));
    assert!(stored.response.overdue_at(placed.plus_seconds(60 * 60)));
    let late = OrderListing::queue(&QueueQuery {
        overdue: Some("true"),
        ..QueueQuery::default()
    })
    .unwrap();
    assert!(
        admin_orders(&m, &late, &PageRequest::default())
            .await
            .unwrap()
            .items
            .is_empty()
    );

    let overdue = send_due_reminders(&m, &portal, placed.plus_seconds(61 * 60))
        .await
        .unwrap();
    let twice = send_due_reminders(&m, &portal, placed.plus_seconds(90 * 60))
        .await
        .unwrap();
    assert_eq!((overdue.sent, twice.sent), (1, 0));
    assert_eq!(reminders(&m), [false, true]);
    assert_eq!(
        m.state().outbox.last().unwrap().to,
        Recipient::Address(email("north@seller.example"))
    );
}

#[tokio::test]
async fn a_decided_request_drops_its_reminders_unsent() {
    let m = Memory::new();
    let north = team(&m, "North", Some(10)).await;
    let id = north.team_id.clone();
    let (_, _, session) = m.buyer_at("Acme", "Ann", |c| c.fulfillment_team_id = Some(id));
    m.product("FLOUR", 5000);
    let order = submit(&m, &session, flour(1), "k1").await;
    let portal = Portal::new("https://portal.example", 60);
    let confirm = Decision::Confirm {
        expected_version: None,
    };
    decide_order(&m, &admin(), &order.order_id, confirm, &portal)
        .await
        .unwrap();

    let later = Timestamp::now().plus_seconds(3600);
    let report = send_due_reminders(&m, &portal, later).await.unwrap();

    assert_eq!((report.sent, report.moot), (0, 2));
    assert!(m.state().reminders.is_empty());
    let decided = m.state().orders[&order.order_id].clone();
    assert_eq!(
        decided.response.0, None,
        "a decided order has no response time"
    );
}
