//! Events, end to end: a change's event is written with the change, the publisher puts it on
//! the stack's bus (moto's EventBridge), and a rule with an SQS target receives it, once per
//! change and under one id.

use orderdesk_tests::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

/// A queue that receives every `orderdesk` event on the bus through a rule of its own; removed
/// when the test ends.
struct Listener {
    queue_url: String,
    rule: String,
}

impl Listener {
    async fn start() -> Listener {
        let (bus, sqs) = (eventbridge().await, sqs().await);
        let name = unique_word();
        let queue_url = sqs
            .create_queue()
            .queue_name(&name)
            .send()
            .await
            .expect("a queue")
            .queue_url()
            .expect("its url")
            .to_owned();
        let attributes = sqs
            .get_queue_attributes()
            .queue_url(&queue_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
            .send()
            .await
            .expect("the queue's attributes");
        let arn = attributes
            .attributes()
            .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
            .expect("the queue's arn")
            .clone();
        let bus_name = &stack().event_bus_name;
        bus.put_rule()
            .name(&name)
            .event_bus_name(bus_name)
            .event_pattern(json!({"source": ["orderdesk"]}).to_string())
            .send()
            .await
            .expect("a rule on the bus");
        bus.put_targets()
            .rule(&name)
            .event_bus_name(bus_name)
            .targets(
                aws_sdk_eventbridge::types::Target::builder()
                    .id("queue")
                    .arn(arn)
                    .build()
                    .expect("a target"),
            )
            .send()
            .await
            .expect("the queue as the rule's target");
        Listener {
            queue_url,
            rule: name,
        }
    }

    /// The bus's messages about the order `order_id`, waiting until `want` of them came.
    async fn about(&self, order_id: &str, want: usize) -> Vec<Value> {
        self.whose(|data| data["order_id"] == order_id, want).await
    }

    /// The bus's messages whose event's `data` passes `wanted`, waiting until `want` came.
    async fn whose(&self, wanted: impl Fn(&Value) -> bool, want: usize) -> Vec<Value> {
        self.until(wanted, |found| found.len() >= want).await
    }

    /// The bus's messages whose event's `data` passes `wanted`, waiting until `enough` says
    /// they are.
    async fn until(
        &self,
        wanted: impl Fn(&Value) -> bool,
        enough: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let sqs = sqs().await;
        let mut found = Vec::new();
        for _ in 0..120 {
            let got = sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                .send()
                .await
                .expect("messages");
            for m in got.messages() {
                let message: Value = serde_json::from_str(m.body().unwrap_or("{}")).unwrap();
                if wanted(&message["detail"]["data"]) {
                    found.push(message);
                }
            }
            if enough(&found) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        found
    }

    async fn stop(self) {
        let bus = eventbridge().await;
        let bus_name = &stack().event_bus_name;
        let _ = bus
            .remove_targets()
            .rule(&self.rule)
            .event_bus_name(bus_name)
            .ids("queue")
            .send()
            .await;
        let _ = bus
            .delete_rule()
            .name(&self.rule)
            .event_bus_name(bus_name)
            .send()
            .await;
        let _ = sqs()
            .await
            .delete_queue()
            .queue_url(&self.queue_url)
            .send()
            .await;
    }
}

#[tokio::test]
async fn a_placed_and_confirmed_order_reaches_a_rule_on_the_bus_once_per_change_under_one_id() {
    let listener = Listener::start().await;
    let s = Shop::open(None).await;

    let order = s.order(&s.flour, 2).await.ok(201);
    let id = id_of(&order, "order_id");
    s.admin
        .post(&format!("/admin/orders/{id}/confirm"), &json!({}))
        .await
        .ok(200);
    let messages = listener.about(&id, 2).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let messages: Vec<Value> = messages
        .into_iter()
        .chain(listener.about(&id, 0).await)
        .collect();
    listener.stop().await;

    let mut ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in &messages {
        assert_eq!(m["source"], "orderdesk", "{m}");
        assert_eq!(m["detail-type"], m["detail"]["type"], "{m}");
        let event_id = m["detail"]["id"].as_str().unwrap().to_owned();
        assert!(event_id.starts_with("evt_"), "{m}");
        let at = m["detail"]["occurred_at"].as_str().unwrap();
        assert!(orderdesk::domain::Timestamp::parse(at).is_ok(), "{m}");
        ids.entry(m["detail-type"].as_str().unwrap().to_owned())
            .or_default()
            .push(event_id);
    }
    let kinds: Vec<&str> = ids.keys().map(String::as_str).collect();
    assert_eq!(
        kinds,
        ["order.confirmed", "order.requested"],
        "{messages:?}"
    );
    for (kind, seen) in &ids {
        let mut distinct = seen.clone();
        distinct.dedup();
        assert_eq!(distinct.len(), 1, "{kind} under one id: {seen:?}");
    }
    let confirmed = messages
        .iter()
        .find(|m| m["detail-type"] == "order.confirmed")
        .unwrap();
    assert_eq!(confirmed["detail"]["data"]["status"], "confirmed");
    assert_eq!(
        confirmed["detail"]["data"]["order_number"],
        order["order_number"]
    );
    let event = &ids["order.requested"][0];
    let stored = item(&format!("EVENT#{event}"), "EVENT")
        .await
        .expect("the event's item");
    let status = stored["status"].as_s().unwrap();
    assert_eq!(status, "published");
    assert!(
        !stored.contains_key("GSI2PK"),
        "no longer listed as unpublished"
    );
}

#[tokio::test]
async fn an_accounts_life_reaches_the_bus_created_updated_its_login_activated_and_disabled_deleted()
{
    let listener = Listener::start().await;
    let admin = Api::admin().await;
    let customer_id = admin.new_customer_id().await;
    admin
        .update_customer(&customer_id, &json!({"phone": "+33 1 23 45 67 89"}))
        .await
        .ok(200);
    let login = admin
        .password_login(&customer_id, "Ann", &unique_email("events"))
        .await;
    let login_id = id_of(&login, "login_id");
    admin
        .update_login(&login_id, &json!({"enabled": false}))
        .await
        .ok(200);
    admin
        .delete(&format!("/admin/customers/{customer_id}"))
        .await
        .ok(204);

    let ours = |data: &Value| data["customer_id"] == customer_id.as_str();
    let life = [
        "customer.created",
        "customer.updated",
        "login.activated",
        "login.disabled",
        "customer.deleted",
    ];
    let whole = |found: &[Value]| {
        life.iter()
            .all(|kind| found.iter().any(|m| m["detail-type"] == *kind))
    };
    let messages = listener.until(ours, whole).await;
    listener.stop().await;

    let kinds: Vec<&str> = messages
        .iter()
        .map(|m| m["detail-type"].as_str().unwrap())
        .collect();
    for kind in life {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let activated = messages
        .iter()
        .find(|m| m["detail-type"] == "login.activated")
        .unwrap();
    assert_eq!(activated["detail"]["data"]["login_id"], login_id.as_str());
    assert_eq!(activated["detail"]["data"]["status"], "active");
    let deleted = messages
        .iter()
        .find(|m| m["detail-type"] == "customer.deleted")
        .unwrap();
    assert_eq!(deleted["detail"]["data"]["status"], "deleted");
}

/// A bus that is down.
struct Down;

#[async_trait::async_trait]
impl orderdesk::events::EventBus for Down {
    async fn put(
        &self,
        _: &[orderdesk::events::Event],
    ) -> Result<Vec<usize>, orderdesk::error::Unexpected> {
        Err(orderdesk::error::Unexpected::new("the bus is down"))
    }
}

#[tokio::test]
async fn the_stream_sample_is_published_and_a_bus_that_is_down_fails_its_record_for_a_retry() {
    let event: orderdesk::stream::StreamEvent =
        serde_json::from_value(sample_event("publisher-stream.json")).unwrap();
    let live = orderdesk_publisher::App::from_env().await.unwrap();
    let shell = orderdesk::app::Shell::from_env().await.unwrap();
    let down = orderdesk_publisher::App::new(shell.store, std::sync::Arc::new(Down));

    let published = live.handle(event.clone()).await;
    let refused = down.handle(event).await;

    assert!(published.batch_item_failures.is_empty());
    let failed: Vec<_> = refused
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.clone())
        .collect();
    assert_eq!(failed, [Some("111100000000000000000001".to_owned())]);
}
