//! Writes: the actions a transaction is made of, and what a cancelled transaction means. Each
//! port implementation maps a [`TxError`] to its own error explicitly, by the positions of the
//! actions whose conditions failed.

use super::DynamoStore;
use super::attr::{Item, n, s};
use crate::error::Unexpected;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem};

/// Why a `TransactWriteItems` did not go through.
#[derive(Debug)]
pub(super) enum TxError {
    /// The conditions of these actions (by position) failed. DynamoDB may name only the first.
    Condition(Vec<usize>),
    /// Another transaction on the same items had not finished: what the conditions saw may be
    /// half of it, so nothing is concluded and the caller may try again.
    Contention,
    Unexpected(Unexpected),
}

impl TxError {
    /// Whether the action at `at` failed its condition.
    pub(super) fn failed(&self, at: usize) -> bool {
        matches!(self, Self::Condition(f) if f.contains(&at))
    }
}

/// The usual reading of a [`TxError`] for a port's error type with `Contention`, `Stale` and
/// `Unexpected` variants: any failed condition is `Stale`. Ports that tell conditions apart
/// match on the positions first.
macro_rules! tx_error_into {
    ($error:ty) => {
        impl From<$crate::dynamo::write::TxError> for $error {
            fn from(e: $crate::dynamo::write::TxError) -> Self {
                use $crate::dynamo::write::TxError;
                match e {
                    TxError::Contention => Self::Contention,
                    TxError::Condition(_) => Self::Stale,
                    TxError::Unexpected(u) => Self::Unexpected(u),
                }
            }
        }
    };
}
pub(super) use tx_error_into;

impl From<TxError> for Unexpected {
    fn from(e: TxError) -> Self {
        match e {
            TxError::Unexpected(u) => u,
            TxError::Contention => Unexpected::new("another write to the same items was under way"),
            TxError::Condition(failed) => {
                Unexpected::new(format!("the conditions of actions {failed:?} failed"))
            }
        }
    }
}

impl From<Unexpected> for TxError {
    fn from(u: Unexpected) -> Self {
        Self::Unexpected(u)
    }
}

fn tx_error<R>(e: SdkError<TransactWriteItemsError, R>) -> TxError
where
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let Some(TransactWriteItemsError::TransactionCanceledException(c)) = e.as_service_error() {
        let codes: Vec<Option<&str>> = c.cancellation_reasons().iter().map(|r| r.code()).collect();
        if codes.contains(&Some("TransactionConflict")) {
            return TxError::Contention;
        }
        let failed: Vec<usize> = codes
            .iter()
            .enumerate()
            .filter(|(_, code)| **code == Some("ConditionalCheckFailed"))
            .map(|(i, _)| i)
            .collect();
        if !failed.is_empty() {
            return TxError::Condition(failed);
        }
    }
    TxError::Unexpected(crate::sdk::failure("DynamoDB TransactWriteItems failed", e))
}

impl DynamoStore {
    /// Runs one `TransactWriteItems`.
    pub(super) async fn transact(&self, actions: Vec<TransactWriteItem>) -> Result<(), TxError> {
        self.client()
            .transact_write_items()
            .set_transact_items(Some(actions))
            .send()
            .await
            .map(drop)
            .map_err(tx_error)
    }

    pub(super) fn put(&self, item: Item, condition: Option<&str>) -> TransactWriteItem {
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(item))
            .set_condition_expression(condition.map(str::to_owned))
            .build()
            .expect("table and item are set");
        TransactWriteItem::builder().put(put).build()
    }

    /// Puts an item that must not exist yet.
    pub(super) fn put_new(&self, item: Item) -> TransactWriteItem {
        self.put(item, Some("attribute_not_exists(PK)"))
    }

    /// Replaces an item only if it is still at `expected_version`.
    pub(super) fn put_versioned(&self, item: Item, expected_version: u64) -> TransactWriteItem {
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(item))
            .condition_expression("version = :v")
            .expression_attribute_values(":v", n(expected_version))
            .build()
            .expect("table and item are set");
        TransactWriteItem::builder().put(put).build()
    }

    /// Takes `g`'s value for its owner; fails its condition when another owner holds it.
    pub(super) fn put_guard(&self, g: Guard) -> TransactWriteItem {
        self.put_new(g.item())
    }

    /// Gives up `g`'s value only if `g`'s owner still holds it.
    pub(super) fn delete_guard(&self, g: Guard) -> TransactWriteItem {
        let (pk, sk) = g.key;
        let delete = Delete::builder()
            .table_name(self.table())
            .key("PK", s(pk))
            .key("SK", s(sk))
            .condition_expression(format!("{} = :owner", g.attribute))
            .expression_attribute_values(":owner", s(g.owner))
            .build()
            .expect("table and key are set");
        TransactWriteItem::builder().delete(delete).build()
    }

    /// Deletes an item only if it is still at `expected_version`.
    pub(super) fn delete_versioned(
        &self,
        (pk, sk): (String, &str),
        expected_version: u64,
    ) -> TransactWriteItem {
        let delete = Delete::builder()
            .table_name(self.table())
            .key("PK", s(pk))
            .key("SK", s(sk))
            .condition_expression("version = :v")
            .expression_attribute_values(":v", n(expected_version))
            .build()
            .expect("table and key are set");
        TransactWriteItem::builder().delete(delete).build()
    }
}

/// An item whose key is a value only one owner may hold (an email address), so that taking a
/// held value fails inside the transaction that would take it. Written and released through
/// the same description, so both name the same key, owner attribute and owner.
pub(super) struct Guard<'a> {
    pub key: (String, &'static str),
    /// The item's `type`.
    pub kind: &'static str,
    /// The attribute that names the owner.
    pub attribute: &'static str,
    pub owner: &'a str,
}

impl Guard<'_> {
    /// The item [`DynamoStore::put_guard`] writes; the item modules' tests pin it.
    pub fn item(&self) -> Item {
        Item::from([
            ("PK".into(), s(&self.key.0)),
            ("SK".into(), s(self.key.1)),
            ("type".into(), s(self.kind)),
            (self.attribute.into(), s(self.owner)),
        ])
    }
}

/// One conditional `UpdateItem`: its key, expressions, and the names and values they use.
pub(super) struct UpdateIf<'a> {
    pub key: (String, &'a str),
    pub update: &'a str,
    pub condition: &'a str,
    pub names: &'a [(&'a str, &'a str)],
    pub values: Vec<(&'a str, AttributeValue)>,
}

impl DynamoStore {
    /// Runs `u`: `Ok(false)` when its condition failed, so nothing changed.
    pub(super) async fn update_if(&self, u: UpdateIf<'_>) -> Result<bool, Unexpected> {
        let mut update = self
            .client()
            .update_item()
            .table_name(self.table())
            .key("PK", s(u.key.0))
            .key("SK", s(u.key.1))
            .update_expression(u.update)
            .condition_expression(u.condition);
        for (k, v) in u.names {
            update = update.expression_attribute_names(*k, *v);
        }
        for (k, v) in u.values {
            update = update.expression_attribute_values(k, v);
        }
        match update.send().await {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(crate::sdk::failure("DynamoDB UpdateItem failed", e)),
        }
    }
}
