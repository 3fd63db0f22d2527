//! The team use cases on the in-memory ports.

use super::*;
use crate::customers::{
    CreateCustomerBody, CreateCustomerError, CustomerChange, NewCustomer, UpdateCustomerBody,
    UpdateCustomerError, create_customer, delete_customer, update_customer,
};
use crate::idempotency::Written;
use crate::ids::TeamId;
use crate::memory::Memory;
use crate::memory::fixtures::admin;
use serde_json::json;

fn create_body(v: serde_json::Value) -> CreateTeamBody {
    serde_json::from_value(v).unwrap()
}

async fn team(m: &Memory, name: &str) -> Team {
    create_team(m, &admin(), create_body(json!({"name": name})))
        .await
        .unwrap()
}

async fn customer_on(m: &Memory, name: &str, team: &TeamId) -> crate::customers::Customer {
    let body: CreateCustomerBody = serde_json::from_value(json!({
        "name": name, "email": format!("{name}@example.com"), "fulfillment_team_id": team
    }))
    .unwrap();
    match create_customer(m, &admin(), NewCustomer::try_from(body).unwrap(), None).await {
        Ok(Written::New(c)) => c,
        other => panic!("a new customer, not {other:?}"),
    }
}

fn field_errors(e: TeamError) -> Vec<String> {
    match e {
        TeamError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("a validation error, not {other:?}"),
    }
}

#[tokio::test]
async fn a_team_is_created_with_its_addresses_lowercased_and_deduplicated_and_audited() {
    let m = Memory::new();

    let t = create_team(
        &m,
        &admin(),
        create_body(json!({
            "name": " North ",
            "notify_emails": ["North@Seller.example", "north@seller.example", "b@seller.example"],
            "respond_within_minutes": 90
        })),
    )
    .await
    .unwrap();

    assert_eq!(t.name, "North");
    let emails: Vec<&str> = t.notify_emails.iter().map(|e| e.as_str()).collect();
    assert_eq!(emails, ["north@seller.example", "b@seller.example"]);
    assert_eq!(t.respond_within_minutes, Some(90));
    let s = m.state();
    assert_eq!(s.teams.teams, vec![t.clone()]);
    assert_eq!(s.teams.version, 1);
    assert_eq!(s.audit[0].action, "team.created");
}

#[tokio::test]
async fn bad_team_input_names_every_field_and_writes_nothing() {
    let m = Memory::new();

    let e = create_team(
        &m,
        &admin(),
        create_body(json!({
            "name": "  ",
            "notify_emails": ["not an address"],
            "respond_within_minutes": -5
        })),
    )
    .await
    .unwrap_err();

    assert_eq!(
        field_errors(e),
        ["name", "notify_emails[0]", "respond_within_minutes"]
    );
    let zero = create_team(
        &m,
        &admin(),
        create_body(json!({"name": "N", "respond_within_minutes": 0})),
    )
    .await
    .unwrap_err();
    assert_eq!(field_errors(zero), ["respond_within_minutes"]);
    let eleven: Vec<String> = (0..11).map(|i| format!("a{i}@x.example")).collect();
    let many = create_team(
        &m,
        &admin(),
        create_body(json!({"name": "N", "notify_emails": eleven})),
    )
    .await
    .unwrap_err();
    assert_eq!(field_errors(many), ["notify_emails"]);
    let s = m.state();
    assert!(s.teams.teams.is_empty());
    assert!(s.audit.is_empty());
}

#[tokio::test]
async fn two_teams_cannot_share_a_name_whatever_its_case() {
    let m = Memory::new();
    let north = team(&m, "North").await;
    let south = team(&m, "South").await;

    let again = create_team(&m, &admin(), create_body(json!({"name": "NORTH"}))).await;
    let renamed = update_team(
        &m,
        &admin(),
        &south.team_id,
        serde_json::from_value(json!({"name": "north"})).unwrap(),
    )
    .await;

    assert!(matches!(again, Err(TeamError::DuplicateName)), "{again:?}");
    assert!(
        matches!(renamed, Err(TeamError::DuplicateName)),
        "{renamed:?}"
    );
    let kept = update_team(
        &m,
        &admin(),
        &north.team_id,
        serde_json::from_value(json!({"name": "North"})).unwrap(),
    )
    .await;
    assert!(kept.is_ok(), "a team keeps its own name: {kept:?}");
}

#[tokio::test]
async fn a_change_edits_one_team_clears_its_time_with_null_and_refuses_a_stale_version() {
    let m = Memory::new();
    let t = create_team(
        &m,
        &admin(),
        create_body(json!({"name": "North", "respond_within_minutes": 30})),
    )
    .await
    .unwrap();
    let other = team(&m, "South").await;

    let changed = update_team(
        &m,
        &admin(),
        &t.team_id,
        serde_json::from_value(json!({
            "notify_emails": ["desk@seller.example"],
            "respond_within_minutes": null,
            "version": 1
        }))
        .unwrap(),
    )
    .await
    .unwrap();
    let stale = update_team(
        &m,
        &admin(),
        &t.team_id,
        serde_json::from_value(json!({"name": "Nord", "version": 1})).unwrap(),
    )
    .await;

    assert_eq!(changed.name, "North");
    assert_eq!(changed.respond_within_minutes, None);
    assert_eq!(changed.version, 2);
    assert!(matches!(stale, Err(TeamError::Stale)), "{stale:?}");
    let s = m.state();
    assert_eq!(s.teams.get(&other.team_id), Some(&other));
    assert_eq!(s.teams.get(&t.team_id), Some(&changed));
}

#[tokio::test]
async fn a_customer_must_name_a_team_that_exists() {
    let m = Memory::new();
    let body: CreateCustomerBody = serde_json::from_value(json!({
        "name": "Acme", "email": "a@acme.example",
        "fulfillment_team_id": TeamId::generate()
    }))
    .unwrap();

    let e = create_customer(&m, &admin(), NewCustomer::try_from(body).unwrap(), None).await;

    assert!(matches!(e, Err(CreateCustomerError::UnknownTeam)), "{e:?}");
    assert!(m.state().customers.is_empty());
}

#[tokio::test]
async fn a_team_that_customers_name_cannot_be_deleted_and_they_are_named() {
    let m = Memory::new();
    let north = team(&m, "North").await;
    let acme = customer_on(&m, "acme", &north.team_id).await;

    let refused = delete_team(&m, &admin(), &north.team_id).await;

    match refused {
        Err(TeamError::InUse(members)) => {
            assert_eq!(members.len(), 1);
            assert_eq!(members[0].customer_id, acme.customer_id);
            assert_eq!(members[0].name, "acme");
        }
        other => panic!("in use, not {other:?}"),
    }
    assert!(m.state().teams.get(&north.team_id).is_some());
}

#[tokio::test]
async fn a_team_can_be_deleted_once_its_customers_moved_away_or_were_deleted() {
    let m = Memory::new();
    let north = team(&m, "North").await;
    let south = team(&m, "South").await;
    let acme = customer_on(&m, "acme", &north.team_id).await;
    let bolt = customer_on(&m, "bolt", &north.team_id).await;
    let moved: UpdateCustomerBody =
        serde_json::from_value(json!({"fulfillment_team_id": south.team_id})).unwrap();
    update_customer(
        &m,
        &admin(),
        &acme.customer_id,
        &CustomerChange::try_from(moved).unwrap(),
    )
    .await
    .unwrap();
    delete_customer(&m, &admin(), &bolt.customer_id)
        .await
        .unwrap();

    delete_team(&m, &admin(), &north.team_id).await.unwrap();

    let s = m.state();
    assert!(s.teams.get(&north.team_id).is_none());
    assert_eq!(s.teams.version, 3);
    assert_eq!(s.audit.last().unwrap().action, "team.deleted");
    let south_members = s.team_members.get(&south.team_id).unwrap();
    assert!(south_members.contains_key(&acme.customer_id));
}

#[tokio::test]
async fn a_customer_who_joins_a_team_deleted_meanwhile_is_refused() {
    let m = Memory::new();
    let north = team(&m, "North").await;
    let acme = customer_on(&m, "acme", &team(&m, "South").await.team_id).await;
    let change: UpdateCustomerBody =
        serde_json::from_value(json!({"fulfillment_team_id": north.team_id})).unwrap();
    let gone = north.team_id.clone();
    m.meanwhile(move |s| s.teams.teams.retain(|t| t.team_id != gone));

    let e = update_customer(
        &m,
        &admin(),
        &acme.customer_id,
        &CustomerChange::try_from(change).unwrap(),
    )
    .await;

    assert!(matches!(e, Err(UpdateCustomerError::UnknownTeam)), "{e:?}");
}

#[tokio::test]
async fn deleting_a_team_that_does_not_exist_is_not_found() {
    let m = Memory::new();

    let e = delete_team(&m, &admin(), &TeamId::generate()).await;

    assert!(matches!(e, Err(TeamError::NotFound)), "{e:?}");
}
