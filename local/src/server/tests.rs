use std::time::Duration;

use axum::body::to_bytes;
use lambda_http::{RequestExt as _, request::RequestContext};
use serde_json::{Value, json};
use tower::ServiceExt as _;

use super::*;
use crate::{
    auth::KeySet,
    invoke::{HttpHandler, http_app},
    template::Template,
    testing::{AUDIENCE, ISSUER, JwksServer, TestKey, id_token_claims, sign},
};

const TEMPLATE: &str = r#"
Resources:
  HttpApi:
    Type: AWS::Serverless::HttpApi
    Properties:
      CorsConfiguration:
        AllowOrigins: [!Sub "https://${Distribution.DomainName}"]
        AllowHeaders: [Authorization, Content-Type, X-Act-As-Reason]
        AllowMethods: [GET, POST]
        ExposeHeaders: [Idempotent-Replayed]
        MaxAge: 600
  EchoFunction:
    Type: AWS::Serverless::Function
    Metadata: { BuildProperties: { Binary: echo } }
    Properties:
      Timeout: 2
      Events:
        Get: { Type: HttpApi, Properties: { Path: "/things/{thing_id}", Method: GET } }
        Post: { Type: HttpApi, Properties: { Path: /things, Method: POST } }
        Public: { Type: HttpApi, Properties: { Path: "/open/{proxy+}", Method: GET, Auth: { Authorizer: NONE } } }
        Fail: { Type: HttpApi, Properties: { Path: /fail, Method: GET, Auth: { Authorizer: NONE } } }
  MissingFunction:
    Type: AWS::Serverless::Function
    Metadata: { BuildProperties: { Binary: missing } }
    Properties:
      Events:
        Get: { Type: HttpApi, Properties: { Path: /missing, Method: GET, Auth: { Authorizer: NONE } } }
"#;

fn echo() -> HttpHandler {
    http_app((), |_, req: lambda_http::Request| async move {
        if req.uri().path() == "/fail" {
            panic!("the function failed");
        }
        let (route_key, claims) = match req.request_context() {
            RequestContext::ApiGatewayV2(context) => (
                context.route_key.clone(),
                context.authorizer.and_then(|a| a.jwt).map(|jwt| jwt.claims),
            ),
            _ => (None, None),
        };
        let body = json!({
            "route_key": route_key,
            "groups": claims.as_ref().and_then(|c| c.get("cognito:groups")),
            "path_parameters": req.path_parameters().iter().collect::<Vec<_>>(),
            "body": String::from_utf8_lossy(req.body().as_ref()),
        });
        lambda_http::Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body(lambda_http::Body::Text(body.to_string()))
            .unwrap()
    })
}

struct Fixture {
    router: Router,
    _jwks: JwksServer,
    console: PathBuf,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.console);
    }
}

async fn fixture() -> Fixture {
    let jwks = JwksServer::start(&[TestKey::Signing]).await;
    let console = std::env::temp_dir().join(format!("orderdesk-console-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(console.join("js")).unwrap();
    std::fs::write(console.join("index.html"), "<h1>console</h1>").unwrap();
    std::fs::write(console.join("js/app.js"), "console.log(1)").unwrap();
    let mut registry = Registry::default();
    registry.add_http("echo", echo());
    let template = Template::parse(TEMPLATE).unwrap();
    let gateway = Gateway {
        routes: RouteTable::from_template(&template).unwrap(),
        registry,
        authorizer: JwtAuthorizer::new(
            ISSUER.into(),
            AUDIENCE.into(),
            KeySet::new(jwks.url()).unwrap(),
        ),
        console: Some(console.clone()),
        region: "eu-west-1".into(),
        port: 3000,
        mailbox: Some(Mailbox::new("http://127.0.0.1:9")),
        cors: Cors {
            rules: template.cors.clone(),
            origins: vec![DEV_SERVER.into()],
        },
    };
    Fixture {
        router: router(Arc::new(gateway)),
        _jwks: jwks,
        console,
    }
}

fn token() -> String {
    format!("Bearer {}", sign(&id_token_claims(), TestKey::Signing))
}

async fn send(
    fixture: &Fixture,
    request: axum::http::Request<Body>,
) -> (StatusCode, HeaderMap, Vec<u8>) {
    let response = tokio::time::timeout(
        Duration::from_secs(10),
        fixture.router.clone().oneshot(request),
    )
    .await
    .unwrap()
    .unwrap();
    let (parts, body) = response.into_parts();
    (
        parts.status,
        parts.headers,
        to_bytes(body, usize::MAX).await.unwrap().to_vec(),
    )
}

/// A request of `line` (`"GET /path"`) with these headers and body.
fn request(
    line: &str,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> axum::http::Request<Body> {
    let (method, uri) = line.split_once(' ').unwrap();
    let mut request = axum::http::Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(body.into()).unwrap()
}

/// A request with a valid ID token besides these headers.
fn authorised(
    line: &str,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> axum::http::Request<Body> {
    let token = token();
    let mut all = vec![("authorization", token.as_str())];
    all.extend_from_slice(headers);
    request(line, &all, body)
}

fn get(uri: &str) -> axum::http::Request<Body> {
    axum::http::Request::get(uri).body(Body::empty()).unwrap()
}

fn json_body(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap()
}

/// Asserts that `answer` is API Gateway's own error: `status` with `{"message": message}`.
fn assert_gateway_error(answer: &(StatusCode, HeaderMap, Vec<u8>), status: u16, message: &str) {
    assert_eq!(answer.0, status);
    assert_eq!(json_body(&answer.2), json!({ "message": message }));
}

#[tokio::test]
async fn an_authorised_request_reaches_the_function_with_claims_and_path_parameters() {
    let fixture = fixture().await;
    let request = authorised("GET /things/t-1", &[], Body::empty());

    let (status, headers, body) = send(&fixture, request).await;

    assert_eq!(status, 200);
    assert!(headers.contains_key("apigw-requestid"));
    let body = json_body(&body);
    assert_eq!(body["route_key"], "GET /things/{thing_id}");
    assert_eq!(body["groups"], "[admins]");
    assert_eq!(body["path_parameters"], json!([["thing_id", "t-1"]]));
}

#[tokio::test]
async fn the_request_body_is_handed_on() {
    let fixture = fixture().await;
    let json = [("content-type", "application/json")];
    let request = authorised("POST /things", &json, r#"{"name":"x"}"#);

    let (status, _, body) = send(&fixture, request).await;

    assert_eq!(status, 200);
    assert_eq!(json_body(&body)["body"], r#"{"name":"x"}"#);
}

#[tokio::test]
async fn a_request_without_a_valid_token_gets_api_gateways_401() {
    let fixture = fixture().await;
    let bad_token = [("authorization", "Bearer not.a.token")];
    let forged = request("GET /things/t-1", &bad_token, Body::empty());

    let missing = send(&fixture, get("/things/t-1")).await;
    let invalid = send(&fixture, forged).await;

    assert_gateway_error(&missing, 401, "Unauthorized");
    assert_eq!(missing.1["www-authenticate"], "Bearer");
    assert_gateway_error(&invalid, 401, "Unauthorized");
    assert!(
        invalid.1["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer scope=\"\" error=\"invalid_token\"")
    );
}

#[tokio::test]
async fn a_public_route_needs_no_token_and_gets_no_claims() {
    let fixture = fixture().await;

    let (status, _, body) = send(&fixture, get("/open/a/b")).await;

    assert_eq!(status, 200);
    let body = json_body(&body);
    assert_eq!(body["route_key"], "GET /open/{proxy+}");
    assert_eq!(body["groups"], Value::Null);
    assert_eq!(body["path_parameters"], json!([["proxy", "a/b"]]));
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_get_api_gateways_404() {
    let fixture = fixture().await;
    let unknown = get("/nowhere");
    let wrong_method = request("DELETE /things/t-1", &[], Body::empty());

    for request in [unknown, wrong_method] {
        assert_gateway_error(&send(&fixture, request).await, 404, "Not Found");
    }
}

#[tokio::test]
async fn a_route_whose_binary_is_not_built_in_answers_501() {
    let fixture = fixture().await;

    let (status, headers, body) = send(&fixture, get("/missing")).await;

    assert_eq!(status, 501);
    assert_eq!(headers["content-type"], "application/problem+json");
    let body = json_body(&body);
    assert_eq!(body["status"], 501);
    assert!(body["detail"].as_str().unwrap().contains("`missing`"));
}

#[tokio::test]
async fn a_failing_function_gets_api_gateways_500() {
    let fixture = fixture().await;

    let answer = send(&fixture, get("/fail")).await;

    assert_gateway_error(&answer, 500, "Internal Server Error");
}

#[tokio::test]
async fn a_body_over_10_mib_gets_413() {
    let fixture = fixture().await;
    let too_long = (MAX_PAYLOAD_BYTES + 1).to_string();
    let declared = authorised(
        "POST /things",
        &[("content-length", &too_long)],
        Body::empty(),
    );
    let streamed = authorised("POST /things", &[], vec![b'a'; MAX_PAYLOAD_BYTES + 1]);

    for request in [declared, streamed] {
        let answer = send(&fixture, request).await;
        assert_gateway_error(&answer, 413, "Request Entity Too Large");
    }
}

/// The one origin besides its own that the test gateway lets call the API.
const DEV_SERVER: &str = "http://localhost:5173";

#[tokio::test]
async fn a_preflight_from_a_listed_origin_gets_the_templates_cors_rules_and_others_get_none() {
    let fixture = fixture().await;
    let preflight = |origin| {
        let headers = [
            ("origin", origin),
            ("access-control-request-method", "POST"),
        ];
        request("OPTIONS /things", &headers, Body::empty())
    };

    let (listed, listed_headers, _) = send(&fixture, preflight(DEV_SERVER)).await;
    let (foreign, foreign_headers, _) = send(&fixture, preflight("https://evil.example")).await;

    assert_eq!(listed, 204);
    assert_eq!(listed_headers["access-control-allow-origin"], DEV_SERVER);
    assert_eq!(
        listed_headers["access-control-allow-headers"],
        "authorization, content-type, x-act-as-reason"
    );
    assert_eq!(listed_headers["access-control-allow-methods"], "GET, POST");
    assert_eq!(listed_headers["access-control-max-age"], "600");
    assert_eq!(foreign, 204);
    assert!(
        !foreign_headers.contains_key("access-control-allow-origin"),
        "an unlisted origin is never reflected"
    );
}

#[tokio::test]
async fn an_api_response_carries_cors_headers_only_for_a_listed_origin() {
    let fixture = fixture().await;
    let from = |origin| request("GET /nowhere", &[("origin", origin)], Body::empty());

    let (_, listed, _) = send(&fixture, from(DEV_SERVER)).await;
    let (_, foreign, _) = send(&fixture, from("https://evil.example")).await;

    assert_eq!(listed["access-control-allow-origin"], DEV_SERVER);
    assert_eq!(
        listed["access-control-expose-headers"],
        "idempotent-replayed"
    );
    assert!(!foreign.contains_key("access-control-allow-origin"));
    assert!(!foreign.contains_key("access-control-expose-headers"));
}

#[tokio::test]
async fn the_development_mailbox_answers_only_its_own_origin() {
    let fixture = fixture().await;
    let mailbox =
        |headers: &[(&str, &str)]| request("GET /dev/mailbox.json", headers, Body::empty());

    let (cross_site, cross_headers, _) =
        send(&fixture, mailbox(&[("sec-fetch-site", "cross-site")])).await;
    let (foreign, _, _) = send(&fixture, mailbox(&[("origin", DEV_SERVER)])).await;
    let (own, _, _) = send(
        &fixture,
        mailbox(&[
            ("origin", "http://127.0.0.1:3000"),
            ("sec-fetch-site", "same-origin"),
        ]),
    )
    .await;

    assert_eq!(cross_site, 403);
    assert!(!cross_headers.contains_key("access-control-allow-origin"));
    assert_eq!(foreign, 403, "even an origin the API allows");
    assert_eq!(
        own, 502,
        "the mailbox itself answers: there is no SES store in this test"
    );
}

#[tokio::test]
async fn the_console_is_served_for_paths_outside_the_api() {
    let fixture = fixture().await;

    let (root, root_headers, root_body) = send(&fixture, get("/")).await;
    let (script, script_headers, _) = send(&fixture, get("/js/app.js")).await;
    let (escape, _, _) = send(&fixture, get("/js/%2e%2e/%2e%2e/etc/passwd")).await;
    let (health, _, health_body) = send(&fixture, get("/healthz")).await;

    assert_eq!(root, 200);
    assert_eq!(root_headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(root_headers["x-frame-options"], "SAMEORIGIN");
    assert_eq!(root_headers["x-content-type-options"], "nosniff");
    assert_eq!(
        root_headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
    assert_eq!(root_body, b"<h1>console</h1>");
    assert_eq!(script, 200);
    assert_eq!(
        script_headers["content-type"],
        "text/javascript; charset=utf-8"
    );
    assert_eq!(escape, 404);
    assert_eq!(health, 200);
    assert_eq!(health_body, b"ok");
}
