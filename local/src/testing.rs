//! Test helpers: fixed RSA keys, a JWKS endpoint on loopback, token minting.

use std::{
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
};

use axum::{Json, Router, extract::State, routing::get};
use jsonwebtoken::{Algorithm, EncodingKey, Header, jwk::Jwk};
use serde_json::{Value, json};

use crate::auth::Claims;

/// The issuer the test authorizers expect.
pub const ISSUER: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TestPool";
/// The app client the test authorizers expect.
pub const AUDIENCE: &str = "test-client";

/// The two fixed key pairs of the tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestKey {
    Signing,
    Other,
}

impl TestKey {
    pub fn kid(self) -> &'static str {
        match self {
            TestKey::Signing => "signing-key",
            TestKey::Other => "other-key",
        }
    }

    fn pem(self) -> &'static str {
        match self {
            TestKey::Signing => include_str!("testdata/signing_key.pem"),
            TestKey::Other => include_str!("testdata/other_key.pem"),
        }
    }

    fn encoding_key(self) -> EncodingKey {
        EncodingKey::from_rsa_pem(self.pem().as_bytes()).unwrap()
    }

    fn public_jwk(self) -> Value {
        let mut jwk = Jwk::from_encoding_key(&self.encoding_key(), Algorithm::RS256).unwrap();
        jwk.common.key_id = Some(self.kid().to_owned());
        serde_json::to_value(jwk).unwrap()
    }
}

/// Seconds since the epoch.
pub fn now() -> u64 {
    jsonwebtoken::get_current_timestamp()
}

/// The claims of a valid Cognito ID token of an admin.
pub fn id_token_claims() -> Claims {
    let claims = json!({
        "sub": "user-1",
        "aud": AUDIENCE,
        "iss": ISSUER,
        "token_use": "id",
        "cognito:groups": ["admins"],
        "cognito:username": "user-1",
        "email": "admin@example.com",
        "email_verified": true,
        "auth_time": now() - 10,
        "iat": now() - 10,
        "exp": now() + 3600,
    });
    match claims {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

/// A token of `claims` signed by `key`, carrying its kid.
pub fn sign(claims: &Claims, key: TestKey) -> String {
    sign_with_kid(claims, key, key.kid())
}

/// A token of `claims` signed by `key` but claiming the kid `kid`.
pub fn sign_with_kid(claims: &Claims, key: TestKey, kid: &str) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &key.encoding_key()).unwrap()
}

#[derive(Default)]
struct Published {
    keys: Mutex<Vec<TestKey>>,
    fetches: AtomicUsize,
}

/// A JWKS endpoint on loopback that counts its fetches.
pub struct JwksServer {
    addr: SocketAddr,
    published: Arc<Published>,
}

impl JwksServer {
    /// Serves the public halves of `keys` until the test's runtime ends.
    pub async fn start(keys: &[TestKey]) -> Self {
        let published = Arc::new(Published::default());
        *published.keys.lock().unwrap() = keys.to_vec();
        let app = Router::new()
            .route("/{pool}/.well-known/jwks.json", get(serve_keys))
            .with_state(Arc::clone(&published));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { addr, published }
    }

    /// The JWKS URL, shaped like moto's.
    pub fn url(&self) -> String {
        format!(
            "http://{}/eu-west-1_TestPool/.well-known/jwks.json",
            self.addr
        )
    }

    /// Replaces the published keys.
    pub fn publish(&self, keys: &[TestKey]) {
        *self.published.keys.lock().unwrap() = keys.to_vec();
    }

    /// How often the key set was fetched.
    pub fn fetches(&self) -> usize {
        self.published.fetches.load(Ordering::SeqCst)
    }
}

async fn serve_keys(State(published): State<Arc<Published>>) -> Json<Value> {
    published.fetches.fetch_add(1, Ordering::SeqCst);
    let keys: Vec<Value> = published
        .keys
        .lock()
        .unwrap()
        .iter()
        .map(|k| k.public_jwk())
        .collect();
    Json(json!({ "keys": keys }))
}
