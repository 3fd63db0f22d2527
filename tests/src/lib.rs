//! Helpers for the end-to-end tests: they run against the local stack that `make test` starts
//! (DynamoDB Local, moto's Cognito and SES, the local gateway) and find it through the stack
//! file named by `ORDERDESK_STACK` (default `.local/stack.json`).

mod accounts;
mod api_clients;
mod authz;
mod client;
pub mod faults;
mod lambda;
pub mod mailbox;
mod matrix;
pub mod receiver;
mod shop;
mod table;
mod template;

pub use accounts::*;
pub use api_clients::*;
pub use authz::*;
pub use client::{http, http_builder};
pub use lambda::*;
pub use matrix::*;
pub use shop::*;
pub use table::*;
pub use template::*;

use aws_sdk_cognitoidentityprovider::error::SdkError;
use aws_sdk_cognitoidentityprovider::operation::initiate_auth::{
    InitiateAuthError, InitiateAuthOutput,
};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, AuthFlowType, MessageActionType};
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tokio::sync::OnceCell;

/// `.local/stack.json`, as API.md defines it.
#[derive(Debug, Clone, Deserialize)]
pub struct Stack {
    pub api_url: String,
    pub token_url: String,
    pub aws_endpoint: String,
    pub dynamodb_endpoint: String,
    pub region: String,
    pub table_name: String,
    pub user_pool_id: String,
    pub user_pool_client_id: String,
    pub sender_email: String,
    pub seller_notify_email: String,
    pub event_bus_name: String,
    /// The webhooks' FIFO queue (the local stack's addition to API.md's fields).
    #[serde(default)]
    pub webhook_queue_url: String,
    pub admin_email: String,
    pub admin_password: String,
    #[serde(skip)]
    pub dir: PathBuf,
}

fn stack_path() -> PathBuf {
    match std::env::var("ORDERDESK_STACK") {
        Ok(p) => PathBuf::from(p),
        Err(_) => Path::new(env!("CARGO_MANIFEST_DIR")).join("../.local/stack.json"),
    }
}

/// The running local stack. Panics with a clear message when none is up.
pub fn stack() -> &'static Stack {
    static STACK: OnceLock<Stack> = OnceLock::new();
    STACK.get_or_init(|| {
        let path = stack_path();
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "no local stack at {} ({e}): run the tests with `make test`",
                path.display()
            )
        });
        let mut s: Stack =
            serde_json::from_str(&text).expect("stack.json has the documented fields");
        s.dir = path.parent().expect("a folder").to_path_buf();
        s
    })
}

async fn sdk_config() -> aws_config::SdkConfig {
    let s = stack();
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(s.region.clone()))
        .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
            "test", "test", None, None, "tests",
        ))
        .load()
        .await
}

/// A DynamoDB client on DynamoDB Local.
pub async fn dynamodb() -> aws_sdk_dynamodb::Client {
    let conf = aws_sdk_dynamodb::config::Builder::from(&sdk_config().await)
        .endpoint_url(&stack().dynamodb_endpoint)
        .build();
    aws_sdk_dynamodb::Client::from_conf(conf)
}

/// An EventBridge client on moto, where the stack's bus is.
pub async fn eventbridge() -> aws_sdk_eventbridge::Client {
    let conf = aws_sdk_eventbridge::config::Builder::from(&sdk_config().await)
        .endpoint_url(&stack().aws_endpoint)
        .build();
    aws_sdk_eventbridge::Client::from_conf(conf)
}

/// An SQS client on moto, for the queues a test's rule on the bus delivers to.
pub async fn sqs() -> aws_sdk_sqs::Client {
    let conf = aws_sdk_sqs::config::Builder::from(&sdk_config().await)
        .endpoint_url(&stack().aws_endpoint)
        .build();
    aws_sdk_sqs::Client::from_conf(conf)
}

/// A Cognito client on moto.
pub async fn cognito() -> aws_sdk_cognitoidentityprovider::Client {
    let conf = aws_sdk_cognitoidentityprovider::config::Builder::from(&sdk_config().await)
        .endpoint_url(&stack().aws_endpoint)
        .build();
    aws_sdk_cognitoidentityprovider::Client::from_conf(conf)
}

/// Whether the user pool has a user that signs in with `email`.
pub async fn cognito_user_exists(email: &str) -> bool {
    let out = cognito()
        .await
        .admin_get_user()
        .user_pool_id(&stack().user_pool_id)
        .username(email)
        .send()
        .await;
    match out {
        Ok(_) => true,
        Err(e)
            if e.as_service_error()
                .is_some_and(|e| e.is_user_not_found_exception()) =>
        {
            false
        }
        Err(e) => panic!("AdminGetUser {email}: {e:?}"),
    }
}

/// Cognito's answer to a sign-in with a password, as the console asks it.
pub async fn password_auth(
    email: &str,
    password: &str,
) -> Result<InitiateAuthOutput, SdkError<InitiateAuthError>> {
    password_auth_through(&stack().user_pool_client_id, email, password).await
}

/// Cognito's answer to a sign-in with a password through the app client `client`.
pub async fn password_auth_through(
    client: &str,
    email: &str,
    password: &str,
) -> Result<InitiateAuthOutput, SdkError<InitiateAuthError>> {
    cognito()
        .await
        .initiate_auth()
        .client_id(client)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
}

/// Signs in with a password and returns the ID token, as the console does.
pub async fn sign_in(email: &str, password: &str) -> String {
    sign_in_through(&stack().user_pool_client_id, email, password).await
}

/// Signs in through the app client `client` and returns the ID token.
pub async fn sign_in_through(client: &str, email: &str, password: &str) -> String {
    let out = password_auth_through(client, email, password)
        .await
        .expect("sign-in succeeds");
    out.authentication_result()
        .and_then(|r| r.id_token())
        .expect("an ID token")
        .to_owned()
}

/// The demo admin's ID token, signed in once per test binary.
pub async fn admin_token() -> String {
    static TOKEN: OnceCell<String> = OnceCell::const_new();
    TOKEN
        .get_or_init(|| async { sign_in(&stack().admin_email, &stack().admin_password).await })
        .await
        .clone()
}

/// Creates a Cognito user in `group` directly (as later login provisioning will) and signs it in.
pub async fn user_token(group: &str) -> String {
    user_token_in(&[group]).await
}

/// Creates a Cognito user in each of `groups` (in none when empty), making a group the pool
/// lacks, and signs it in.
pub async fn user_token_in(groups: &[&str]) -> String {
    let s = stack();
    user_token_of(&s.user_pool_id, &s.user_pool_client_id, groups).await
}

/// As [`user_token_in`], in the user pool `pool`, signed in through its app client `client`.
pub async fn user_token_of(pool: &str, client: &str, groups: &[&str]) -> String {
    let email = unique_email("user");
    let password = "Test-passw0rd-ok";
    let c = cognito().await;
    c.admin_create_user()
        .user_pool_id(pool)
        .username(&email)
        .message_action(MessageActionType::Suppress)
        .user_attributes(
            AttributeType::builder()
                .name("email")
                .value(&email)
                .build()
                .unwrap(),
        )
        .user_attributes(
            AttributeType::builder()
                .name("email_verified")
                .value("true")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("user created");
    c.admin_set_user_password()
        .user_pool_id(pool)
        .username(&email)
        .password(password)
        .permanent(true)
        .send()
        .await
        .expect("password set");
    for group in groups {
        let made = c
            .create_group()
            .user_pool_id(pool)
            .group_name(*group)
            .send()
            .await;
        if let Err(e) = made {
            let exists = e
                .as_service_error()
                .is_some_and(|e| e.is_group_exists_exception());
            assert!(exists, "group {group} made: {e:?}");
        }
        c.admin_add_user_to_group()
            .user_pool_id(pool)
            .username(&email)
            .group_name(*group)
            .send()
            .await
            .expect("added to group");
    }
    sign_in_through(client, &email, password).await
}

/// An address no other test uses.
pub fn unique_email(prefix: &str) -> String {
    format!(
        "{prefix}-{}@test.orderdesk.example",
        uuid::Uuid::new_v4().simple()
    )
}

/// A word no other test uses, for names that searches must find alone.
pub fn unique_word() -> String {
    format!("zq{}", &uuid::Uuid::new_v4().simple().to_string()[..12])
}

/// The URL of a loopback port nobody listens on: a service that is down.
pub fn closed_port_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    format!("http://127.0.0.1:{port}")
}

/// The string `key` of `v`, e.g. an id.
pub fn id_of(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {v}"))
        .to_owned()
}

/// The string `key` of each element of the array `list`, e.g. the names in a listing's items.
pub fn pluck<'a>(list: &'a Value, key: &str) -> Vec<&'a str> {
    list.as_array()
        .unwrap_or_else(|| panic!("an array: {list}"))
        .iter()
        .map(|v| v[key].as_str().unwrap_or_else(|| panic!("{key} in {v}")))
        .collect()
}

/// The JWT's payload, decoded without checking anything.
pub fn jwt_claims(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).expect("a JWT has three parts");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .expect("base64url");
    serde_json::from_slice(&bytes).expect("JSON claims")
}

/// A token signed with moto's real signing key but with the given claims, e.g. an expired one.
pub async fn token_signed_by_the_pool(claims: &Value) -> String {
    let s = stack();
    let pem = std::fs::read(s.dir.join("moto-signing-key.pem"))
        .expect("the stack wrote moto's signing key");
    let jwks: Value = http()
        .get(format!(
            "{}/{}/.well-known/jwks.json",
            s.aws_endpoint, s.user_pool_id
        ))
        .send()
        .await
        .expect("JWKS reachable")
        .json()
        .await
        .expect("JWKS is JSON");
    let kid = jwks["keys"][0]["kid"].as_str().expect("a kid").to_owned();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(kid);
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(&pem).expect("an RSA PEM");
    jsonwebtoken::encode(&header, claims, &key).expect("signed")
}

/// Words of serde's own messages and of the project's type names.
const INTERNALS: [&str; 9] = [
    "i64",
    "u64",
    "u32",
    "struct",
    "Body",
    "expected",
    "invalid type",
    "invalid length",
    "sequence",
];

/// The response of one API call: status, headers and the JSON body (Null when empty).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// Asserts this (successful) status and returns the body.
    pub fn ok(self, status: u16) -> Value {
        assert_eq!(
            self.status, status,
            "unexpected status, body: {}",
            self.body
        );
        self.body
    }

    /// Asserts a problem+json error with this status and returns its body.
    pub fn problem(&self, status: u16) -> &Value {
        assert_eq!(
            self.status, status,
            "unexpected status, body: {}",
            self.body
        );
        assert_eq!(
            self.content_type(),
            "application/problem+json",
            "body: {}",
            self.body
        );
        assert_eq!(self.body["status"], status);
        assert!(self.body["title"].is_string() && self.body["detail"].is_string());
        &self.body
    }

    /// Asserts a problem+json error with this status and returns its detail.
    pub fn detail(&self, status: u16) -> &str {
        self.problem(status)["detail"].as_str().unwrap_or_default()
    }

    /// Asserts a validation problem (400) and returns the fields it names, in its order.
    pub fn invalid(&self) -> Vec<String> {
        self.problem(400);
        self.error_fields()
    }

    /// [`Reply::invalid`] sorted, for problems that name their fields in no set order.
    pub fn invalid_sorted(&self) -> Vec<String> {
        let mut fields = self.invalid();
        fields.sort();
        fields
    }

    /// The first word of serde's messages or of the project's type names that the detail or
    /// an error message lets through: a client acts on what a value must be, never on how the
    /// server spells its types.
    pub fn internals(&self) -> Option<&'static str> {
        let mut texts = vec![self.body["detail"].as_str().unwrap_or_default()];
        if let Some(errors) = self.body["errors"].as_array() {
            texts.extend(errors.iter().filter_map(|e| e["message"].as_str()));
        }
        INTERNALS
            .into_iter()
            .find(|word| texts.iter().any(|t| t.contains(word)))
    }

    /// The fields named in a validation problem.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// An HTTP client for the local gateway.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    token: Option<String>,
}

impl Api {
    pub fn anonymous() -> Self {
        Self {
            http: http(),
            token: None,
        }
    }

    /// An anonymous client whose connections come from `source`, a loopback address other
    /// than 127.0.0.1, so that a per-source quota it spends is its own.
    pub fn anonymous_from(source: std::net::IpAddr) -> Self {
        Self {
            http: http_builder()
                .local_address(source)
                .build()
                .expect("a client"),
            token: None,
        }
    }

    pub fn with_token(token: impl Into<String>) -> Self {
        Self {
            token: Some(token.into()),
            ..Self::anonymous()
        }
    }

    /// This client's bearer token.
    pub fn token(&self) -> &str {
        self.token.as_deref().expect("a signed-in client")
    }

    /// The claims of this client's token.
    pub fn token_claims(&self) -> Value {
        jwt_claims(self.token.as_deref().expect("a signed-in client"))
    }

    pub async fn admin() -> Self {
        Self::with_token(admin_token().await)
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let rb = self
            .http
            .request(method, format!("{}{}", stack().api_url, path));
        match &self.token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    pub async fn send(rb: reqwest::RequestBuilder) -> Reply {
        let res = rb.send().await.expect("the gateway answers");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = res.bytes().await.expect("a body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        Self::send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        Self::send(self.request(reqwest::Method::DELETE, path)).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        Self::send(self.request(reqwest::Method::POST, path).json(body)).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Reply {
        Self::send(self.request(reqwest::Method::PATCH, path).json(body)).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Reply {
        Self::send(self.request(reqwest::Method::PUT, path).json(body)).await
    }

    /// `POST` with the `Idempotency-Key` `key`.
    pub async fn post_keyed(&self, path: &str, key: &str, body: &Value) -> Reply {
        Self::send(
            self.request(reqwest::Method::POST, path)
                .header("Idempotency-Key", key)
                .json(body),
        )
        .await
    }

    /// Asserts that each request, `METHOD /path` with its JSON body (`Null`: none), is
    /// answered with a problem of `status`.
    pub async fn refused(&self, status: u16, requests: &[(String, Value)]) {
        for (request, body) in requests {
            let (method, path) = request.split_once(' ').expect("METHOD /path");
            let mut rb = self.request(method.parse().expect("an HTTP method"), path);
            if !body.is_null() {
                rb = rb.json(body);
            }
            let r = Self::send(rb).await;
            assert_eq!(r.status, status, "{request}: {}", r.body);
            r.problem(status);
        }
    }

    /// Sends `body` as it is, with a JSON content type.
    pub async fn post_raw(&self, path: &str, body: impl Into<reqwest::Body>) -> Reply {
        Self::send(
            self.request(reqwest::Method::POST, path)
                .header("content-type", "application/json")
                .body(body),
        )
        .await
    }
}

/// The one set of checkout questions every test binary uses: questions are global, so tests
/// that ran in parallel with different sets would race.
pub fn standard_questions() -> Value {
    serde_json::json!({"questions": [
        {"question_id": "po_number", "label": "Your PO number", "required": true, "kind": "text"},
        {"question_id": "slot", "label": "Delivery slot", "required": false, "kind": "choice", "choices": ["Morning", "Afternoon"]}
    ]})
}

/// Answers to [`standard_questions`].
pub fn standard_answers() -> Value {
    serde_json::json!({"po_number": "PO-42", "slot": "Morning"})
}

/// Sets [`standard_questions`] once per test binary.
pub async fn ensure_standard_questions() {
    static DONE: OnceCell<()> = OnceCell::const_new();
    DONE.get_or_init(|| async {
        let api = Api::admin().await;
        api.put("/admin/checkout-questions", &standard_questions())
            .await
            .ok(200);
    })
    .await;
}
