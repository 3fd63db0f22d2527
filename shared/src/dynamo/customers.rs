use super::attr::{Item, n, s, string_of};
use super::{CancelReason, DynamoStore, cancellation_reasons, index};
use crate::audit::{self, AuditEntry};
use crate::customers::{
    Customer, CustomerFilter, CustomerId, CustomerStatus, CustomerStore, IdempotencyStore,
    StoreError, TagAction, TagChange, item,
};
use crate::domain::Timestamp;
use crate::idempotency::{self, IdempotencyRecord};
use crate::page::{Cursor, Page, PageRequest};
use crate::store::Unexpected;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};

/// Most DynamoDB pages one listing request reads before it answers with what it found and a
/// cursor: each page is at most 1 MB, so a search stays bounded in time however rare its match.
const MAX_PAGES_PER_LIST: usize = 4;

impl DynamoStore {
    pub(crate) fn put(&self, item: Item, condition: Option<&str>) -> TransactWriteItem {
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(item))
            .set_condition_expression(condition.map(str::to_owned))
            .build()
            .expect("table and item are set");
        TransactWriteItem::builder().put(put).build()
    }

    pub(crate) fn put_new(&self, item: Item) -> TransactWriteItem {
        self.put(item, Some("attribute_not_exists(PK)"))
    }

    pub(crate) fn put_idempotency(&self, record: &IdempotencyRecord) -> TransactWriteItem {
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(idempotency::item::to_item(record)))
            .condition_expression("attribute_not_exists(PK) OR #ttl < :now")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":now", n(Timestamp::now().unix_seconds()))
            .build()
            .expect("table and item are set");
        TransactWriteItem::builder().put(put).build()
    }

    pub(crate) fn put_audit(&self, entry: &AuditEntry) -> TransactWriteItem {
        self.put(audit::item::to_item(entry), None)
    }

    /// The outbox item that carries an email, to ride in the transaction of its state change.
    pub fn put_outbox(&self, o: &crate::outbox::OutboxItem) -> TransactWriteItem {
        self.put_new(crate::outbox::item::to_item(o))
    }

    pub(crate) fn delete_email_guard(&self, c: &Customer) -> TransactWriteItem {
        let delete = Delete::builder()
            .table_name(self.table())
            .key("PK", s(item::email_guard_pk(&c.email)))
            .key("SK", s(item::EMAIL_GUARD_SK))
            .condition_expression("customer_id = :id")
            .expression_attribute_values(":id", s(c.customer_id.as_str()))
            .build()
            .expect("table and key are set");
        TransactWriteItem::builder().delete(delete).build()
    }
}

/// The store error for a failed transaction: a condition named by `on_condition`, contention,
/// or something unexpected.
pub(crate) fn transaction_error<R: std::fmt::Debug>(
    e: aws_sdk_dynamodb::error::SdkError<
        aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError,
        R,
    >,
    on_condition: impl FnOnce(&[usize]) -> Option<StoreError>,
) -> StoreError {
    if let Some(reasons) = cancellation_reasons(&e) {
        // A conflict means another transaction on these items had not finished: what the
        // conditions saw may be half of it, so nothing is concluded before a retry.
        if reasons.contains(&CancelReason::TransactionConflict) {
            return StoreError::Contention;
        }
        let failed = failed_at(&reasons);
        if !failed.is_empty()
            && let Some(err) = on_condition(&failed)
        {
            return err;
        }
    }
    Unexpected::new(aws_sdk_dynamodb::error::DisplayErrorContext(e)).into()
}

impl DynamoStore {
    /// Runs one `TransactWriteItems`; a cancellation becomes what `on_condition` makes of the
    /// failed actions' positions, contention, or an unexpected failure.
    pub(crate) async fn transact_write(
        &self,
        actions: Vec<TransactWriteItem>,
        on_condition: impl FnOnce(&[usize]) -> Option<StoreError>,
    ) -> Result<(), StoreError> {
        self.client()
            .transact_write_items()
            .set_transact_items(Some(actions))
            .send()
            .await
            .map(drop)
            .map_err(|e| transaction_error(e, on_condition))
    }
}

/// Which action of a transaction failed its condition.
pub(crate) fn failed_at(reasons: &[CancelReason]) -> Vec<usize> {
    reasons
        .iter()
        .enumerate()
        .filter(|(_, r)| **r == CancelReason::ConditionalCheckFailed)
        .map(|(i, _)| i)
        .collect()
}

#[async_trait::async_trait]
impl CustomerStore for DynamoStore {
    async fn insert(
        &self,
        customer: &Customer,
        audit: &AuditEntry,
        idempotency: Option<&IdempotencyRecord>,
    ) -> Result<(), StoreError> {
        let mut actions = Vec::with_capacity(4);
        let key_at = idempotency.map(|r| {
            actions.push(self.put_idempotency(r));
            actions.len() - 1
        });
        let guard_at = actions.len() + 1;
        actions.push(self.put_new(item::to_item(customer)));
        actions.push(self.put_new(item::email_guard_item(customer)));
        actions.push(self.put_audit(audit));
        self.transact_write(actions, |failed| {
            if key_at.is_some_and(|k| failed.contains(&k)) {
                Some(StoreError::KeyTaken)
            } else if failed.contains(&guard_at) {
                Some(StoreError::DuplicateEmail)
            } else {
                None
            }
        })
        .await
    }

    async fn get(&self, id: &CustomerId) -> Result<Option<Customer>, Unexpected> {
        self.get_item(item::pk(id), item::SK)
            .await?
            .as_ref()
            .map(item::from_item)
            .transpose()
    }

    async fn replace(
        &self,
        before: &Customer,
        after: &Customer,
        audit: &AuditEntry,
    ) -> Result<(), StoreError> {
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(item::to_item(after)))
            .condition_expression("version = :v")
            .expression_attribute_values(":v", n(before.version))
            .build()
            .expect("table and item are set");
        let mut actions = vec![
            TransactWriteItem::builder().put(put).build(),
            self.put_audit(audit),
        ];
        let email_changed = before.email != after.email;
        if after.is_deleted() || email_changed {
            actions.push(self.delete_email_guard(before));
        }
        if email_changed && !after.is_deleted() {
            actions.push(self.put_new(item::email_guard_item(after)));
        }
        self.transact_write(actions, |failed| {
            if failed.contains(&0) {
                Some(StoreError::Stale)
            } else if failed.contains(&3) {
                Some(StoreError::DuplicateEmail)
            } else {
                None
            }
        })
        .await
    }

    async fn list(
        &self,
        filter: &CustomerFilter,
        page: &PageRequest,
    ) -> Result<Page<Customer>, StoreError> {
        let partition = item::directory_pk(filter.status.unwrap_or(CustomerStatus::Active));
        let mut start = page
            .cursor
            .as_ref()
            .map(|c| directory_start_key(c, partition))
            .transpose()?;

        let mut conditions = Vec::new();
        let mut values = vec![(":dir".to_owned(), s(partition))];
        if let Some(status) = filter.status.filter(|s| *s != CustomerStatus::Deleted) {
            conditions.push("#status = :status");
            values.push((":status".into(), s(status.as_str())));
        }
        if let Some(q) = &filter.q {
            conditions.push("contains(#search, :q)");
            values.push((":q".into(), s(q)));
        }
        if let Some(tag) = &filter.tag {
            conditions.push("contains(tags, :tag)");
            values.push((":tag".into(), s(tag.as_str())));
        }
        let filtered = !conditions.is_empty();

        let mut items = Vec::new();
        let mut last_key = None;
        for _ in 0..MAX_PAGES_PER_LIST {
            let want = page.limit - items.len();
            let mut query = self
                .client()
                .query()
                .table_name(self.table())
                .index_name(index::GSI1)
                .key_condition_expression("GSI1PK = :dir")
                .set_exclusive_start_key(start.take())
                .limit(if filtered { 1000 } else { want as i32 });
            for (k, v) in &values {
                query = query.expression_attribute_values(k, v.clone());
            }
            if filtered {
                query = query.filter_expression(conditions.join(" AND "));
                if filter.status.is_some() && filter.status != Some(CustomerStatus::Deleted) {
                    query = query.expression_attribute_names("#status", "status");
                }
                if filter.q.is_some() {
                    query = query.expression_attribute_names("#search", "search");
                }
            }
            let out = query
                .send()
                .await
                .map_err(|e| Unexpected::new(aws_sdk_dynamodb::error::DisplayErrorContext(e)))?;
            let mut consumed = 0;
            for raw in out.items() {
                if items.len() == page.limit {
                    break;
                }
                items.push(item::from_item(raw)?);
                last_key = Some(directory_key_of(raw));
                consumed += 1;
            }
            if items.len() == page.limit {
                let more = out.last_evaluated_key().is_some() || consumed < out.items().len();
                let cursor = more.then(|| last_key.take()).flatten();
                return Ok(Page {
                    items,
                    next_cursor: cursor.map(|c| c.encode()),
                });
            }
            match out.last_evaluated_key() {
                Some(k) => start = Some(k.clone()),
                None => {
                    return Ok(Page {
                        items,
                        next_cursor: None,
                    });
                }
            }
        }
        let next = start.map(|k| {
            Cursor(
                k.iter()
                    .filter_map(|(name, v)| v.as_s().ok().map(|v| (name.clone(), v.clone())))
                    .collect(),
            )
            .encode()
        });
        Ok(Page {
            items,
            next_cursor: next,
        })
    }

    async fn tag(
        &self,
        change: &TagChange,
        now: Timestamp,
        audits: &[AuditEntry],
    ) -> Result<(), StoreError> {
        let op = match change.action {
            TagAction::Add => "ADD",
            TagAction::Remove => "DELETE",
        };
        let mut actions: Vec<TransactWriteItem> = change
            .customer_ids
            .iter()
            .map(|id| {
                let update = Update::builder()
                    .table_name(self.table())
                    .key("PK", s(item::pk(id)))
                    .key("SK", s(item::SK))
                    .update_expression(format!(
                        "{op} tags :tag SET updated_at = :now, version = version + :one"
                    ))
                    .condition_expression("attribute_exists(PK) AND #status <> :deleted")
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(
                        ":tag",
                        AttributeValue::Ss(vec![change.tag.as_str().to_owned()]),
                    )
                    .expression_attribute_values(":now", s(now.to_string()))
                    .expression_attribute_values(":one", n(1))
                    .expression_attribute_values(":deleted", s(CustomerStatus::Deleted.as_str()))
                    .build()
                    .expect("table, key and expression are set");
                TransactWriteItem::builder().update(update).build()
            })
            .collect();
        actions.extend(audits.iter().map(|a| self.put_audit(a)));
        self.transact_write(actions, |failed| {
            Some(StoreError::Missing(
                failed
                    .iter()
                    .filter_map(|i| change.customer_ids.get(*i).cloned())
                    .collect(),
            ))
        })
        .await
    }
}

const DIRECTORY_KEY: [&str; 4] = ["PK", "SK", "GSI1PK", "GSI1SK"];

fn directory_key_of(raw: &Item) -> Cursor {
    Cursor(
        DIRECTORY_KEY
            .iter()
            .filter_map(|k| string_of(raw, k).map(|v| ((*k).to_owned(), v)))
            .collect(),
    )
}

/// Turns a client's cursor back into a start key, refusing one from another listing.
fn directory_start_key(c: &Cursor, partition: &str) -> Result<Item, StoreError> {
    let fits = c.0.len() == DIRECTORY_KEY.len()
        && DIRECTORY_KEY.iter().all(|k| c.0.contains_key(*k))
        && c.0["GSI1PK"] == partition
        && c.0["PK"].starts_with("CUSTOMER#")
        && c.0["SK"] == item::SK;
    if !fits {
        return Err(StoreError::BadCursor);
    }
    Ok(c.0.iter().map(|(k, v)| (k.clone(), s(v))).collect())
}

#[async_trait::async_trait]
impl IdempotencyStore for DynamoStore {
    async fn find_idempotency(&self, scope: &str) -> Result<Option<IdempotencyRecord>, Unexpected> {
        let now = Timestamp::now().unix_seconds();
        self.get_item(idempotency::item::pk(scope), idempotency::item::SK)
            .await?
            .map(|i| idempotency::item::from_item(scope, &i))
            .transpose()
            .map(|r| r.filter(|r| r.expires_at >= now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn a_cursor_from_another_listing_is_refused() {
        let good = Cursor(BTreeMap::from([
            ("PK".into(), "CUSTOMER#cus_1".into()),
            ("SK".into(), "CUSTOMER".into()),
            ("GSI1PK".into(), "CUSTDIR".into()),
            ("GSI1SK".into(), "acme#cus_1".into()),
        ]));
        assert!(directory_start_key(&good, item::DIRECTORY).is_ok());
        assert!(matches!(
            directory_start_key(&good, item::DIRECTORY_DELETED),
            Err(StoreError::BadCursor)
        ));
        let mut foreign = good.clone();
        foreign.0.insert("PK".into(), "ORDER#1".into());
        assert!(directory_start_key(&foreign, item::DIRECTORY).is_err());
        let mut extra = good;
        extra.0.insert("X".into(), "y".into());
        assert!(directory_start_key(&extra, item::DIRECTORY).is_err());
    }
}
