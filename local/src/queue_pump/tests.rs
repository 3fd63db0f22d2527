//! The pump against the local stack's SQS (moto): these tests run when `AWS_ENDPOINT_URL_SQS`
//! is set, e.g. `python3 local/stack.py test -- cargo test -p orderdesk-local queue_pump`, and
//! pass without a word otherwise, like the rest of `cargo test -p orderdesk-local`.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use aws_sdk_sqs::types::QueueAttributeName as Attribute;
use serde_json::json;
use tokio::time::Instant;

use super::*;
use crate::{
    invoke::event_app,
    template::{Function, QueueTrigger},
};

/// An SQS client of the local stack's moto, when one is up.
async fn local_sqs() -> Option<Client> {
    std::env::var("AWS_ENDPOINT_URL_SQS").ok()?;
    let aws = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .load()
        .await;
    Some(Client::new(&aws))
}

/// A FIFO queue of its own for one test, with a dead-letter queue after `max_receives`.
async fn fifo_queue(client: &Client, max_receives: u32) -> (String, String) {
    let name = format!("pump-{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let fifo = |suffix: &str| {
        client
            .create_queue()
            .queue_name(format!("{name}{suffix}.fifo"))
            .attributes(Attribute::FifoQueue, "true")
    };
    let dlq_url = fifo("-dlq").send().await.unwrap().queue_url.unwrap();
    let dlq_arn = client
        .get_queue_attributes()
        .queue_url(&dlq_url)
        .attribute_names(Attribute::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap()[&Attribute::QueueArn]
        .clone();
    let redrive = json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receives});
    fifo("")
        .attributes(Attribute::VisibilityTimeout, "30")
        .attributes(Attribute::RedrivePolicy, redrive.to_string())
        .send()
        .await
        .unwrap();
    (format!("{name}.fifo"), dlq_url)
}

/// What the function saw: each message's body as its invocation ended.
type Seen = Arc<Mutex<Vec<String>>>;

/// Starts the pump on `queue_name` with a function that sleeps `slow` for the group "slow"
/// and reports failed every message whose body starts with "bad".
async fn pump(client: &Client, queue_name: &str, slow: Duration) -> Seen {
    let seen = Seen::default();
    let log = Arc::clone(&seen);
    let handler = event_app((), move |_, event: SqsEvent| {
        let log = Arc::clone(&log);
        async move {
            let mut failed = Vec::new();
            for message in &event.records {
                if message.attributes.get("MessageGroupId").map(String::as_str) == Some("slow") {
                    tokio::time::sleep(slow).await;
                }
                let body = message.body.clone().unwrap_or_default();
                if body.starts_with("bad") {
                    failed.push(message);
                }
                log.lock().unwrap().push(body);
            }
            Ok::<SqsBatchResponse, lambda_runtime::Error>(orderdesk::queue::failures(failed))
        }
    });
    let mut registry = Registry::default();
    registry.add_event("worker", handler);
    let template = Template {
        queues: vec![QueueTrigger {
            function: Function {
                logical_id: "WorkerFunction".into(),
                binary: "worker".into(),
                timeout: Duration::from_secs(10),
                memory_mb: 128,
                routes: Vec::new(),
                sends_email: false,
            },
            name: "Jobs".into(),
            queue: "Jobs".into(),
            queue_name: Some(queue_name.replace("pump-", "${AWS::StackName}-")),
            batch_size: 1,
            reports_batch_item_failures: true,
        }],
        ..Template::default()
    };
    let pump = QueuePump::new(
        client.clone(),
        "pump".into(),
        "us-east-1".into(),
        &template,
        &registry,
        None,
    )
    .unwrap();
    tokio::spawn(pump.run());
    seen
}

async fn send(client: &Client, queue_name: &str, messages: &[(&str, &str)]) {
    let url = client
        .get_queue_url()
        .queue_name(queue_name)
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    for (group, body) in messages {
        client
            .send_message()
            .queue_url(&url)
            .message_group_id(*group)
            .message_deduplication_id(*body)
            .message_body(*body)
            .send()
            .await
            .unwrap();
    }
}

/// The counts of the queue's messages, visible and in flight.
async fn counts(client: &Client, url: &str) -> HashMap<Attribute, String> {
    client
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(Attribute::All)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap_or_default()
}

async fn until_seen(seen: &Seen, count: usize, within: Duration) -> Vec<String> {
    let deadline = Instant::now() + within;
    loop {
        let now = seen.lock().unwrap().clone();
        if now.len() >= count || Instant::now() > deadline {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn messages_reach_the_function_in_group_order_and_a_slow_group_holds_up_only_itself() {
    let Some(client) = local_sqs().await else {
        return;
    };
    let (name, _) = fifo_queue(&client, 5).await;
    let seen = pump(&client, &name, Duration::from_secs(4)).await;

    let started = Instant::now();
    send(
        &client,
        &name,
        &[("slow", "slow-1"), ("fast", "fast-1"), ("fast", "fast-2")],
    )
    .await;

    let fast = until_seen(&seen, 2, Duration::from_secs(3)).await;
    assert_eq!(fast, ["fast-1", "fast-2"], "after {:?}", started.elapsed());
    assert_eq!(
        until_seen(&seen, 3, Duration::from_secs(10)).await,
        ["fast-1", "fast-2", "slow-1"]
    );
    let url = client
        .get_queue_url()
        .queue_name(&name)
        .send()
        .await
        .unwrap();
    let url = url.queue_url.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let left = counts(&client, &url).await;
    assert_eq!(left[&Attribute::ApproximateNumberOfMessages], "0");
    assert_eq!(left[&Attribute::ApproximateNumberOfMessagesNotVisible], "0");
}

#[tokio::test]
async fn a_groups_messages_received_together_reach_the_function_one_at_a_time_in_order() {
    let Some(client) = local_sqs().await else {
        return;
    };
    let (name, _) = fifo_queue(&client, 5).await;
    let bodies: Vec<String> = (1..=25).map(|i| format!("m-{i:02}")).collect();
    let messages: Vec<(&str, &str)> = bodies.iter().map(|b| ("g", b.as_str())).collect();
    send(&client, &name, &messages).await;

    let seen = pump(&client, &name, Duration::ZERO).await;

    assert_eq!(until_seen(&seen, 25, Duration::from_secs(15)).await, bodies);
}

#[tokio::test]
async fn a_failed_message_comes_back_first_then_goes_to_the_dead_letter_queue() {
    let Some(client) = local_sqs().await else {
        return;
    };
    let (name, dlq) = fifo_queue(&client, 2).await;
    let seen = pump(&client, &name, Duration::ZERO).await;

    send(
        &client,
        &name,
        &[("g", "bad-1"), ("g", "good-2"), ("g", "good-3")],
    )
    .await;

    assert_eq!(
        until_seen(&seen, 4, Duration::from_secs(15)).await,
        ["bad-1", "bad-1", "good-2", "good-3"]
    );
    assert_eq!(
        counts(&client, &dlq).await[&Attribute::ApproximateNumberOfMessages],
        "1"
    );
}
