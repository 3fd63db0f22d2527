//! A request's declared reads, read at once: one strongly consistent `BatchGetItem` (in
//! batches of 100), kept in the request's own copy of the store and handed out once each.

use super::DynamoStore;
use super::attr::{Item, Reader, s};
use super::keys::{Key, key_of};
use crate::error::Unexpected;
use crate::reads::{Prefetch, Reads};
use aws_sdk_dynamodb::types::KeysAndAttributes;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What one request read ahead; `None` records that an item does not exist.
#[derive(Debug, Default)]
pub(super) struct Ahead {
    items: Mutex<HashMap<Key, Option<Item>>>,
}

impl Ahead {
    /// The read-ahead copy of `key`, handed out once: `Some(None)` when it was read and does
    /// not exist, `None` when it was not read ahead or was handed out already.
    pub(super) fn take(&self, key: &Key) -> Option<Option<Item>> {
        self.items
            .lock()
            .ok()
            .and_then(|mut items| items.remove(key))
    }
}

#[async_trait::async_trait]
impl Prefetch for DynamoStore {
    async fn prefetch(&self, reads: &Reads) -> Result<Self, Unexpected> {
        if reads.items.is_empty() {
            return Ok(self.clone());
        }
        let keys: Vec<Key> = reads.items.iter().map(key_of).collect();
        let found = self.batch_get(&keys).await?;
        let ahead = Ahead {
            items: Mutex::new(
                keys.into_iter()
                    .map(|k| {
                        let item = found.get(&k).cloned();
                        (k, item)
                    })
                    .collect(),
            ),
        };
        Ok(Self {
            ahead: Some(Arc::new(ahead)),
            ..self.clone()
        })
    }
}

impl DynamoStore {
    /// Every item of `keys` that exists, read strongly consistent in batches of 100; keys read
    /// ahead are served from memory.
    pub(super) async fn batch_get(&self, keys: &[Key]) -> Result<HashMap<Key, Item>, Unexpected> {
        let mut found = HashMap::new();
        let mut missing: Vec<&Key> = Vec::new();
        for key in keys {
            match self.ahead.as_ref().and_then(|a| a.take(key)) {
                Some(Some(item)) => {
                    found.insert(key.clone(), item);
                }
                Some(None) => {}
                None if !missing.contains(&key) => missing.push(key),
                None => {}
            }
        }
        for chunk in missing.chunks(100) {
            let mut wanted = KeysAndAttributes::builder().consistent_read(true);
            for (pk, sk) in chunk.iter().copied() {
                wanted = wanted.keys(Item::from([
                    ("PK".to_owned(), s(pk)),
                    ("SK".to_owned(), s(sk)),
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
                    .map_err(|e| crate::sdk::failure("DynamoDB BatchGetItem failed", e))?;
                for item in out
                    .responses()
                    .and_then(|r| r.get(self.table()))
                    .into_iter()
                    .flatten()
                {
                    let key = Reader(item);
                    let key = (key.s("PK")?.to_owned(), key.s("SK")?.to_owned());
                    found.insert(key, item.clone());
                }
                request = out.unprocessed_keys;
            }
        }
        Ok(found)
    }

    /// The read-ahead copy of `key`, once (see [`Ahead::take`]).
    pub(super) fn taken_ahead(&self, key: &Key) -> Option<Option<Item>> {
        self.ahead.as_ref().and_then(|a| a.take(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_ahead_items_are_handed_out_once() {
        let key = ("A".to_owned(), "B".to_owned());
        let absent = ("A".to_owned(), "C".to_owned());
        let item = Item::from([("x".to_owned(), s("1"))]);
        let ahead = Ahead {
            items: Mutex::new(HashMap::from([
                (key.clone(), Some(item.clone())),
                (absent.clone(), None),
            ])),
        };
        assert_eq!(ahead.take(&key), Some(Some(item)));
        assert_eq!(ahead.take(&key), None, "a second read goes to DynamoDB");
        assert_eq!(ahead.take(&absent), Some(None));
        assert_eq!(ahead.take(&("A".to_owned(), "D".to_owned())), None);
    }
}
