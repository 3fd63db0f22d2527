//! Helpers for the end-to-end tests: they run against the local stack that `make test` starts
//! (DynamoDB Local, moto's Cognito and SES, the local gateway) and find it through the stack
//! file named by `ORDERDESK_STACK` (default `.local/stack.json`).

pub mod mailbox;
mod shop;

pub use shop::*;

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
    pub aws_endpoint: String,
    pub dynamodb_endpoint: String,
    pub region: String,
    pub table_name: String,
    pub user_pool_id: String,
    pub user_pool_client_id: String,
    pub sender_email: String,
    pub seller_notify_email: String,
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

/// A Cognito client on moto.
pub async fn cognito() -> aws_sdk_cognitoidentityprovider::Client {
    let conf = aws_sdk_cognitoidentityprovider::config::Builder::from(&sdk_config().await)
        .endpoint_url(&stack().aws_endpoint)
        .build();
    aws_sdk_cognitoidentityprovider::Client::from_conf(conf)
}

/// Signs in with a password and returns the ID token, as the console does.
pub async fn sign_in(email: &str, password: &str) -> String {
    let out = cognito()
        .await
        .initiate_auth()
        .client_id(&stack().user_pool_client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", email)
        .auth_parameters("PASSWORD", password)
        .send()
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
    let email = unique_email(group);
    let password = "Test-passw0rd-ok";
    let c = cognito().await;
    let pool = &stack().user_pool_id;
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
    c.admin_add_user_to_group()
        .user_pool_id(pool)
        .username(&email)
        .group_name(group)
        .send()
        .await
        .expect("added to group");
    sign_in(&email, password).await
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
    let jwks: Value = reqwest::get(format!(
        "{}/{}/.well-known/jwks.json",
        s.aws_endpoint, s.user_pool_id
    ))
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
            http: reqwest::Client::new(),
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

impl Api {
    /// Creates a customer with a unique name and email through the API and returns it.
    pub async fn new_customer(&self) -> Value {
        let body = serde_json::json!({"name": format!("Customer {}", unique_word()), "email": unique_email("co")});
        let r = self.post("/admin/customers", &body).await;
        assert_eq!(r.status, 201, "creating a customer failed: {}", r.body);
        r.body
    }
}

impl Api {
    /// A new customer (on price tier `tier` if given) with one active login, and an API client
    /// signed in as that login.
    pub async fn customer_with_login(&self, tier: Option<&str>) -> (Value, Api) {
        let customer = self.new_customer().await;
        let id = customer["customer_id"].as_str().expect("an id").to_owned();
        if let Some(t) = tier {
            let r = self
                .patch(
                    &format!("/admin/customers/{id}"),
                    &serde_json::json!({"price_tier_id": t}),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.body);
        }
        let email = unique_email("buyer");
        let password = "Chosen-passw0rd";
        let r = self
            .post(
                &format!("/admin/customers/{id}/logins"),
                &serde_json::json!({"name": "Buyer", "email": email, "mode": "password", "password": password}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.body);
        (customer, Api::with_token(sign_in(&email, password).await))
    }

    /// Adds a product to the catalogue and returns it.
    pub async fn new_product(&self, sku: &str, amount: i64) -> Value {
        let body = serde_json::json!({
            "sku": sku, "name": format!("Product {sku}"), "unit": "bag",
            "price": {"amount": amount, "currency": "EUR"},
        });
        let r = self.post("/admin/products", &body).await;
        assert_eq!(r.status, 201, "{}", r.body);
        r.body
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
        let r = Api::send(
            api.request(reqwest::Method::PUT, "/admin/checkout-questions")
                .json(&standard_questions()),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
    })
    .await;
}

/// The stored item with this key, read straight from DynamoDB Local.
pub async fn item(
    pk: &str,
    sk: &str,
) -> Option<std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>> {
    use aws_sdk_dynamodb::types::AttributeValue;
    dynamodb()
        .await
        .get_item()
        .table_name(&stack().table_name)
        .key("PK", AttributeValue::S(pk.to_owned()))
        .key("SK", AttributeValue::S(sk.to_owned()))
        .consistent_read(true)
        .send()
        .await
        .expect("GetItem")
        .item
}

/// Every item of a partition whose sort key starts with `prefix`.
pub async fn items_with_prefix(
    pk: &str,
    prefix: &str,
) -> Vec<std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>> {
    use aws_sdk_dynamodb::types::AttributeValue;
    dynamodb()
        .await
        .query()
        .table_name(&stack().table_name)
        .key_condition_expression("PK = :pk AND begins_with(SK, :p)")
        .expression_attribute_values(":pk", AttributeValue::S(pk.to_owned()))
        .expression_attribute_values(":p", AttributeValue::S(prefix.to_owned()))
        .consistent_read(true)
        .send()
        .await
        .expect("Query")
        .items
        .unwrap_or_default()
}

/// An API Gateway v2 request for `route_key` (e.g. `GET /orders/{order_id}`) at `path`, as the
/// HTTP API's JWT authorizer hands it to a function: `token`'s claims rendered as strings
/// (arrays as `[a b]`), the path parameters read off the route key. An empty `token` makes a
/// public route's request: no `Authorization` header and no authorizer.
pub fn api_request(
    route_key: &str,
    path: &str,
    token: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> lambda_http::Request {
    let (method, template) = route_key.split_once(' ').expect("METHOD /path");
    let (raw_path, query) = path.split_once('?').unwrap_or((path, ""));
    let mut params = serde_json::Map::new();
    for (t, p) in template.split('/').zip(raw_path.split('/')) {
        if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            params.insert(name.to_owned(), Value::String(p.to_owned()));
        }
    }
    let mut query_params = serde_json::Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        query_params.insert(k.to_owned(), Value::String(v.to_owned()));
    }
    let signed_in = !token.is_empty();
    let claims = if signed_in {
        jwt_claims(token)
    } else {
        serde_json::json!({})
    };
    let claims: serde_json::Map<String, Value> = claims
        .as_object()
        .expect("claims")
        .iter()
        .map(|(k, v)| {
            let rendered = match v {
                Value::String(s) => s.clone(),
                Value::Array(a) => format!(
                    "[{}]",
                    a.iter()
                        .map(|x| x
                            .as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| x.to_string()))
                        .collect::<Vec<_>>()
                        .join(" ")
                ),
                other => other.to_string(),
            };
            (k.clone(), Value::String(rendered))
        })
        .collect();
    let mut header_map = serde_json::Map::new();
    header_map.insert("content-type".into(), "application/json".into());
    if signed_in {
        header_map.insert("authorization".into(), format!("Bearer {token}").into());
    }
    for (k, v) in headers {
        header_map.insert(k.to_ascii_lowercase(), Value::String((*v).to_owned()));
    }
    let event = serde_json::json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": header_map,
        "queryStringParameters": if query_params.is_empty() { Value::Null } else { Value::Object(query_params) },
        "pathParameters": if params.is_empty() { Value::Null } else { Value::Object(params) },
        "requestContext": {
            "accountId": "123456789012", "apiId": "local", "domainName": "localhost",
            "domainPrefix": "localhost", "requestId": uuid::Uuid::new_v4().to_string(),
            "routeKey": route_key, "stage": "$default", "time": "23/Nov/2026:12:00:00 +0000",
            "timeEpoch": 1_795_000_000_000_u64,
            "authorizer": if signed_in { serde_json::json!({"jwt": {"claims": claims, "scopes": null}}) } else { Value::Null },
            "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1",
                     "sourceIp": "127.0.0.1", "userAgent": "orderdesk-tests"},
        },
        "body": body.map(|b| b.to_string()),
        "isBase64Encoded": false,
    });
    lambda_http::request::from_str(&event.to_string()).expect("a valid API Gateway v2 event")
}
