//! A request's read-ahead: the items a route is about to read, fetched in the same
//! `BatchGetItem` as its caller's session (and the order number taken beside it), then served
//! from memory in place of the request's first read of each. Writes stay conditional, so an
//! item read a few milliseconds earlier than it would have been changes no outcome; a second
//! read of the same item (after a write conflict, say) goes to DynamoDB.

use super::DynamoStore;
use super::attr::{Item, s};
use crate::store::Unexpected;
use aws_sdk_dynamodb::error::DisplayErrorContext;
use aws_sdk_dynamodb::types::KeysAndAttributes;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// An item's key: partition and sort key.
pub type Key = (String, String);

/// Items read ahead for one request; `None` records that an item does not exist.
#[derive(Debug, Clone, Default)]
pub struct ReadAhead {
    items: Arc<Mutex<HashMap<Key, Option<Item>>>>,
    order_number: Arc<Mutex<Option<u64>>>,
}

tokio::task_local! {
    static AHEAD: ReadAhead;
}

impl ReadAhead {
    /// What a batch read found for `keys`.
    pub fn new(keys: &[Key], found: &HashMap<Key, Item>) -> Self {
        Self {
            items: Arc::new(Mutex::new(
                keys.iter()
                    .map(|k| (k.clone(), found.get(k).cloned()))
                    .collect(),
            )),
            order_number: Arc::default(),
        }
    }

    /// Adds an order number taken beside the read, for the request's one new order.
    pub fn with_order_number(self, n: Option<u64>) -> Self {
        *self.order_number.lock().expect("not poisoned") = n;
        self
    }

    /// Runs `f` with these items served from memory.
    pub async fn scope<F: Future>(self, f: F) -> F::Output {
        AHEAD.scope(self, f).await
    }
}

/// The read-ahead copy of `key`, handed out once: `Some(None)` when it was read and does
/// not exist, `None` when it was not read ahead or was handed out already.
pub(crate) fn cached(pk: &str, sk: &str) -> Option<Option<Item>> {
    AHEAD
        .try_with(|a| {
            a.items
                .lock()
                .ok()
                .and_then(|mut items| items.remove(&(pk.to_owned(), sk.to_owned())))
        })
        .ok()
        .flatten()
}

/// Keeps items a store method read beside the one it was asked for (`None`: read, and absent),
/// for the request's next read of each; outside a [`ReadAhead::scope`] they are dropped.
pub(crate) fn stash(items: impl IntoIterator<Item = (Key, Option<Item>)>) {
    let _ = AHEAD.try_with(|a| {
        if let Ok(mut cache) = a.items.lock() {
            cache.extend(items);
        }
    });
}

/// The order number taken ahead, once.
pub(crate) fn take_order_number() -> Option<u64> {
    AHEAD
        .try_with(|a| a.order_number.lock().ok().and_then(|mut n| n.take()))
        .ok()
        .flatten()
}

impl DynamoStore {
    /// Every item of `keys` that exists, read strongly consistent in batches of 100; keys read
    /// ahead are not read again.
    pub(crate) async fn batch_get(&self, keys: &[Key]) -> Result<HashMap<Key, Item>, Unexpected> {
        let mut found = HashMap::new();
        let mut missing = Vec::new();
        for (pk, sk) in keys {
            match cached(pk, sk) {
                Some(Some(item)) => {
                    found.insert((pk.clone(), sk.clone()), item);
                }
                Some(None) => {}
                None if !missing.contains(&(pk, sk)) => missing.push((pk, sk)),
                None => {}
            }
        }
        for chunk in missing.chunks(100) {
            let mut wanted = KeysAndAttributes::builder().consistent_read(true);
            for (pk, sk) in chunk {
                wanted = wanted.keys(Item::from([
                    ("PK".to_owned(), s(*pk)),
                    ("SK".to_owned(), s(*sk)),
                ]));
            }
            let mut request = Some(HashMap::from([(
                self.table().to_owned(),
                wanted.build().expect("keys are set"),
            )]));
            while let Some(items) = request.take().filter(|r| !r.is_empty()) {
                let out = self
                    .client()
                    .batch_get_item()
                    .set_request_items(Some(items))
                    .send()
                    .await
                    .map_err(|e| Unexpected::new(DisplayErrorContext(e)))?;
                for item in out
                    .responses()
                    .and_then(|r| r.get(self.table()))
                    .into_iter()
                    .flatten()
                {
                    let key = super::attr::Reader(item);
                    let key = (key.s("PK")?.to_owned(), key.s("SK")?.to_owned());
                    found.insert(key, item.clone());
                }
                request = out.unprocessed_keys;
            }
        }
        Ok(found)
    }

    /// `keys` read now, to be served from memory inside [`ReadAhead::scope`].
    pub async fn read_ahead(&self, keys: &[Key]) -> Result<ReadAhead, Unexpected> {
        if keys.is_empty() {
            return Ok(ReadAhead::default());
        }
        Ok(ReadAhead::new(keys, &self.batch_get(keys).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stashed_items_are_served_once_inside_a_scope_and_dropped_outside() {
        let key = ("A".to_owned(), "B".to_owned());
        let item = Item::from([("x".to_owned(), s("1"))]);
        stash([(key.clone(), Some(item.clone()))]);
        assert_eq!(cached("A", "B"), None);
        ReadAhead::default()
            .scope(async {
                stash([(key.clone(), Some(item.clone()))]);
                assert_eq!(cached("A", "B"), Some(Some(item.clone())));
                assert_eq!(cached("A", "B"), None);
            })
            .await;
    }

    #[tokio::test]
    async fn read_ahead_items_are_served_once_and_only_inside_their_scope() {
        let key = ("A".to_owned(), "B".to_owned());
        let absent = ("A".to_owned(), "C".to_owned());
        let item = Item::from([("x".to_owned(), s("1"))]);
        let ahead = ReadAhead::new(
            &[key.clone(), absent.clone()],
            &HashMap::from([(key.clone(), item.clone())]),
        )
        .with_order_number(Some(7));
        assert!(cached("A", "B").is_none());
        ahead
            .scope(async {
                assert_eq!(cached("A", "B"), Some(Some(item)));
                assert_eq!(cached("A", "B"), None, "a second read goes to DynamoDB");
                assert_eq!(cached("A", "C"), Some(None));
                assert_eq!(cached("A", "D"), None);
                assert_eq!(take_order_number(), Some(7));
                assert_eq!(take_order_number(), None);
            })
            .await;
    }
}
