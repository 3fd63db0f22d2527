//! `Idempotency-Key`: the same key and body return the first result; the same key with another
//! body is a conflict. Records live 24 hours. Every create that takes a key writes its record
//! in the transaction of the create and goes through [`write_once`], so a retry, a twin sent
//! at the same moment and a write that met contention all end in one result.

use crate::domain::Timestamp;
use crate::error::Unexpected;
use crate::retry::{self, Attempt};
use sha2::{Digest, Sha256};
use std::future::Future;

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

/// A keyed request as it arrived: the operation it asks for, its key and its body's hash.
/// Whose it is joins when the caller is known ([`KeyedRequest::by`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedRequest {
    operation: String,
    key: IdempotencyKey,
    request_hash: String,
}

impl KeyedRequest {
    /// `operation` is what the key was sent to: the method and the concrete path, ids included
    /// (`http::keyed_operation`), so one key on two operations or on two customers' routes is
    /// two requests; `body` is hashed in a canonical form, so the same body with its fields in
    /// another order is the same request.
    pub fn new(operation: &str, key: IdempotencyKey, body: &serde_json::Value) -> Self {
        let canonical = serde_json::to_vec(body).expect("a JSON value serialises");
        Self {
            operation: operation.to_owned(),
            key,
            request_hash: hex(&Sha256::digest(&canonical)),
        }
    }

    /// This request as sent by `caller` (a Cognito sub or a login id).
    pub fn by(&self, caller: &str) -> Idempotency {
        Idempotency {
            scope: format!("{caller}#{}#{}", self.operation, self.key.0),
            request_hash: self.request_hash.clone(),
        }
    }
}

/// One use of a key by one caller on one operation, and the request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// `caller` is the Cognito sub (or other stable id) of whoever sent the key; `operation`
    /// is the method and concrete path it was sent to, as in [`KeyedRequest::new`].
    pub fn new(
        caller: &str,
        operation: &str,
        key: &IdempotencyKey,
        request: &serde_json::Value,
    ) -> Self {
        KeyedRequest::new(operation, key.clone(), request).by(caller)
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

    /// The record of `response`, answered with 201 now.
    pub fn created<T: serde::Serialize>(&self, response: &T, now: Timestamp) -> IdempotencyRecord {
        self.record(
            201,
            serde_json::to_string(response).expect("responses serialise"),
            now,
        )
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

/// Where idempotency records are kept. A record past its expiry is absent, whether or not the
/// table's TTL has removed it yet.
#[async_trait::async_trait]
pub trait IdempotencyStore: Send + Sync {
    async fn find_idempotency(&self, scope: &str) -> Result<Option<IdempotencyRecord>, Unexpected>;
}

/// A create that either made something new or replayed the first answer to the same key.
#[derive(Debug)]
pub enum Written<T> {
    New(T),
    Replayed(StoredResponse),
}

impl<T> Written<T> {
    /// What was written, shown as `f` shows it; a replay stays the first answer.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Written<U> {
        match self {
            Self::New(t) => Written::New(f(t)),
            Self::Replayed(first) => Written::Replayed(first),
        }
    }
}

/// Why one attempt of a keyed write did not go through.
#[derive(Debug)]
pub enum Refused<E> {
    /// The key's record was written meanwhile: a twin request won.
    KeyTaken,
    /// Another write to the same items was in flight.
    Contended,
    /// A condition of the write failed. DynamoDB may name only the first failed condition, so
    /// a twin that won with the same key can look like this: its record decides.
    Condition(E),
    /// The write failed for a reason no record explains.
    Failed(E),
}

/// The first answer to this key, if the key was used before: to replay before any work.
pub async fn replay_of<S, E>(
    store: &S,
    idempotency: Option<&Idempotency>,
) -> Result<Option<StoredResponse>, E>
where
    S: IdempotencyStore + ?Sized,
    E: From<Unexpected> + From<KeyReusedWithOtherRequest>,
{
    let Some(idem) = idempotency else {
        return Ok(None);
    };
    match store.find_idempotency(idem.scope()).await? {
        Some(earlier) => Ok(Some(idem.replay(&earlier)?)),
        None => Ok(None),
    }
}

/// Runs `write` (which carries the record of `idempotency`, when there is one) until it goes
/// through, replaying the first answer when a twin's record is found instead; contention is
/// retried. The caller checks [`replay_of`] before its own work.
pub async fn write_once<S, T, E, F, Fut>(
    store: &S,
    idempotency: Option<&Idempotency>,
    mut write: F,
) -> Result<Written<T>, E>
where
    S: IdempotencyStore + ?Sized,
    E: From<Unexpected> + From<KeyReusedWithOtherRequest>,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Refused<E>>>,
{
    retry::on_contention("the write", |_| {
        let attempt = write();
        async move {
            let refused = match attempt.await {
                Ok(t) => return Attempt::Done(Written::New(t)),
                Err(r) => r,
            };
            let earlier = match replay_of::<S, E>(store, idempotency).await {
                Ok(earlier) => earlier,
                Err(e) => return Attempt::Failed(e),
            };
            match (refused, earlier) {
                (_, Some(first)) => Attempt::Done(Written::Replayed(first)),
                (Refused::KeyTaken, None) => {
                    Attempt::Failed(Unexpected::new("an idempotency record vanished").into())
                }
                (Refused::Contended, None) => Attempt::Contended,
                (Refused::Condition(e) | Refused::Failed(e), None) => Attempt::Failed(e),
            }
        }
    })
    .await
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::Mutex;

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
    fn keys_are_scoped_by_caller_and_operation() {
        let a = Idempotency::new("u1", "POST /x", &key("k"), &json!({}));
        let b = Idempotency::new("u2", "POST /x", &key("k"), &json!({}));
        let c = Idempotency::new("u1", "POST /y", &key("k"), &json!({}));
        assert_ne!(a.scope(), b.scope());
        assert_ne!(a.scope(), c.scope());
        assert_eq!(a.scope(), "u1#POST /x#k");
    }

    #[test]
    fn keys_must_be_visible_ascii() {
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("a b").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(256)).is_err());
        assert!(IdempotencyKey::parse("5f0c-1a").is_ok());
    }

    #[derive(Default)]
    struct Records(Mutex<Vec<IdempotencyRecord>>);

    #[async_trait::async_trait]
    impl IdempotencyStore for Records {
        async fn find_idempotency(
            &self,
            scope: &str,
        ) -> Result<Option<IdempotencyRecord>, Unexpected> {
            Ok(self
                .0
                .lock()
                .unwrap()
                .iter()
                .find(|r| r.scope == scope)
                .cloned())
        }
    }

    #[derive(Debug, PartialEq, thiserror::Error)]
    enum Failure {
        #[error("duplicate")]
        Duplicate,
        #[error("reused")]
        Reused,
        #[error("unexpected")]
        Unexpected,
    }

    impl From<Unexpected> for Failure {
        fn from(_: Unexpected) -> Self {
            Self::Unexpected
        }
    }

    impl From<KeyReusedWithOtherRequest> for Failure {
        fn from(_: KeyReusedWithOtherRequest) -> Self {
            Self::Reused
        }
    }

    #[tokio::test]
    async fn a_twin_that_won_is_replayed_whatever_the_write_reports() {
        let idem = Idempotency::new("u1", "POST /x", &key("k"), &json!({"a": 1}));
        let store = Records::default();
        store
            .0
            .lock()
            .unwrap()
            .push(idem.record(201, "first".into(), Timestamp::now()));
        for refusal in [
            Refused::KeyTaken,
            Refused::Contended,
            Refused::Condition(Failure::Duplicate),
        ] {
            let mut once = Some(refusal);
            let written: Result<Written<()>, Failure> = write_once(&store, Some(&idem), || {
                let r = once.take().expect("one attempt");
                async move { Err(r) }
            })
            .await;
            assert!(matches!(written, Ok(Written::Replayed(r)) if r.body == "first"));
        }
    }

    #[tokio::test]
    async fn contention_is_retried_and_a_failed_condition_without_a_record_is_the_error() {
        let store = Records::default();
        let idem = Idempotency::new("u1", "POST /x", &key("k"), &json!({}));
        let mut attempts = 0;
        let written: Result<Written<u32>, Failure> = write_once(&store, Some(&idem), || {
            attempts += 1;
            let n = attempts;
            async move {
                if n < 3 {
                    Err(Refused::Contended)
                } else {
                    Ok(n)
                }
            }
        })
        .await;
        assert!(matches!(written, Ok(Written::New(3))));
        let refused: Result<Written<()>, Failure> = write_once(&store, None, || async {
            Err(Refused::Condition(Failure::Duplicate))
        })
        .await;
        assert_eq!(refused.unwrap_err(), Failure::Duplicate);
        let vanished: Result<Written<()>, Failure> =
            write_once(&store, Some(&idem), || async { Err(Refused::KeyTaken) }).await;
        assert_eq!(vanished.unwrap_err(), Failure::Unexpected);
    }
}
