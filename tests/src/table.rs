//! The table behind the API, read and changed straight on DynamoDB Local: what a test checks
//! was stored (in the table and in its stream), and what only time or a crash would change.

use crate::{dynamodb, sdk_config, stack};
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodbstreams::types::{Record, ShardIteratorType};
use std::collections::HashMap;

/// One stored item.
pub type Item = HashMap<String, AttributeValue>;

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_owned())
}

/// The key of the item with this partition and sort key.
fn key(pk: &str, sk: &str) -> Item {
    HashMap::from([("PK".into(), s(pk)), ("SK".into(), s(sk))])
}

/// The stored item with this key.
pub async fn item(pk: &str, sk: &str) -> Option<Item> {
    dynamodb()
        .await
        .get_item()
        .table_name(&stack().table_name)
        .set_key(Some(key(pk, sk)))
        .consistent_read(true)
        .send()
        .await
        .expect("GetItem")
        .item
}

/// Every item of a partition whose sort key starts with `prefix`.
pub async fn items_with_prefix(pk: &str, prefix: &str) -> Vec<Item> {
    dynamodb()
        .await
        .query()
        .table_name(&stack().table_name)
        .key_condition_expression("PK = :pk AND begins_with(SK, :p)")
        .expression_attribute_values(":pk", s(pk))
        .expression_attribute_values(":p", s(prefix))
        .consistent_read(true)
        .send()
        .await
        .expect("Query")
        .items
        .unwrap_or_default()
}

/// The audit entries stored with a customer.
pub async fn audit_entries(customer_id: &str) -> Vec<Item> {
    items_with_prefix(&format!("CUSTOMER#{customer_id}"), "AUDIT#").await
}

/// Changes the item with this key behind the API's back: `expression` sets string `values`
/// (`#s` names `status`).
pub async fn update_item(pk: &str, sk: &str, expression: &str, values: &[(&str, &str)]) {
    let mut update = dynamodb()
        .await
        .update_item()
        .table_name(&stack().table_name)
        .set_key(Some(key(pk, sk)))
        .update_expression(expression);
    if expression.contains("#s") {
        update = update.expression_attribute_names("#s", "status");
    }
    for (k, v) in values {
        update = update.expression_attribute_values(*k, s(v));
    }
    update.send().await.expect("UpdateItem");
}

/// Changes an invitation's item as [`update_item`] does.
pub async fn update_invitation(invitation_id: &str, expression: &str, values: &[(&str, &str)]) {
    let pk = format!("INVITATION#{invitation_id}");
    update_item(&pk, "INVITATION", expression, values).await;
}

/// The outbox items still waiting to be sent, with their attributes.
pub async fn pending_outbox() -> Vec<Item> {
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let page = dynamodb()
            .await
            .query()
            .table_name(&stack().table_name)
            .index_name("GSI2")
            .key_condition_expression("GSI2PK = :pending")
            .expression_attribute_values(":pending", s("OUTBOX#PENDING"))
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("Query");
        items.extend(page.items.unwrap_or_default());
        start = page.last_evaluated_key;
        if start.is_none() {
            return items;
        }
    }
}

/// Every item of the table, read with a `Scan`, as a test may and the API never does.
pub async fn every_item() -> Vec<Item> {
    let db = dynamodb().await;
    let mut items = Vec::new();
    let mut start = None;
    loop {
        let out = db
            .scan()
            .table_name(&stack().table_name)
            .set_exclusive_start_key(start)
            .consistent_read(true)
            .send()
            .await
            .expect("Scan");
        items.extend(out.items().iter().cloned());
        start = out.last_evaluated_key;
        if start.is_none() {
            return items;
        }
    }
}

/// Every record the table's stream holds (24 hours of them in AWS; all of the stack's life on
/// DynamoDB Local), read from the start of each shard.
pub async fn stream_records() -> Vec<Record> {
    let conf = aws_sdk_dynamodbstreams::config::Builder::from(&sdk_config().await)
        .endpoint_url(&stack().dynamodb_endpoint)
        .build();
    let client = aws_sdk_dynamodbstreams::Client::from_conf(conf);
    let streams = client
        .list_streams()
        .table_name(&stack().table_name)
        .send()
        .await
        .expect("ListStreams");
    let mut records = Vec::new();
    for arn in streams.streams().iter().filter_map(|s| s.stream_arn()) {
        let mut start = None;
        loop {
            let out = client
                .describe_stream()
                .stream_arn(arn)
                .set_exclusive_start_shard_id(start)
                .send()
                .await
                .expect("DescribeStream");
            let description = out.stream_description().expect("a stream description");
            for shard in description.shards().iter().filter_map(|s| s.shard_id()) {
                let mut iterator = client
                    .get_shard_iterator()
                    .stream_arn(arn)
                    .shard_id(shard)
                    .shard_iterator_type(ShardIteratorType::TrimHorizon)
                    .send()
                    .await
                    .expect("GetShardIterator")
                    .shard_iterator;
                while let Some(at) = iterator {
                    let page = client
                        .get_records()
                        .shard_iterator(at)
                        .limit(1000)
                        .send()
                        .await
                        .expect("GetRecords");
                    if page.records().is_empty() {
                        break;
                    }
                    records.extend(page.records().iter().cloned());
                    iterator = page.next_shard_iterator;
                }
            }
            start = description.last_evaluated_shard_id.clone();
            if start.is_none() {
                break;
            }
        }
    }
    records
}
