//! Customers in the table: the account, its email guard, and the directory index (GSI1) that
//! listing and search read.

pub mod item;

use super::attr::{n, s};
use super::query::Listing;
use super::write::TxError;
use super::{DynamoStore, index};
use crate::audit::Audited;
use crate::customers::{
    Customer, CustomerFilter, CustomerStatus, CustomerStore, CustomerStoreError, TagAction, Tagging,
};
use crate::dynamo::keys::{CUSTOMER_SK, customer_pk, directory_pk};
use crate::error::Unexpected;
use crate::idempotency::IdempotencyRecord;
use crate::ids::CustomerId;
use crate::page::{Cursor, Page, PageRequest};
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};

super::write::tx_error_into!(CustomerStoreError);

/// Whether a client's cursor came from this directory partition's listing.
fn directory_cursor_fits(c: &Cursor, partition: &str) -> bool {
    c.0["GSI1PK"] == partition && c.0["PK"].starts_with("CUSTOMER#") && c.0["SK"] == CUSTOMER_SK
}

#[async_trait::async_trait]
impl CustomerStore for DynamoStore {
    async fn put(
        &self,
        w: Audited<'_, Customer>,
        key: Option<&IdempotencyRecord>,
    ) -> Result<(), CustomerStoreError> {
        let after = w.after;
        let (mut actions, key_at) = self.keyed_actions(key);
        let customer_at = actions.len();
        actions.push(match w.before {
            None => self.put_new(item::to_item(after)),
            Some(before) => self.put_versioned(item::to_item(after), before.version),
        });
        actions.push(self.put_audit(w.audit));
        let email_changed = w.before.is_some_and(|b| b.email != after.email);
        if let Some(before) = w.before.filter(|_| after.is_deleted() || email_changed) {
            actions.push(self.delete_guard(item::email_guard(before)));
        }
        let guard_at = actions.len();
        if (w.before.is_none() || email_changed) && !after.is_deleted() {
            actions.push(self.put_guard(item::email_guard(after)));
        }
        let (membership, joins) = self.membership_actions(w.before, after);
        let joins_at = joins.map(|j| actions.len() + j);
        actions.extend(membership);
        let events = crate::events::customer_events(w.before, after);
        actions.extend(
            events
                .iter()
                .map(|e| self.put(super::events::to_item(e), None)),
        );
        self.transact(actions).await.map_err(|e| match e {
            e if key_at.is_some_and(|k| e.failed(k)) => CustomerStoreError::KeyTaken,
            e if joins_at.is_some_and(|j| e.failed(j)) => CustomerStoreError::TeamGone,
            e if e.failed(guard_at) => CustomerStoreError::DuplicateEmail,
            e if w.before.is_some() && e.failed(customer_at) => CustomerStoreError::Stale,
            e => e.into(),
        })
    }

    async fn customer(&self, id: &CustomerId) -> Result<Option<Customer>, Unexpected> {
        self.get_as((customer_pk(id), CUSTOMER_SK), item::from_item)
            .await
    }

    async fn list(
        &self,
        filter: &CustomerFilter,
        page: &PageRequest,
    ) -> Result<Page<Customer>, CustomerStoreError> {
        let partition = directory_pk(filter.status.unwrap_or(CustomerStatus::Active));
        let mut conditions = Vec::new();
        let mut names = Vec::new();
        let mut values = vec![(":dir", s(partition))];
        if let Some(status) = filter.status.filter(|s| *s != CustomerStatus::Deleted) {
            conditions.push("#status = :status");
            names.push(("#status", "status"));
            values.push((":status", s(status.as_str())));
        }
        if let Some(q) = &filter.q {
            conditions.push("contains(#search, :q)");
            names.push(("#search", "search"));
            values.push((":q", s(q)));
        }
        if let Some(tag) = &filter.tag {
            conditions.push("contains(tags, :tag)");
            values.push((":tag", s(tag.as_str())));
        }
        let listing = Listing {
            index: Some(index::GSI1),
            key_condition: "GSI1PK = :dir",
            filter: (!conditions.is_empty()).then(|| conditions.join(" AND ")),
            names,
            values,
            key_attributes: &["PK", "SK", "GSI1PK", "GSI1SK"],
            forward: true,
        };
        let fits = |c: &Cursor| directory_cursor_fits(c, partition);
        self.list_page(&listing, page, fits, item::from_item)
            .await
            .map_err(|e| e.or_bad_cursor(|| CustomerStoreError::BadCursor))
    }

    async fn tag(&self, w: Tagging<'_>) -> Result<(), CustomerStoreError> {
        let (change, now, audits) = (w.change, w.at, w.audits);
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
                    .key("PK", s(customer_pk(id)))
                    .key("SK", s(CUSTOMER_SK))
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
        self.transact(actions).await.map_err(|e| match e {
            TxError::Condition(failed) => CustomerStoreError::Missing(
                failed
                    .iter()
                    .filter_map(|i| change.customer_ids.get(*i).cloned())
                    .collect(),
            ),
            e => e.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamo::keys::{DIRECTORY, DIRECTORY_DELETED};
    use std::collections::BTreeMap;

    #[test]
    fn a_directory_cursor_from_another_listing_does_not_fit() {
        let good = Cursor(BTreeMap::from([
            ("PK".into(), "CUSTOMER#cus_1".into()),
            ("SK".into(), "CUSTOMER".into()),
            ("GSI1PK".into(), "CUSTDIR".into()),
            ("GSI1SK".into(), "acme#cus_1".into()),
        ]));
        assert!(directory_cursor_fits(&good, DIRECTORY));
        assert!(!directory_cursor_fits(&good, DIRECTORY_DELETED));
        let mut foreign = good.clone();
        foreign.0.insert("PK".into(), "ORDER#1".into());
        assert!(!directory_cursor_fits(&foreign, DIRECTORY));
    }
}
