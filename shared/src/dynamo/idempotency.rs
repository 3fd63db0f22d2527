//! The idempotency record's item, expired by the table's TTL (and treated as absent once past
//! `ttl`, since TTL deletes lazily). Keys: [`crate::dynamo::keys`].

use super::DynamoStore;
use super::attr::{Item, Reader, n, s};
use crate::domain::Timestamp;
use crate::dynamo::keys::{IDEMPOTENCY_SK, idempotency_pk};
use crate::error::Unexpected;
use crate::idempotency::{IdempotencyRecord, IdempotencyStore, StoredResponse};
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

pub fn to_item(r: &IdempotencyRecord) -> Item {
    Item::from([
        ("PK".into(), s(idempotency_pk(&r.scope))),
        ("SK".into(), s(IDEMPOTENCY_SK)),
        ("type".into(), s("idempotency")),
        ("request_hash".into(), s(&r.request_hash)),
        ("response_status".into(), n(r.response.status)),
        ("response_body".into(), s(&r.response.body)),
        ("created_at".into(), s(r.created_at.to_string())),
        ("ttl".into(), n(r.expires_at)),
    ])
}

pub fn from_item(scope: &str, item: &Item) -> Result<IdempotencyRecord, Unexpected> {
    let r = Reader(item);
    Ok(IdempotencyRecord {
        scope: scope.to_owned(),
        request_hash: r.s("request_hash")?.to_owned(),
        response: StoredResponse {
            status: r.n("response_status")?,
            body: r.s("response_body")?.to_owned(),
        },
        created_at: r.time("created_at")?,
        expires_at: r.n("ttl")?,
    })
}

impl DynamoStore {
    /// The record's put, which a record past its expiry does not block.
    pub(super) fn put_idempotency(&self, record: &IdempotencyRecord) -> TransactWriteItem {
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(to_item(record)))
            .condition_expression("attribute_not_exists(PK) OR #ttl < :now")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":now", n(Timestamp::now().unix_seconds()))
            .build()
            .expect("table and item are set");
        TransactWriteItem::builder().put(put).build()
    }
}

impl DynamoStore {
    /// A transaction's first actions: the idempotency record's put when there is one, with its
    /// position (so a failed condition there reads as the key being taken).
    pub(super) fn keyed_actions(
        &self,
        record: Option<&IdempotencyRecord>,
    ) -> (Vec<TransactWriteItem>, Option<usize>) {
        match record {
            Some(r) => (vec![self.put_idempotency(r)], Some(0)),
            None => (Vec::new(), None),
        }
    }
}

#[async_trait::async_trait]
impl IdempotencyStore for DynamoStore {
    async fn find_idempotency(&self, scope: &str) -> Result<Option<IdempotencyRecord>, Unexpected> {
        let now = Timestamp::now().unix_seconds();
        self.get_item(idempotency_pk(scope), IDEMPOTENCY_SK)
            .await?
            .map(|i| from_item(scope, &i))
            .transpose()
            .map(|r| r.filter(|r| r.expires_at >= now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::idempotency::{Idempotency, IdempotencyKey};

    #[test]
    fn an_idempotency_item_expires_after_a_day_and_reads_back() {
        let idem = Idempotency::new(
            "u1",
            "POST /admin/customers",
            &IdempotencyKey::parse("k1").unwrap(),
            &serde_json::json!({}),
        );
        let now = Timestamp::parse("2026-11-23T00:00:00Z").unwrap();
        let rec = idem.record(201, "{}".into(), now);
        let item = to_item(&rec);
        assert_eq!(item.len(), 8);
        assert_eq!(item["PK"], s("IDEMPOTENCY#u1#POST /admin/customers#k1"));
        assert_eq!(item["ttl"], n(now.unix_seconds() + 86_400));
        assert_eq!(from_item(idem.scope(), &item).unwrap(), rec);
    }
}
