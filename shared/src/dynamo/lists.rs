//! Saved lists in the table: each list an item in its account's partition, beside a count of
//! the account's lists that a new list's write raises only below the limit. Keys:
//! [`super::keys`].

use super::DynamoStore;
use super::attr::{Item, Reader, bad, n, s};
use super::keys::{LIST_COUNT_SK, LIST_PREFIX, customer_pk, list_sk};
use super::write::TxError;
use crate::error::Unexpected;
use crate::ids::{CustomerId, ListId, LoginId};
use crate::lists::{ListStore, ListStoreError, ListWrite, MAX_LISTS, SavedList};
use aws_sdk_dynamodb::types::{TransactWriteItem, Update};

pub fn to_item(l: &SavedList) -> Item {
    Item::from([
        ("PK".into(), s(customer_pk(&l.customer_id))),
        ("SK".into(), s(list_sk(&l.list_id))),
        ("type".into(), s("list")),
        ("list_id".into(), s(l.list_id.as_str())),
        ("name".into(), s(&l.name)),
        (
            "lines".into(),
            s(serde_json::to_string(&l.lines).expect("lines serialise")),
        ),
        ("created_by".into(), s(l.created_by.as_str())),
        ("created_at".into(), s(l.created_at.to_string())),
        ("updated_at".into(), s(l.updated_at.to_string())),
        ("version".into(), n(l.version)),
    ])
}

pub fn from_item(customer_id: &CustomerId, item: &Item) -> Result<SavedList, Unexpected> {
    let r = Reader(item);
    Ok(SavedList {
        list_id: ListId::parse(r.s("list_id")?).ok_or_else(|| bad("list", "list_id"))?,
        customer_id: customer_id.clone(),
        name: r.s("name")?.to_owned(),
        lines: r.json("lines")?.unwrap_or_default(),
        created_by: LoginId::parse(r.s("created_by")?).ok_or_else(|| bad("list", "created_by"))?,
        created_at: r.time("created_at")?,
        updated_at: r.time("updated_at")?,
        version: r.n("version")?,
    })
}

impl DynamoStore {
    /// Changes the account's count of lists by `by`; raising it fails its condition at the
    /// limit.
    fn count_lists(&self, customer: &CustomerId, by: i64) -> TransactWriteItem {
        let mut update = Update::builder()
            .table_name(self.table())
            .key("PK", s(customer_pk(customer)))
            .key("SK", s(LIST_COUNT_SK))
            .update_expression("SET #type = :type ADD lists :by")
            .expression_attribute_names("#type", "type")
            .expression_attribute_values(":type", s("list_count"))
            .expression_attribute_values(":by", n(by));
        if by > 0 {
            update = update
                .condition_expression("attribute_not_exists(lists) OR lists < :max")
                .expression_attribute_values(":max", n(MAX_LISTS));
        }
        TransactWriteItem::builder()
            .update(update.build().expect("table, key and expression are set"))
            .build()
    }
}

#[async_trait::async_trait]
impl ListStore for DynamoStore {
    async fn list(
        &self,
        customer: &CustomerId,
        id: &ListId,
    ) -> Result<Option<SavedList>, Unexpected> {
        self.get_as((customer_pk(customer), &list_sk(id)), |i| {
            from_item(customer, i)
        })
        .await
    }

    async fn lists(&self, customer: &CustomerId) -> Result<Vec<SavedList>, Unexpected> {
        let out = self
            .client()
            .query()
            .table_name(self.table())
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", s(customer_pk(customer)))
            .expression_attribute_values(":prefix", s(LIST_PREFIX))
            .send()
            .await
            .map_err(|e| crate::sdk::failure("DynamoDB Query failed", e))?;
        if out.last_evaluated_key.is_some() {
            return Err(Unexpected::new("an account's lists are over one page"));
        }
        out.items().iter().map(|i| from_item(customer, i)).collect()
    }

    async fn put_list(&self, w: ListWrite<'_>) -> Result<(), ListStoreError> {
        match w {
            ListWrite::New(list) => {
                let actions = vec![
                    self.count_lists(&list.customer_id, 1),
                    self.put_new(to_item(list)),
                ];
                self.transact(actions).await.map_err(|e| match e {
                    e if e.failed(0) => ListStoreError::Full,
                    TxError::Condition(_) => Unexpected::new("a new list's id was taken").into(),
                    TxError::Contention => ListStoreError::Stale,
                    TxError::Unexpected(e) => e.into(),
                })
            }
            ListWrite::Change { before, after } => {
                let put = self.put_versioned(to_item(after), before.version);
                self.transact(vec![put]).await.map_err(|e| match e {
                    TxError::Condition(_) | TxError::Contention => ListStoreError::Stale,
                    TxError::Unexpected(e) => e.into(),
                })
            }
        }
    }

    async fn delete_list(&self, list: &SavedList) -> Result<(), ListStoreError> {
        let key = (customer_pk(&list.customer_id), list_sk(&list.list_id));
        let actions = vec![
            self.delete_versioned((key.0, &key.1), list.version),
            self.count_lists(&list.customer_id, -1),
        ];
        self.transact(actions).await.map_err(|e| match e {
            TxError::Condition(_) | TxError::Contention => ListStoreError::Stale,
            TxError::Unexpected(e) => e.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;
    use crate::ids::Sku;
    use crate::orders::{Line, Quantity};

    #[test]
    fn a_list_item_is_keyed_under_its_account_and_reads_back() {
        let customer = CustomerId::parse("cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap();
        let list = SavedList {
            list_id: ListId::parse("lst_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            customer_id: customer.clone(),
            name: "Monday bread".into(),
            lines: vec![Line {
                sku: Sku::parse("FLOUR-25").unwrap(),
                quantity: Quantity::new(3).unwrap(),
            }],
            created_by: LoginId::parse("lgn_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap(),
            created_at: Timestamp::parse("2026-11-23T08:00:00Z").unwrap(),
            updated_at: Timestamp::parse("2026-11-24T08:00:00Z").unwrap(),
            version: 2,
        };
        let it = to_item(&list);
        assert_eq!(it.len(), 10);
        assert_eq!(it["PK"], s("CUSTOMER#cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"));
        assert_eq!(it["SK"], s("LIST#lst_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"));
        assert_eq!(it["type"], s("list"));
        assert_eq!(it["name"], s("Monday bread"));
        assert_eq!(it["lines"], s(r#"[{"sku":"FLOUR-25","quantity":3}]"#));
        assert_eq!(it["created_by"], s("lgn_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b"));
        assert_eq!(it["version"], n(2));
        assert_eq!(from_item(&customer, &it).unwrap(), list);
    }

    #[test]
    fn a_new_list_raises_the_accounts_count_only_below_the_limit() {
        let store = DynamoStore::new(
            aws_sdk_dynamodb::Client::from_conf(
                aws_sdk_dynamodb::Config::builder()
                    .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
                    .build(),
            ),
            "T",
        );
        let customer = CustomerId::parse("cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b").unwrap();
        let raise = store.count_lists(&customer, 1);
        let update = raise.update().unwrap();
        assert_eq!(
            update.key()["PK"],
            s("CUSTOMER#cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b")
        );
        assert_eq!(update.key()["SK"], s("LISTCOUNT"));
        assert_eq!(
            update.condition_expression(),
            Some("attribute_not_exists(lists) OR lists < :max")
        );
        let values = update.expression_attribute_values().unwrap();
        assert_eq!(values[":max"], n(50));
        let lower = store.count_lists(&customer, -1);
        assert_eq!(lower.update().unwrap().condition_expression(), None);
    }
}
