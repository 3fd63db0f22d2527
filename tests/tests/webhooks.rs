//! Webhooks, end to end over the local gateway: every event type reaches a subscribed
//! receiver on loopback, signed as Standard Webhooks says and in event order; a failing
//! endpoint is retried by housekeeping on its schedule and by hand; addresses inside are
//! refused; a rotated secret signs beside the new one; a slow endpoint holds up only itself.

use orderdesk_tests::receiver::{Received, Receiver};
use orderdesk_tests::*;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const ALL_TYPES: [&str; 11] = orderdesk::events::EventType::SUBSCRIBABLE;

/// A webhook for `events` to `url`: (its id, its secret).
async fn register(admin: &Api, url: &str, events: &[&str]) -> (String, String) {
    let created = admin
        .post(
            "/admin/webhooks",
            &json!({"url": url, "events": events, "description": "tests"}),
        )
        .await
        .ok(201);
    assert_eq!(created["enabled"], true);
    assert_eq!(created["url"], url);
    (id_of(&created, "webhook_id"), id_of(&created, "secret"))
}

async fn deliveries(admin: &Api, webhook: &str) -> Vec<Value> {
    let page = admin
        .get(&format!("/admin/webhooks/{webhook}/deliveries?limit=200"))
        .await
        .ok(200);
    page["items"].as_array().cloned().unwrap_or_default()
}

/// The delivery of `event_id` once it has `attempts` attempts (waiting up to 20 s).
async fn delivery_after(admin: &Api, webhook: &str, event_id: &str, attempts: u64) -> Value {
    for _ in 0..100 {
        let found = deliveries(admin, webhook)
            .await
            .into_iter()
            .find(|d| d["event_id"] == event_id && d["attempts"].as_u64() >= Some(attempts));
        if let Some(d) = found {
            return d;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no delivery of {event_id} with {attempts} attempts");
}

#[tokio::test]
async fn every_event_type_reaches_a_subscribed_webhook_signed_and_in_order() {
    let receiver = Receiver::start(200).await;
    let admin = Api::admin().await;
    let (webhook, secret) = register(&admin, &receiver.url, &ALL_TYPES).await;
    let (s, _team, _) = Shop::on_team(None).await;
    let placed = s.order(&s.flour, 2).await.ok(201);
    let first = id_of(&placed, "order_id");
    let notes = json!({"notes": "Leave at the back door", "version": placed["version"]});
    s.admin
        .patch(&format!("/admin/orders/{first}"), &notes)
        .await
        .ok(200);
    s.admin
        .post(&format!("/admin/orders/{first}/confirm"), &json!({}))
        .await
        .ok(200);
    let second = id_of(&s.order(&s.sugar, 1).await.ok(201), "order_id");
    s.admin
        .post(
            &format!("/admin/orders/{second}/reject"),
            &json!({"reason": "Out of stock"}),
        )
        .await
        .ok(200);
    let third = id_of(&s.order(&s.sugar, 3).await.ok(201), "order_id");
    s.buyer
        .post(&format!("/orders/{third}/cancel"), &json!({}))
        .await
        .ok(200);
    admin
        .update_login(&s.login_id, &json!({"enabled": false}))
        .await
        .ok(200);
    admin
        .delete(&format!("/admin/customers/{}", s.customer_id))
        .await
        .ok(204);

    let ours = |e: &Value| e["data"]["customer_id"] == s.customer_id.as_str();
    let wanted = |got: &[Received]| {
        ALL_TYPES
            .iter()
            .all(|t| got.iter().any(|r| r.json()["type"] == *t))
    };
    let mut got = Vec::new();
    for _ in 0..300 {
        got = receiver.wait_for(ours, 0, Duration::ZERO).await;
        if wanted(&got) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let types: Vec<String> = got
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap().to_owned())
        .collect();
    for t in ALL_TYPES {
        assert!(types.iter().any(|x| x == t), "{t} never arrived: {types:?}");
    }
    for r in &got {
        let event = r.json();
        assert!(r.signed_by(&secret), "{event}");
        assert_eq!(r.header("webhook-id"), event["id"], "{event}");
        assert_eq!(r.header("content-type"), "application/json");
        let ts: i64 = r.header("webhook-timestamp").parse().unwrap();
        assert!((orderdesk::domain::Timestamp::now().unix_seconds() - ts).abs() < 120);
    }
    let of_first: Vec<String> = got
        .iter()
        .map(Received::json)
        .filter(|e| e["data"]["order_id"] == first.as_str())
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    let position = |t: &str| of_first.iter().position(|x| *x == t).unwrap_or(usize::MAX);
    assert!(
        position("order.requested") < position("order.updated")
            && position("order.updated") < position("order.confirmed"),
        "in event order: {of_first:?}"
    );
    let confirmed = got
        .iter()
        .map(Received::json)
        .find(|e| e["type"] == "order.confirmed")
        .unwrap();
    assert_eq!(confirmed["data"]["status"], "confirmed");
    let log = deliveries(&admin, &webhook).await;
    let logged = log
        .iter()
        .find(|d| d["event_id"] == confirmed["id"])
        .expect("the confirmation's delivery in the log");
    assert_eq!(logged["status"], "succeeded");
    assert_eq!(logged["last_status_code"], 200);
    assert_eq!(logged["event_type"], "order.confirmed");
    admin
        .delete(&format!("/admin/webhooks/{webhook}"))
        .await
        .ok(204);
}

#[tokio::test]
async fn a_failing_endpoint_is_retried_on_its_schedule_by_housekeeping_and_by_hand() {
    let receiver = Receiver::start(500).await;
    let admin = Api::admin().await;
    let (webhook, secret) = register(&admin, &receiver.url, &["order.confirmed"]).await;

    let test = admin
        .post(&format!("/admin/webhooks/{webhook}/test"), &json!({}))
        .await
        .ok(202);
    let event_id = id_of(&test, "event_id");
    let failed = delivery_after(&admin, &webhook, &event_id, 1).await;

    assert_eq!(failed["status"], "pending");
    assert_eq!(failed["last_status_code"], 500);
    assert_eq!(failed["event_type"], "webhook.test");
    assert_eq!(failed["log"][0]["error"], "answered 500");
    let next =
        orderdesk::domain::Timestamp::parse(failed["next_attempt_at"].as_str().unwrap()).unwrap();
    let wait = next.unix_seconds() - orderdesk::domain::Timestamp::now().unix_seconds();
    assert!(
        (200..=340).contains(&wait),
        "the first retry waits about 5 minutes, not {wait} s"
    );
    // The webhook also gets the order.confirmed events of the tests running beside it.
    let ours = || -> Vec<Received> {
        receiver
            .got()
            .into_iter()
            .filter(|r| r.header("webhook-id") == event_id)
            .collect()
    };
    let first = ours();
    assert_eq!(first.len(), 1);
    assert!(first[0].signed_by(&secret));
    assert_eq!(first[0].json()["type"], "webhook.test");

    let housekeeping = orderdesk_housekeeping::App::from_env()
        .await
        .expect("housekeeping starts");
    let now = orderdesk::domain::Timestamp::now();
    let early = housekeeping.run(now).await;
    assert!(early.failed().is_empty(), "{early:?}");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(ours().len(), 1, "not retried before it is due");
    receiver.answer(204, Duration::ZERO);
    let due = housekeeping.run(now.plus_seconds(400)).await;
    assert!(due.failed().is_empty(), "{due:?}");
    let retried = delivery_after(&admin, &webhook, &event_id, 2).await;
    assert_eq!(retried["status"], "succeeded");
    assert_eq!(retried["last_status_code"], 204);
    assert_eq!(retried["next_attempt_at"], Value::Null);
    housekeeping.run(now.plus_seconds(800)).await;

    let by_hand = admin
        .post(
            &format!(
                "/admin/webhooks/{webhook}/deliveries/{}/retry",
                retried["delivery_id"].as_str().unwrap()
            ),
            &json!({}),
        )
        .await
        .ok(202);
    assert_eq!(by_hand["event_id"], event_id.as_str());
    let again = delivery_after(&admin, &webhook, &event_id, 3).await;
    assert_eq!(again["status"], "succeeded");
    let all = ours();
    assert_eq!(all.len(), 3, "once at first, once when due, once by hand");
    assert!(
        all.iter()
            .all(|r| r.signed_by(&secret) && r.json()["id"] == event_id.as_str()),
        "every attempt is the same event, signed"
    );
    admin
        .post(
            &format!(
                "/admin/webhooks/{webhook}/deliveries/dlv_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b/retry"
            ),
            &json!({}),
        )
        .await
        .problem(404);
    admin
        .delete(&format!("/admin/webhooks/{webhook}"))
        .await
        .ok(204);
}

#[tokio::test]
async fn urls_that_reach_inside_or_carry_credentials_are_refused_naming_the_url_and_nothing_is_written()
 {
    let admin = Api::admin().await;
    let before = admin.get("/admin/webhooks").await.ok(200)["items"]
        .as_array()
        .unwrap()
        .len();
    let refused = [
        "http://erp.example.com/hooks",
        "ftp://erp.example.com/hooks",
        "https://user:secret@erp.example.com/hooks",
        "https://10.0.0.8/hooks",
        "https://172.20.1.1/hooks",
        "https://192.168.0.10/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://100.64.0.9/hooks",
        "https://224.0.0.251/hooks",
        "https://0.0.0.0/hooks",
        "https://[fd00:ec2::254]/hooks",
        "https://[fe80::1]/hooks",
        "https://[::ffff:10.0.0.8]/hooks",
        "https://[ff02::1]/hooks",
        "https://erp.example.com/hooks#section",
        "not a url",
        "https://no-such-host.invalid/hooks",
    ];

    for url in refused {
        let reply = admin
            .post(
                "/admin/webhooks",
                &json!({"url": url, "events": ["order.confirmed"]}),
            )
            .await;
        assert_eq!(reply.invalid(), ["url"], "{url}: {:?}", reply.problem(400));
    }
    let bad_events = admin
        .post(
            "/admin/webhooks",
            &json!({"url": "https://93.184.216.34/hooks", "events": ["order.shipped"]}),
        )
        .await;
    assert_eq!(bad_events.invalid(), ["events[0]"]);

    let after = admin.get("/admin/webhooks").await.ok(200)["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before);
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_new_one_and_neither_is_stored_in_the_clear() {
    let receiver = Receiver::start(200).await;
    let admin = Api::admin().await;
    let (webhook, old) = register(&admin, &receiver.url, &["login.disabled"]).await;

    let rotated = admin
        .post(
            &format!("/admin/webhooks/{webhook}/secret/rotate"),
            &json!({}),
        )
        .await
        .ok(200);
    let new = id_of(&rotated, "secret");
    admin
        .post(&format!("/admin/webhooks/{webhook}/test"), &json!({}))
        .await
        .ok(202);
    let got = receiver
        .wait_for(|e| e["type"] == "webhook.test", 1, Duration::from_secs(20))
        .await;

    assert_ne!(old, new);
    assert!(new.starts_with("whsec_"));
    assert_eq!(got[0].header("webhook-signature").split(' ').count(), 2);
    assert!(got[0].signed_by(&new) && got[0].signed_by(&old));
    let shown = admin
        .get(&format!("/admin/webhooks/{webhook}"))
        .await
        .ok(200);
    assert!(shown.get("secret").is_none());
    assert!(shown["secret_rotated_until"].is_string());
    let stored = item(&format!("WEBHOOK#{webhook}"), "WEBHOOK")
        .await
        .expect("the webhook's item");
    let text = format!("{stored:?}");
    for secret in [&old, &new] {
        let key = secret.trim_start_matches("whsec_");
        assert!(!text.contains(key), "a secret in the clear in the table");
    }
    assert!(
        stored["secret"]
            .as_s()
            .unwrap()
            .starts_with(r#"{"sealed":"#)
    );
    admin
        .delete(&format!("/admin/webhooks/{webhook}"))
        .await
        .ok(204);
    admin
        .get(&format!("/admin/webhooks/{webhook}"))
        .await
        .problem(404);
}

#[tokio::test]
async fn a_slow_endpoint_holds_up_only_its_own_deliveries() {
    let (slow, fast) = (Receiver::start(200).await, Receiver::start(200).await);
    slow.answer(200, Duration::from_secs(4));
    let admin = Api::admin().await;
    // A type the tests beside this one rarely cause, so their events seldom queue between.
    let (slow_hook, _) = register(&admin, &slow.url, &["login.disabled"]).await;
    let (fast_hook, _) = register(&admin, &fast.url, &["login.disabled"]).await;

    for _ in 0..3 {
        admin
            .post(&format!("/admin/webhooks/{slow_hook}/test"), &json!({}))
            .await
            .ok(202);
    }
    let started = Instant::now();
    admin
        .post(&format!("/admin/webhooks/{fast_hook}/test"), &json!({}))
        .await
        .ok(202);
    let fast_got = fast
        .wait_for(|e| e["type"] == "webhook.test", 1, Duration::from_secs(30))
        .await;
    let fast_took = started.elapsed();
    let slow_got = slow
        .wait_for(|e| e["type"] == "webhook.test", 3, Duration::from_secs(60))
        .await;

    assert_eq!(fast_got.len(), 1);
    assert!(
        fast_took < Duration::from_secs(4),
        "the fast webhook waited {fast_took:?}"
    );
    assert_eq!(slow_got.len(), 3);
    let gaps: Vec<Duration> = slow_got.windows(2).map(|w| w[1].at - w[0].at).collect();
    assert!(
        gaps.iter().all(|g| *g >= Duration::from_millis(3500)),
        "one at a time, in order: {gaps:?}"
    );
    for hook in [slow_hook, fast_hook] {
        admin
            .delete(&format!("/admin/webhooks/{hook}"))
            .await
            .ok(204);
    }
}
