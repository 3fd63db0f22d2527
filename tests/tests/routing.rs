//! Routing, response times and automatic decisions, end to end through the local gateway:
//! the seller's rules assign and confirm requests, a request past its team's time is overdue,
//! and housekeeping reminds the team once per threshold however its runs repeat or overlap.
//!
//! The rules are one list for the whole seller, so the tests that change them take turns and
//! leave the lists empty behind them; every rule names a tag or an account of its own test.

use orderdesk::domain::Timestamp;
use orderdesk_tests::*;
use serde_json::{Value, json};
use std::time::Duration;

static RULES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn tag(s: &Shop, tag: &str) {
    s.admin
        .update_customer(&s.customer_id, &json!({"tags": [tag]}))
        .await
        .ok(200);
}

async fn admin_view(s: &Shop, order: &Value) -> Value {
    let id = id_of(order, "order_id");
    s.admin.get(&format!("/admin/orders/{id}")).await.ok(200)
}

async fn put(admin: &Api, path: &str, rules: Value) -> Reply {
    admin.put(path, &json!({ "rules": rules })).await
}

#[tokio::test]
async fn routing_rules_send_requests_by_tag_by_customer_and_by_total_and_the_first_match_wins() {
    let _turn = RULES.lock().await;
    let (s, other) = (Shop::open(None).await, Shop::open(None).await);
    let vip = unique_word();
    tag(&s, &vip).await;
    let ((big, big_address), (theirs, _), (tagged, _)) = (
        s.admin.new_team(None).await,
        s.admin.new_team(None).await,
        s.admin.new_team(None).await,
    );
    let set = put(
        &s.admin,
        "/admin/routing-rules",
        json!([
            {"match": {"customer_tag": vip, "min_total": eur(10000)}, "team_id": big["team_id"]},
            {"match": {"customer_id": other.customer_id}, "team_id": theirs["team_id"]},
            {"match": {"customer_tag": vip.to_uppercase()}, "team_id": tagged["team_id"]},
        ]),
    )
    .await
    .ok(200);
    assert_eq!(set["rules"][2]["match"]["customer_tag"], vip.as_str());

    let small = s.order(&s.flour, 1).await.ok(201);
    let large = s.order(&s.flour, 4).await.ok(201);
    let by_account = other.order(&other.flour, 9).await.ok(201);

    assert_eq!(small["assigned_team"], tagged["name"]);
    assert_eq!(large["assigned_team"], big["name"], "rule 1 comes first");
    assert_eq!(by_account["assigned_team"], theirs["name"]);
    let seen = admin_view(&s, &large).await;
    assert_eq!(seen["assigned_team_id"], big["team_id"]);
    assert_eq!(seen["history"][1]["event"], "assigned");
    assert_eq!(
        seen["history"][1]["note"],
        format!("{} (routing rule 1)", big["name"].as_str().unwrap())
    );
    assert_eq!(seen["history"][1]["rule"]["team_id"], big["team_id"]);
    let number = large["order_number"].as_str().unwrap();
    mailbox::wait_for_subject(&big_address, number).await;
    let read = s.admin.get("/admin/routing-rules").await.ok(200);
    assert_eq!(read, set);

    let stale = s
        .admin
        .put(
            "/admin/routing-rules",
            &json!({"rules": [], "version": set["version"].as_u64().unwrap() - 1}),
        )
        .await;
    stale.problem(409);
    let named = s
        .admin
        .delete(&format!("/admin/teams/{}", id_of(&big, "team_id")))
        .await;
    assert_eq!(named.problem(409)["routing_rules"], json!([1]));
    let audit = s.admin.get("/admin/audit").await.ok(200);
    let actions = pluck(&audit["items"], "action");
    assert!(actions.contains(&"routing_rules.updated"), "{actions:?}");
    put(&s.admin, "/admin/routing-rules", json!([]))
        .await
        .ok(200);
}

#[tokio::test]
async fn bad_rules_are_a_400_naming_the_field_and_change_nothing() {
    let _turn = RULES.lock().await;
    let admin = Api::admin().await;
    let (north, _) = admin.new_team(None).await;
    let before = admin.get("/admin/routing-rules").await.ok(200);

    let unknown = put(
        &admin,
        "/admin/routing-rules",
        json!([{"match": {"customer_tag": "vip"}, "team_id": "team_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"}]),
    )
    .await;
    assert_eq!(unknown.invalid(), ["rules[0].team_id"]);
    let empty = put(
        &admin,
        "/admin/routing-rules",
        json!([{"match": {}, "team_id": north["team_id"]}]),
    )
    .await;
    assert_eq!(empty.invalid(), ["rules[0].match"]);
    let missing = admin.put("/admin/routing-rules", &json!({})).await;
    assert_eq!(missing.invalid(), ["rules"]);
    let negative = put(
        &admin,
        "/admin/routing-rules",
        json!([{"match": {"min_total": eur(-1)}, "team_id": north["team_id"]}]),
    )
    .await;
    assert!(
        negative.invalid()[0].starts_with("rules[0].match.min_total"),
        "{:?}",
        negative.invalid()
    );
    let bad_tag = put(
        &admin,
        "/admin/auto-confirm",
        json!([{"customer_tag": " "}]),
    )
    .await;
    assert_eq!(bad_tag.invalid(), ["rules[0].customer_tag"]);
    let minutes = admin
        .post(
            "/admin/teams",
            &json!({"name": unique_word(), "respond_within_minutes": -5}),
        )
        .await;
    assert_eq!(minutes.invalid(), ["respond_within_minutes"]);

    assert_eq!(admin.get("/admin/routing-rules").await.ok(200), before);
}

#[tokio::test]
async fn an_auto_confirm_rule_confirms_below_its_limit_with_the_usual_emails_and_a_person_decides_above()
 {
    let _turn = RULES.lock().await;
    let s = Shop::open(None).await;
    let trusted = unique_word();
    tag(&s, &trusted).await;
    put(
        &s.admin,
        "/admin/auto-confirm",
        json!([{"customer_tag": trusted, "max_total": eur(5000)}]),
    )
    .await
    .ok(200);
    let buyer_email = id_of(&s.buyer.get("/me").await.ok(200)["login"], "email");

    let small = s.order(&s.flour, 2).await.ok(201);
    let large = s.order(&s.flour, 3).await.ok(201);
    put(&s.admin, "/admin/auto-confirm", json!([]))
        .await
        .ok(200);

    assert_eq!(small["status"], "confirmed");
    assert_eq!(
        small["decided_by"]["kind"], "admin",
        "the buyer sees the seller"
    );
    assert_eq!(large["status"], "requested");
    let seen = admin_view(&s, &small).await;
    assert_eq!(seen["decided_by"]["kind"], "system");
    assert_eq!(seen["decided_by"]["rule"]["customer_tag"], trusted.as_str());
    assert_eq!(
        seen["history"].as_array().unwrap().last().unwrap()["event"],
        "confirmed"
    );
    let number = small["order_number"].as_str().unwrap();
    let told = mailbox::wait_for_subject(&buyer_email, number).await;
    assert!(told.subject.contains("confirmed"), "{}", told.subject);
    let seller = &stack().seller_notify_email;
    let desk = mailbox::wait_for_subject(seller, number).await;
    assert!(
        desk.subject.contains("confirmed automatically"),
        "{}",
        desk.subject
    );
    let audit = s
        .admin
        .get(&format!("/admin/audit?customer_id={}", s.customer_id))
        .await
        .ok(200);
    let entry = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["details"]["order_number"] == number)
        .expect("the confirmation is audited");
    assert_eq!(
        (&entry["action"], &entry["actor"]["kind"]),
        (&json!("order.confirmed"), &json!("system"))
    );
}

#[tokio::test]
async fn a_request_past_its_teams_response_time_is_overdue_on_the_order_and_in_the_queue() {
    let (s, quick, _) = Shop::on_team(Some(1)).await;
    let team_id = id_of(&quick, "team_id");
    let order = s.order(&s.flour, 1).await.ok(201);
    let id = id_of(&order, "order_id");
    let queue = |overdue: &str| format!("/admin/orders?team_id={team_id}&overdue={overdue}");

    let fresh = admin_view(&s, &order).await;
    assert_eq!(fresh["overdue"], false);
    let by = Timestamp::parse(fresh["respond_by"].as_str().unwrap()).unwrap();
    assert!(
        pluck(
            &s.admin.get(&queue("true")).await.ok(200)["items"],
            "order_id"
        )
        .is_empty()
    );
    let waiting = s.admin.get(&queue("false")).await.ok(200);
    assert_eq!(pluck(&waiting["items"], "order_id"), [id.as_str()]);
    let left = by.unix_seconds() - Timestamp::now().unix_seconds() + 1;
    tokio::time::sleep(Duration::from_secs(left.clamp(0, 61) as u64)).await;

    assert_eq!(admin_view(&s, &order).await["overdue"], true);
    let late = s.admin.get(&queue("true")).await.ok(200);
    assert_eq!(pluck(&late["items"], "order_id"), [id.as_str()]);
    assert_eq!(late["items"][0]["overdue"], true);
    let all = s.admin.get("/admin/orders?overdue=true").await.ok(200);
    assert!(pluck(&all["items"], "order_id").contains(&id.as_str()));
    let confirmed = s
        .admin
        .get("/admin/orders?overdue=true&status=confirmed")
        .await;
    assert_eq!(confirmed.invalid(), ["overdue"]);
    s.admin
        .post(&format!("/admin/orders/{id}/confirm"), &json!({}))
        .await
        .ok(200);
    assert!(
        pluck(
            &s.admin.get(&queue("true")).await.ok(200)["items"],
            "order_id"
        )
        .is_empty()
    );
}

/// The reminders that reached `address`: (at half time, when overdue).
async fn reminders_to(address: &str) -> (usize, usize) {
    let mails = mailbox::to(address).await;
    let count = |prefix: &str| {
        mails
            .iter()
            .filter(|m| m.subject.starts_with(prefix))
            .count()
    };
    (count("Reminder:"), count("Overdue:"))
}

#[tokio::test]
async fn housekeeping_reminds_the_team_once_per_threshold_however_its_runs_repeat_or_overlap() {
    let (s, _, address) = Shop::on_team(Some(60)).await;
    let order = s.order(&s.flour, 1).await.ok(201);
    let number = order["order_number"].as_str().unwrap();
    let runs = || async {
        orderdesk_housekeeping::App::from_env()
            .await
            .expect("housekeeping starts")
    };
    let (first, second) = (runs().await, runs().await);
    let at = |minutes: i64| Timestamp::now().plus_seconds(minutes * 60);
    let ran = |s: orderdesk_housekeeping::Summary| assert!(s.failed().is_empty(), "{s:?}");

    assert_eq!(reminders_to(&address).await, (0, 0), "nothing is due yet");
    let (a, b) = tokio::join!(first.run(at(31)), second.run(at(31)));
    ran(a);
    ran(b);
    ran(first.run(at(32)).await);
    let half = mailbox::wait_for_subject(&address, "Reminder:").await;
    let (c, d) = tokio::join!(first.run(at(61)), second.run(at(61)));
    ran(c);
    ran(d);
    ran(second.run(at(90)).await);
    let overdue = mailbox::wait_for_subject(&address, "Overdue:").await;
    tokio::time::sleep(Duration::from_secs(3)).await;

    assert!(half.subject.contains(number), "{}", half.subject);
    assert!(overdue.subject.contains(number), "{}", overdue.subject);
    assert_eq!(reminders_to(&address).await, (1, 1), "each threshold once");
}

#[tokio::test]
async fn a_customers_cancellation_is_told_to_the_team_the_request_is_assigned_to() {
    let (s, _, address) = Shop::on_team(None).await;
    let order = s.order(&s.flour, 1).await.ok(201);
    let id = id_of(&order, "order_id");

    s.buyer
        .post(&format!("/orders/{id}/cancel"), &json!({}))
        .await
        .ok(200);

    let number = order["order_number"].as_str().unwrap();
    let mail = mailbox::wait_for_subject(&address, "was cancelled").await;
    assert!(mail.subject.contains(number), "{}", mail.subject);
}
