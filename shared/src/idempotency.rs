//! Replay rules for `Idempotency-Key`: the same key and body return the first result; the
//! same key with another body is a conflict. Records live 24 hours.

use crate::domain::Timestamp;
use sha2::{Digest, Sha256};

/// How long a key is remembered.
pub const TTL_SECONDS: i64 = 24 * 60 * 60;

/// A client's `Idempotency-Key`: 1 to 255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self, String> {
        if raw.is_empty() || raw.len() > 255 || !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("must be 1 to 255 visible ASCII characters".into());
        }
        Ok(Self(raw.to_owned()))
    }
}

/// One use of a key by one caller on one route, and the request it came with.
#[derive(Debug, Clone)]
pub struct Idempotency {
    scope: String,
    request_hash: String,
}

/// What was answered the first time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
}

/// A remembered key with the hash of its request and its first response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    pub scope: String,
    pub request_hash: String,
    pub response: StoredResponse,
    pub created_at: Timestamp,
    pub expires_at: i64,
}

/// The key was used before with a different request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this Idempotency-Key was already used with a different request")]
pub struct KeyReusedWithOtherRequest;

impl Idempotency {
    /// `caller` is the Cognito sub (or other stable id) of whoever sent the key; `route` the
    /// route key, so the same key on two routes never collides.
    pub fn new(
        caller: &str,
        route: &str,
        key: &IdempotencyKey,
        request: &serde_json::Value,
    ) -> Self {
        let canonical = serde_json::to_vec(request).expect("a JSON value serialises");
        Self {
            scope: format!("{caller}#{route}#{}", key.0),
            request_hash: hex(&Sha256::digest(&canonical)),
        }
    }

    pub fn scope(&self) -> &str {
        &self.scope
    }

    pub fn record(&self, status: u16, body: String, now: Timestamp) -> IdempotencyRecord {
        IdempotencyRecord {
            scope: self.scope.clone(),
            request_hash: self.request_hash.clone(),
            response: StoredResponse { status, body },
            created_at: now,
            expires_at: now.unix_seconds() + TTL_SECONDS,
        }
    }

    /// The first response, if `earlier` was made by the same request.
    pub fn replay(
        &self,
        earlier: &IdempotencyRecord,
    ) -> Result<StoredResponse, KeyReusedWithOtherRequest> {
        if earlier.request_hash == self.request_hash {
            Ok(earlier.response.clone())
        } else {
            Err(KeyReusedWithOtherRequest)
        }
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(k: &str) -> IdempotencyKey {
        IdempotencyKey::parse(k).unwrap()
    }

    #[test]
    fn the_same_body_in_another_key_order_replays() {
        let first = Idempotency::new("u1", "POST /x", &key("k"), &json!({"a": 1, "b": 2}));
        let again = Idempotency::new("u1", "POST /x", &key("k"), &json!({"b": 2, "a": 1}));
        let rec = first.record(201, "{}".into(), Timestamp::now());
        assert_eq!(again.replay(&rec).unwrap().status, 201);
    }

    #[test]
    fn another_body_under_the_same_key_is_refused() {
        let first = Idempotency::new("u1", "POST /x", &key("k"), &json!({"a": 1}));
        let other = Idempotency::new("u1", "POST /x", &key("k"), &json!({"a": 2}));
        let rec = first.record(201, "{}".into(), Timestamp::now());
        assert_eq!(other.replay(&rec), Err(KeyReusedWithOtherRequest));
    }

    #[test]
    fn keys_are_scoped_by_caller_and_route() {
        let a = Idempotency::new("u1", "POST /x", &key("k"), &json!({}));
        let b = Idempotency::new("u2", "POST /x", &key("k"), &json!({}));
        assert_ne!(a.scope(), b.scope());
    }

    #[test]
    fn keys_must_be_visible_ascii() {
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("a b").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(256)).is_err());
        assert!(IdempotencyKey::parse("5f0c-1a").is_ok());
    }
}

/// The idempotency record's item: `PK = IDEMPOTENCY#<caller>#<route>#<key>`, `SK = IDEMPOTENCY`,
/// expired by the table's TTL (and treated as absent once past `ttl`, since TTL deletes lazily).
pub mod item {
    use super::{IdempotencyRecord, StoredResponse};
    use crate::domain::Timestamp;
    use crate::dynamo::attr::{Item, Reader, n, s};
    use crate::store::Unexpected;

    pub const SK: &str = "IDEMPOTENCY";

    pub fn pk(scope: &str) -> String {
        format!("IDEMPOTENCY#{scope}")
    }

    pub fn to_item(r: &IdempotencyRecord) -> Item {
        Item::from([
            ("PK".into(), s(pk(&r.scope))),
            ("SK".into(), s(SK)),
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
            created_at: Timestamp::parse(r.s("created_at")?).map_err(Unexpected::new)?,
            expires_at: r.n("ttl")?,
        })
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
}
