//! Teams, end to end: admins keep teams through the local gateway, customers name one as
//! their fulfillment team, and a team that customers still name cannot be deleted.

use orderdesk_tests::*;
use serde_json::{Value, json};

/// A new team with a unique name and one address; the team.
async fn new_team(admin: &Api) -> Value {
    let name = format!("Team {}", unique_word());
    admin
        .post(
            "/admin/teams",
            &json!({"name": name, "notify_emails": [unique_email("team")]}),
        )
        .await
        .ok(201)
}

#[tokio::test]
async fn an_admin_creates_lists_changes_and_deletes_a_team_and_each_write_is_audited() {
    let admin = Api::admin().await;
    let name = format!("North {}", unique_word());
    let address = unique_email("north");

    let team = admin
        .post(
            "/admin/teams",
            &json!({"name": name, "notify_emails": [address.to_uppercase(), address],
                    "respond_within_minutes": 120}),
        )
        .await
        .ok(201);
    let id = id_of(&team, "team_id");
    assert!(id.starts_with("team_"), "{team}");
    assert_eq!(team["notify_emails"], json!([address]));
    assert_eq!(team["respond_within_minutes"], 120);
    assert_eq!(team["version"], 1);

    let listed = admin.get("/admin/teams").await.ok(200);
    assert_eq!(listed["next_cursor"], Value::Null);
    assert!(pluck(&listed["items"], "team_id").contains(&id.as_str()));

    let path = format!("/admin/teams/{id}");
    let changed = admin
        .patch(
            &path,
            &json!({"name": format!("{name} B"), "respond_within_minutes": null, "version": 1}),
        )
        .await
        .ok(200);
    assert_eq!(changed["name"], format!("{name} B"));
    assert!(changed.get("respond_within_minutes").is_none(), "{changed}");
    assert_eq!(changed["version"], 2);
    let stale = admin
        .patch(&path, &json!({"name": "X", "version": 1}))
        .await;
    stale.problem(409);

    admin.delete(&path).await.ok(204);
    let listed = admin.get("/admin/teams").await.ok(200);
    assert!(!pluck(&listed["items"], "team_id").contains(&id.as_str()));
    admin.delete(&path).await.problem(404);
    admin.patch(&path, &json!({"name": "Y"})).await.problem(404);

    let audit = admin.get("/admin/audit").await.ok(200);
    let ours: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["details"]["team_id"] == id.as_str())
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(ours, ["team.deleted", "team.updated", "team.created"]);
}

#[tokio::test]
async fn bad_team_input_is_a_400_naming_each_field_and_creates_nothing() {
    let admin = Api::admin().await;
    let before = admin.get("/admin/teams").await.ok(200)["items"]
        .as_array()
        .unwrap()
        .len();

    let r = admin
        .post(
            "/admin/teams",
            &json!({"name": " ", "notify_emails": ["nobody"], "respond_within_minutes": -5}),
        )
        .await;
    assert_eq!(
        r.invalid(),
        ["name", "notify_emails[0]", "respond_within_minutes"]
    );
    let zero = admin
        .post(
            "/admin/teams",
            &json!({"name": "Zero", "respond_within_minutes": 0}),
        )
        .await;
    assert_eq!(zero.invalid(), ["respond_within_minutes"]);
    let team = new_team(&admin).await;
    let taken = admin
        .post("/admin/teams", &json!({"name": team["name"]}))
        .await;
    taken.problem(409);

    let after = admin.get("/admin/teams").await.ok(200)["items"]
        .as_array()
        .unwrap()
        .len();
    assert!(after <= before + 1, "only the good team was created");
    admin
        .delete(&format!("/admin/teams/{}", id_of(&team, "team_id")))
        .await
        .ok(204);
}

#[tokio::test]
async fn a_customer_names_an_existing_team_null_clears_it_and_an_unknown_one_is_a_400() {
    let admin = Api::admin().await;
    let team = id_of(&new_team(&admin).await, "team_id");

    let created = admin
        .post(
            "/admin/customers",
            &json!({"name": format!("Acme {}", unique_word()), "email": unique_email("co"),
                    "fulfillment_team_id": team, "fulfillment_team": "Old desk"}),
        )
        .await
        .ok(201);
    assert_eq!(created["fulfillment_team_id"], team.as_str());
    assert_eq!(created["fulfillment_team"], "Old desk");
    let customer = id_of(&created, "customer_id");

    let unknown = admin
        .update_customer(
            &customer,
            &json!({"fulfillment_team_id": "team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"}),
        )
        .await;
    assert_eq!(unknown.invalid(), ["fulfillment_team_id"]);
    let malformed = admin
        .post(
            "/admin/customers",
            &json!({"name": "Bad", "email": unique_email("co"), "fulfillment_team_id": "north"}),
        )
        .await;
    assert_eq!(malformed.invalid(), ["fulfillment_team_id"]);

    let cleared = admin
        .update_customer(&customer, &json!({"fulfillment_team_id": null}))
        .await
        .ok(200);
    assert!(cleared.get("fulfillment_team_id").is_none(), "{cleared}");
    assert_eq!(cleared["fulfillment_team"], "Old desk");
    admin.delete(&format!("/admin/teams/{team}")).await.ok(204);
}

#[tokio::test]
async fn a_team_that_customers_name_cannot_be_deleted_and_the_409_names_them() {
    let admin = Api::admin().await;
    let team = id_of(&new_team(&admin).await, "team_id");
    let other = id_of(&new_team(&admin).await, "team_id");
    let customer = admin.new_customer().await;
    let customer_id = id_of(&customer, "customer_id");
    admin
        .update_customer(&customer_id, &json!({"fulfillment_team_id": team}))
        .await
        .ok(200);

    let refused = admin.delete(&format!("/admin/teams/{team}")).await;

    let problem = refused.problem(409);
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains(&customer_id), "{detail}");
    assert!(
        detail.contains(customer["name"].as_str().unwrap()),
        "{detail}"
    );
    assert_eq!(problem["customers"][0]["customer_id"], customer_id.as_str());
    assert!(
        pluck(&admin.get("/admin/teams").await.ok(200)["items"], "team_id")
            .contains(&team.as_str())
    );

    admin
        .update_customer(&customer_id, &json!({"fulfillment_team_id": other}))
        .await
        .ok(200);
    admin.delete(&format!("/admin/teams/{team}")).await.ok(204);
    let still = admin.delete(&format!("/admin/teams/{other}")).await;
    still.problem(409);
    admin
        .delete(&format!("/admin/customers/{customer_id}"))
        .await
        .ok(204);
    admin.delete(&format!("/admin/teams/{other}")).await.ok(204);
}

#[tokio::test]
async fn a_request_is_assigned_to_the_accounts_team_and_the_team_is_emailed_the_new_request() {
    let (s, team, address) = Shop::on_team(None).await;

    let order = s.order(&s.flour, 2).await.ok(201);
    let id = id_of(&order, "order_id");

    assert_eq!(order["assigned_team"], team["name"]);
    let seen = s.admin.get(&format!("/admin/orders/{id}")).await.ok(200);
    assert_eq!(seen["assigned_team_id"], team["team_id"]);
    assert_eq!(history(&seen), ["submitted", "assigned"]);
    assert_eq!(seen["history"][1]["note"], team["name"]);
    let number = order["order_number"].as_str().unwrap();
    let mail = mailbox::wait_for_subject(&address, number).await;
    assert!(
        mail.subject.contains("New order request"),
        "{}",
        mail.subject
    );

    let placed = s
        .admin
        .post(
            &format!("/admin/customers/{}/orders", s.customer_id),
            &json!({"status": "requested", "lines": [{"sku": s.flour, "quantity": 1}]}),
        )
        .await
        .ok(201);
    assert_eq!(placed["assigned_team_id"], team["team_id"]);
    let number = placed["order_number"].as_str().unwrap();
    mailbox::wait_for_subject(&address, number).await;
}

#[tokio::test]
async fn an_account_with_only_the_old_free_text_team_keeps_it_on_its_orders() {
    let s = Shop::open(None).await;

    let order = s.order(&s.flour, 1).await.ok(201);

    assert_eq!(order["assigned_team"], "North");
    let seen = s
        .admin
        .get(&format!("/admin/orders/{}", id_of(&order, "order_id")))
        .await
        .ok(200);
    assert!(seen.get("assigned_team_id").is_none(), "{seen}");
    assert_eq!(history(&seen), ["submitted"]);
}

#[tokio::test]
async fn an_admin_reassigns_a_request_the_new_team_is_told_and_the_queue_filters_by_team() {
    let (s, first, _) = Shop::on_team(None).await;
    let second_address = unique_email("team-second");
    let second = s
        .admin
        .post(
            "/admin/teams",
            &json!({"name": format!("Team {}", unique_word()), "notify_emails": [second_address]}),
        )
        .await
        .ok(201);
    let order = s.order(&s.flour, 1).await.ok(201);
    let id = id_of(&order, "order_id");
    let queue = |team: &Value| {
        format!(
            "/admin/orders?team_id={}",
            team["team_id"].as_str().unwrap()
        )
    };
    assert_eq!(
        pluck(
            &s.admin.get(&queue(&first)).await.ok(200)["items"],
            "order_id"
        ),
        [id.as_str()]
    );

    let path = format!("/admin/orders/{id}/assign");
    let unknown = s
        .admin
        .post(
            &path,
            &json!({"team_id": "team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"}),
        )
        .await;
    assert_eq!(unknown.invalid(), ["team_id"]);
    let moved = s
        .admin
        .post(&path, &json!({"team_id": second["team_id"]}))
        .await
        .ok(200);

    assert_eq!(moved["assigned_team"], second["name"]);
    assert_eq!(moved["assigned_team_id"], second["team_id"]);
    assert_eq!(history(&moved), ["submitted", "assigned", "assigned"]);
    let number = order["order_number"].as_str().unwrap();
    mailbox::wait_for_subject(&second_address, number).await;
    assert!(
        pluck(
            &s.admin.get(&queue(&first)).await.ok(200)["items"],
            "order_id"
        )
        .is_empty()
    );
    assert_eq!(
        pluck(
            &s.admin.get(&queue(&second)).await.ok(200)["items"],
            "order_id"
        ),
        [id.as_str()]
    );
    let audit = s
        .admin
        .get(&format!("/admin/audit?customer_id={}", s.customer_id))
        .await
        .ok(200);
    assert_eq!(audit["items"][0]["action"], "order.assigned");

    s.admin
        .post(&format!("/admin/orders/{id}/confirm"), &json!({}))
        .await
        .ok(200);
    let late = s
        .admin
        .post(&path, &json!({"team_id": first["team_id"]}))
        .await;
    late.problem(409);
    let both = s
        .admin
        .get(&format!(
            "/admin/orders?team_id={}&q=1",
            first["team_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(both.invalid(), ["team_id"]);
}
