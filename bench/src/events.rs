//! Requests built from the real API Gateway v2 samples in `events/`, pointed at fresh data: the
//! same payloads the tests run as fixtures, with the authorizer's claims of a real login.

use serde_json::{Value, json};
use std::path::PathBuf;

/// The sample ids and values the files in `events/` use.
pub const SAMPLE_CUSTOMER: &str = "cus_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
pub const SAMPLE_ORDER: &str = "ord_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
pub const SAMPLE_LIST: &str = "lst_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
pub const SAMPLE_TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
pub const SAMPLE_OUTBOX: &str = "0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
pub const SAMPLE_WEBHOOK: &str = "whk_0196b7a0c1d27e3f8a9b0c1d2e3f4a5b";
pub const SAMPLE_HOOK_URL: &str = "https://erp.acme-bakery.example/orderdesk/events";

/// The claims API Gateway's JWT authorizer puts in the event.
#[derive(Debug, Clone)]
pub struct Claims {
    pub sub: String,
    pub email: String,
    pub group: &'static str,
    /// The token's `custom:*` attributes (the login, account and tier hints), as they are.
    pub custom: Vec<(String, Value)>,
}

impl Claims {
    /// The claims of a real ID token (`sub`, `email`, `custom:*`) in `group`.
    pub fn of_token(token_claims: &Value, group: &'static str) -> Self {
        let custom = token_claims
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| k.starts_with("custom:"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Self {
            custom,
            sub: token_claims["sub"].as_str().unwrap_or_default().to_owned(),
            email: token_claims["email"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            group,
        }
    }
}

fn events_dir() -> PathBuf {
    match std::env::var_os("ORDERDESK_EVENTS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../events"),
    }
}

/// One sample event, being edited.
#[derive(Debug, Clone)]
pub struct Event(Value);

impl Event {
    /// `events/<file>`, as it is.
    pub fn sample(file: &str) -> Self {
        let path = events_dir().join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (set ORDERDESK_EVENTS)", path.display()));
        Self(serde_json::from_str(&text).expect("a sample event is JSON"))
    }

    /// Signed in as `claims` (the authorizer's claims replaced by these).
    pub fn by(mut self, claims: &Claims) -> Self {
        let c = &mut self.0["requestContext"]["authorizer"]["jwt"]["claims"];
        c["sub"] = json!(claims.sub);
        c["cognito:username"] = json!(claims.sub);
        c["email"] = json!(claims.email);
        c["cognito:groups"] = json!(format!("[{}]", claims.group));
        if let Some(c) = c.as_object_mut() {
            c.retain(|k, _| !k.starts_with("custom:"));
            c.extend(claims.custom.iter().cloned());
        }
        self
    }

    /// Every occurrence of `from` (an id in a path, a SKU in a body…) replaced by `to`.
    pub fn with(self, from: &str, to: &str) -> Self {
        let text = self.0.to_string().replace(from, to);
        Self(serde_json::from_str(&text).expect("still JSON"))
    }

    /// A header set (names are lower-case in v2 events).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.0["headers"][name] = json!(value);
        self
    }

    /// The body replaced by this JSON.
    pub fn body(mut self, body: &Value) -> Self {
        let text = body.to_string();
        self.0["headers"]["content-length"] = json!(text.len().to_string());
        self.0["body"] = json!(text);
        self
    }

    /// The event as the Lambda Runtime API would hand it over.
    pub fn json(&self) -> String {
        self.0.to_string()
    }

    /// The request `lambda_http` builds from it, as in Lambda.
    pub fn request(&self) -> lambda_http::Request {
        lambda_http::request::from_str(&self.json()).expect("a valid API Gateway v2 event")
    }
}
