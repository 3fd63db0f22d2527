//! The budgets of the webhook routes and of one delivery attempt: the binary `calls`.

use super::{call, functions, within};
use orderdesk::domain::Timestamp;
use orderdesk::dynamo::DynamoStore;
use orderdesk::dynamo::calls;
use orderdesk::events::{Event, EventType};
use orderdesk::webhooks::WebhookStore;
use orderdesk_tests::receiver::Receiver;
use orderdesk_tests::*;
use serde_json::{Value, json};
use std::time::Duration;

/// The deliveries of `webhook` as the admin reads them.
async fn deliveries(admin: &Api, webhook: &str) -> Vec<Value> {
    let path = format!("/admin/webhooks/{webhook}/deliveries?limit=200");
    let page = admin.get(&path).await.ok(200);
    page["items"].as_array().cloned().unwrap_or_default()
}

/// The id of the delivery `delivery_id` once its first attempt is recorded (the local
/// gateway's deliverer takes the test off the queue).
async fn attempted(admin: &Api, webhook: &str, delivery_id: &str) {
    for _ in 0..150 {
        let found = deliveries(admin, webhook)
            .await
            .into_iter()
            .any(|d| d["delivery_id"] == delivery_id && d["attempts"].as_u64() >= Some(1));
        if found {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the delivery {delivery_id} was never attempted");
}

#[tokio::test]
async fn the_webhook_routes_stay_within_their_budgets() {
    let f = functions().await;
    let receiver = Receiver::start(204).await;
    let admin = Api::admin().await;
    let token = admin.token();
    let hook = json!({"url": receiver.url, "events": ["login.disabled"]});
    let (body, status, c) = call("POST /admin/webhooks", "/admin/webhooks", token)
        .body(&hook)
        .on(&f.integrations)
        .await;
    within("POST /admin/webhooks", status, &c, 2, 2);
    let id = id_of(&body, "webhook_id");
    let (_, status, c) = call("GET /admin/webhooks", "/admin/webhooks", token)
        .on(&f.integrations)
        .await;
    within("GET /admin/webhooks", status, &c, 1, 1);
    let path = format!("/admin/webhooks/{id}");
    let (_, status, c) = call("GET /admin/webhooks/{webhook_id}", path.clone(), token)
        .on(&f.integrations)
        .await;
    within("GET /admin/webhooks/{id}", status, &c, 1, 1);
    let (_, status, c) = call("PATCH /admin/webhooks/{webhook_id}", path.clone(), token)
        .body(&json!({"events": ["login.disabled", "customer.deleted"]}))
        .on(&f.integrations)
        .await;
    within("PATCH /admin/webhooks/{id}", status, &c, 2, 2);
    let rotate = format!("{path}/secret/rotate");
    let (_, status, c) = call(
        "POST /admin/webhooks/{webhook_id}/secret/rotate",
        rotate,
        token,
    )
    .on(&f.integrations)
    .await;
    within("POST /admin/webhooks/{id}/secret/rotate", status, &c, 2, 2);
    let (queued, status, c) = call(
        "POST /admin/webhooks/{webhook_id}/test",
        format!("{path}/test"),
        token,
    )
    .on(&f.integrations)
    .await;
    within("POST /admin/webhooks/{id}/test", status, &c, 2, 2);
    let delivery = id_of(&queued, "delivery_id");
    attempted(&admin, &id, &delivery).await;
    let (page, status, c) = call(
        "GET /admin/webhooks/{webhook_id}/deliveries",
        format!("{path}/deliveries"),
        token,
    )
    .on(&f.integrations)
    .await;
    within("GET /admin/webhooks/{id}/deliveries", status, &c, 2, 2);
    assert_eq!(page["items"][0]["delivery_id"], delivery.as_str());
    let (_, status, c) = call(
        "POST /admin/webhooks/{webhook_id}/deliveries/{delivery_id}/retry",
        format!("{path}/deliveries/{delivery}/retry"),
        token,
    )
    .on(&f.integrations)
    .await;
    within(
        "POST /admin/webhooks/{id}/deliveries/{id}/retry",
        status,
        &c,
        2,
        2,
    );
    let (_, status, c) = call("DELETE /admin/webhooks/{webhook_id}", path, token)
        .on(&f.integrations)
        .await;
    within("DELETE /admin/webhooks/{id}", status, &c, 2, 2);
}

/// The sample SQS event of the deliverer with one message: `job`.
fn queue_event(job: &Value) -> orderdesk::queue::QueueEvent {
    let mut event = sample_event("deliverer-queue.json");
    event["Records"][0]["body"] = json!(job.to_string());
    serde_json::from_value(event).expect("an SQS event")
}

#[tokio::test]
async fn an_attempt_reads_its_webhook_event_and_delivery_at_once_and_writes_once() {
    let (receiver, closed) = (Receiver::start(204).await, closed_port_url());
    let admin = Api::admin().await;
    let deliverer = orderdesk_deliverer::App::from_env().await.unwrap();
    let s = stack();
    let store = DynamoStore::new(dynamodb().await, &s.table_name);
    for (what, url, trips) in [
        (
            "answered 204",
            receiver.url.clone(),
            "BatchGetItem then PutItem",
        ),
        (
            "refused, starting the failing streak",
            format!("{closed}/hooks"),
            "BatchGetItem then TransactWriteItems",
        ),
    ] {
        // Disabled: no event of another suite fans out to it, and the gateway's deliverer
        // never sees the job below, which only this process makes.
        let hook = json!({"url": url, "events": ["login.disabled"]});
        let webhook = id_of(
            &admin.post("/admin/webhooks", &hook).await.ok(201),
            "webhook_id",
        );
        let path = format!("/admin/webhooks/{webhook}");
        admin.patch(&path, &json!({"enabled": false})).await.ok(200);
        let event = Event::new(EventType::WebhookTest, Timestamp::now(), &json!({}));
        store.put_direct_event(&event).await.unwrap();
        let job =
            json!({"webhook_id": webhook, "event_id": event.id, "attempt": 0, "manual": true});

        let (answer, c) = calls::record(deliverer.handle(queue_event(&job))).await;

        assert!(answer.batch_item_failures.is_empty(), "{what}");
        within(&format!("an attempt, {what} ({trips})"), 200, &c, 2, 2);
        let log = deliveries(&admin, &webhook).await;
        assert_eq!(log[0]["attempts"], 1, "{what}: {log:?}");
        admin.delete(&path).await.ok(204);
    }
}
