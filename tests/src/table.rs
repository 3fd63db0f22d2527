//! The table behind the API, read and changed straight on DynamoDB Local: what a test checks
//! was stored, and what only time or a crash would change.

use crate::{dynamodb, stack};
use aws_sdk_dynamodb::types::AttributeValue;
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
