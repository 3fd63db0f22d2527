//! The functions the local stack can run in-process, and the invoke path the
//! Lambda runtime takes: JSON event → `LambdaRequest` → `lambda_http`'s
//! adapter → the handler → the serialized v2 response.

use std::{
    collections::HashMap,
    future::Future,
    panic::AssertUnwindSafe,
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use anyhow::anyhow;
use aws_lambda_events::{apigw::ApiGatewayV2httpResponse, encodings::Body as LambdaBody};
use base64::{Engine as _, engine::general_purpose::STANDARD};
use futures::{FutureExt as _, future::BoxFuture};
use http::{HeaderName, HeaderValue, StatusCode, header};
use lambda_http::{
    Adapter, Body, LambdaEvent, Request, Response, request::LambdaRequest, service_fn,
};
use orderdesk::http::HttpFunction as _;
use tower::Service as _;
use tracing::Instrument as _;

use crate::{event::ACCOUNT_ID, template::Function};

/// An HTTP function's handler: what its `main` hands to `lambda_http::run`.
pub type HttpHandler = Arc<
    dyn Fn(Request) -> BoxFuture<'static, Result<Response<Body>, lambda_http::Error>> + Send + Sync,
>;

/// A stream, queue or scheduled function's handler: the event's JSON in, the response's JSON
/// out, with the function's own types in between as the Lambda runtime would have them.
pub type EventHandler = Arc<
    dyn Fn(serde_json::Value) -> BoxFuture<'static, Result<serde_json::Value, InvokeError>>
        + Send
        + Sync,
>;

/// The function binaries this build can run, by `Metadata.BuildProperties.Binary`.
#[derive(Default, Clone)]
pub struct Registry {
    http: HashMap<String, HttpHandler>,
    events: HashMap<String, EventHandler>,
}

/// A function's cold start: builds its `App` from the environment and wraps it as the
/// handler its `main` hands to the Lambda runtime.
type Start = fn() -> BoxFuture<'static, Result<Handler, lambda_runtime::Error>>;

/// What a function's `main` runs: `lambda_http::run` or `lambda_runtime::run`.
enum Handler {
    Http(HttpHandler),
    Event(EventHandler),
}

/// An HTTP function's binary and [`Start`]: `App::from_env`, then `App::handle` for each
/// request.
macro_rules! http_function {
    ($binary:literal, $krate:ident) => {
        ($binary, || {
            Box::pin(async {
                let app = $krate::App::from_env().await?;
                Ok(Handler::Http(http_app(app, |app, req| async move {
                    app.handle(req).await
                })))
            })
        })
    };
}

/// A stream, queue or scheduled function's binary and [`Start`]: `App::from_env`, then
/// `App::handle` for each event, its answer made a `Result` by `$answer` (an infallible
/// handler's by `Ok`).
macro_rules! event_function {
    ($binary:literal, $krate:ident, $answer:expr) => {
        ($binary, || {
            Box::pin(async {
                let app = $krate::App::from_env().await?;
                Ok(Handler::Event(event_app(app, |app, event| async move {
                    $answer(app.handle(event).await)
                })))
            })
        })
    };
}

/// Every function this build runs, by `Metadata.BuildProperties.Binary`, started in this order.
const FUNCTIONS: [(&str, Start); 12] = [
    http_function!("customers", orderdesk_customers),
    http_function!("logins", orderdesk_logins),
    http_function!("catalog", orderdesk_catalog),
    http_function!("order-submission", orderdesk_order_submission),
    http_function!("orders", orderdesk_orders),
    http_function!("order-confirmation", orderdesk_order_confirmation),
    http_function!("invitations", orderdesk_invitations),
    http_function!("integrations", orderdesk_integrations),
    event_function!("notifier", orderdesk_notifier, Ok),
    event_function!("publisher", orderdesk_publisher, Ok),
    event_function!("deliverer", orderdesk_deliverer, Ok),
    event_function!("housekeeping", orderdesk_housekeeping, fallible),
];

/// A fallible handler's answer: its error fails the invocation, as in Lambda.
fn fallible<R, E>(answer: Result<R, E>) -> Result<R, lambda_runtime::Error>
where
    E: Into<lambda_runtime::Error>,
{
    answer.map_err(Into::into)
}

impl Registry {
    /// Builds every function once, as a cold start would: each reads its own
    /// configuration from the environment.
    pub async fn from_env() -> anyhow::Result<Self> {
        let mut registry = Self::default();
        for (binary, start) in FUNCTIONS {
            match start()
                .await
                .map_err(|e| anyhow!("the {binary} function cannot start: {e}"))?
            {
                Handler::Http(handler) => registry.add_http(binary, handler),
                Handler::Event(handler) => registry.add_event(binary, handler),
            }
        }
        Ok(registry)
    }

    /// Registers `handler` as the HTTP function built as `binary`.
    pub fn add_http(&mut self, binary: &str, handler: HttpHandler) {
        self.http.insert(binary.to_owned(), handler);
    }

    /// The HTTP function built as `binary`, if this build has it.
    pub fn http(&self, binary: &str) -> Option<&HttpHandler> {
        self.http.get(binary)
    }

    /// Registers `handler` as the stream, queue or scheduled function built as `binary`.
    pub fn add_event(&mut self, binary: &str, handler: EventHandler) {
        self.events.insert(binary.to_owned(), handler);
    }

    /// The handler of `function`, a stream, queue or scheduled function, if this build has it;
    /// when it does not, logs that the event is `skipped` (e.g. "this schedule is not fired").
    pub fn event(&self, function: &Function, skipped: &str) -> Option<EventHandler> {
        let handler = self.events.get(&function.binary).cloned();
        if handler.is_none() {
            tracing::warn!(
                function = %function.logical_id,
                binary = %function.binary,
                "{skipped}: its binary is not in this build"
            );
        }
        handler
    }

    /// The registered binaries, sorted.
    pub fn binaries(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .http
            .keys()
            .chain(self.events.keys())
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names
    }
}

/// A handler that calls `handle` on one shared `app`, the way a function's
/// `main` borrows the clients it built once.
pub fn http_app<A, F, Fut>(app: A, handle: F) -> HttpHandler
where
    A: Send + Sync + 'static,
    F: Fn(Arc<A>, Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<Body>> + Send + 'static,
{
    let app = Arc::new(app);
    Arc::new(move |req| {
        let response = handle(Arc::clone(&app), req);
        Box::pin(async move { Ok(response.await) })
    })
}

/// A handler that deserializes the event as `E`, calls `handle` on one shared `app` and
/// serializes its answer, as `lambda_runtime::run` does around a function's `main`.
pub fn event_app<A, E, R, F, Fut>(app: A, handle: F) -> EventHandler
where
    A: Send + Sync + 'static,
    E: serde::de::DeserializeOwned,
    R: serde::Serialize,
    F: Fn(Arc<A>, E) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, lambda_runtime::Error>> + Send + 'static,
{
    let app = Arc::new(app);
    let handle = Arc::new(handle);
    Arc::new(move |event| {
        let app = Arc::clone(&app);
        let handle = Arc::clone(&handle);
        Box::pin(async move {
            let event: E =
                serde_json::from_value(event).map_err(|e| InvokeError::Payload(e.to_string()))?;
            let response = handle(app, event).await.map_err(InvokeError::Handler)?;
            serde_json::to_value(response).map_err(|e| InvokeError::Response(e.to_string()))
        })
    })
}

/// Invokes a stream, queue or scheduled function with `event` and returns its JSON response.
pub async fn invoke_event(
    handler: &EventHandler,
    event: serde_json::Value,
    invocation: &Invocation<'_>,
) -> Result<serde_json::Value, InvokeError> {
    let span = tracing::info_span!(
        "invoke",
        function = %invocation.function.logical_id,
        request_id = %uuid::Uuid::new_v4()
    );
    let handler = Arc::clone(handler);
    let call = AssertUnwindSafe(async move { handler(event).await })
        .catch_unwind()
        .instrument(span);
    let timeout = invocation.function.timeout;
    match tokio::time::timeout(timeout, call).await {
        Err(_) => Err(InvokeError::Timeout(timeout)),
        Ok(Err(panic)) => Err(InvokeError::Panic(panic_message(panic.as_ref()))),
        Ok(Ok(result)) => result,
    }
}

/// Why an invocation produced no usable response; API Gateway answers each
/// with a 500.
#[derive(Debug, thiserror::Error)]
pub enum InvokeError {
    /// The event did not deserialize as a `LambdaRequest`.
    #[error("the event is not a valid API Gateway v2 request: {0}")]
    Event(String),
    /// The event did not deserialize as the function's input type.
    #[error("the event does not deserialize as the function's input: {0}")]
    Payload(String),
    /// The handler returned an error.
    #[error("the handler failed: {0}")]
    Handler(lambda_http::Error),
    /// The handler panicked.
    #[error("the handler panicked: {0}")]
    Panic(String),
    /// The handler ran past the function's timeout.
    #[error("the function timed out after {0:?}")]
    Timeout(Duration),
    /// The handler's response is not one API Gateway can send.
    #[error("the response is malformed: {0}")]
    Response(String),
}

/// Where an invocation comes from.
#[derive(Debug, Clone)]
pub struct Invocation<'a> {
    /// The function invoked.
    pub function: &'a Function,
    /// The region its ARN names.
    pub region: &'a str,
    /// The X-Ray trace header of the request.
    pub trace_id: &'a str,
}

/// Invokes an HTTP function with `event` (the JSON API Gateway would send) and
/// returns the HTTP response API Gateway would make of its answer.
pub async fn invoke_http(
    handler: &HttpHandler,
    event: &[u8],
    invocation: &Invocation<'_>,
) -> Result<http::Response<Vec<u8>>, InvokeError> {
    let payload: LambdaRequest = serde_json::from_slice(event).map_err(|_| {
        let detail =
            serde_json::from_slice::<aws_lambda_events::apigw::ApiGatewayV2httpRequest>(event)
                .err()
                .map_or_else(
                    || "not an API Gateway v2 payload".to_owned(),
                    |e| e.to_string(),
                );
        InvokeError::Event(detail)
    })?;
    let context = context(invocation);
    let span = tracing::info_span!(
        "invoke",
        function = %invocation.function.logical_id,
        request_id = %context.request_id
    );
    let handler = Arc::clone(handler);
    let mut adapter = Adapter::from(service_fn(move |req: Request| handler(req)));
    let call = async move {
        std::future::poll_fn(|cx| adapter.poll_ready(cx)).await?;
        adapter.call(LambdaEvent::new(payload, context)).await
    };
    let call = AssertUnwindSafe(call).catch_unwind().instrument(span);

    let timeout = invocation.function.timeout;
    let response = match tokio::time::timeout(timeout, call).await {
        Err(_) => return Err(InvokeError::Timeout(timeout)),
        Ok(Err(panic)) => return Err(InvokeError::Panic(panic_message(panic.as_ref()))),
        Ok(Ok(Err(error))) => return Err(InvokeError::Handler(error)),
        Ok(Ok(Ok(response))) => response,
    };
    let wire = serde_json::to_value(&response).map_err(|e| InvokeError::Response(e.to_string()))?;
    let response: ApiGatewayV2httpResponse =
        serde_json::from_value(wire).map_err(|e| InvokeError::Response(e.to_string()))?;
    http_response(response)
}

fn context(invocation: &Invocation<'_>) -> lambda_runtime::Context {
    let function = invocation.function;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let mut context = lambda_runtime::Context::default();
    context.request_id = uuid::Uuid::new_v4().to_string();
    context.deadline = u64::try_from((now + function.timeout).as_millis()).unwrap_or(u64::MAX);
    context.invoked_function_arn = format!(
        "arn:aws:lambda:{}:{ACCOUNT_ID}:function:{}",
        invocation.region, function.logical_id
    );
    context.xray_trace_id = Some(invocation.trace_id.to_owned());
    context.env_config = Arc::new(lambda_runtime::Config {
        function_name: function.logical_id.clone(),
        memory: i32::try_from(function.memory_mb).unwrap_or(i32::MAX),
        version: "$LATEST".to_owned(),
        log_group: format!("/aws/lambda/{}", function.logical_id),
        ..lambda_runtime::Config::default()
    });
    context
}

/// API Gateway's HTTP response for a function's v2 response: `headers`, then
/// `multiValueHeaders`, then `cookies` as `set-cookie`; the body decoded.
pub fn http_response(
    response: ApiGatewayV2httpResponse,
) -> Result<http::Response<Vec<u8>>, InvokeError> {
    let status = u16::try_from(response.status_code)
        .ok()
        .and_then(|code| StatusCode::from_u16(code).ok())
        .ok_or_else(|| InvokeError::Response(format!("status code {}", response.status_code)))?;
    let body = match response.body {
        Some(LambdaBody::Text(text)) if response.is_base64_encoded => STANDARD
            .decode(text)
            .map_err(|e| InvokeError::Response(format!("body is not base64: {e}")))?,
        Some(LambdaBody::Text(text)) => text.into_bytes(),
        Some(LambdaBody::Binary(bytes)) => bytes,
        _ => Vec::new(),
    };

    let mut http = http::Response::new(body);
    *http.status_mut() = status;
    let headers = http.headers_mut();
    let pairs = response
        .headers
        .iter()
        .chain(response.multi_value_headers.iter());
    for (name, value) in pairs.filter(|(name, _)| !is_connection_header(name)) {
        headers.append(name.clone(), value.clone());
    }
    for cookie in response.cookies {
        let value = HeaderValue::try_from(cookie)
            .map_err(|e| InvokeError::Response(format!("cookie: {e}")))?;
        headers.append(header::SET_COOKIE, value);
    }
    Ok(http)
}

fn is_connection_header(name: &HeaderName) -> bool {
    [
        header::CONTENT_LENGTH,
        header::TRANSFER_ENCODING,
        header::CONNECTION,
    ]
    .contains(name)
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string panic".to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn function(timeout: Duration) -> Function {
        Function {
            logical_id: "EchoFunction".into(),
            binary: "echo".into(),
            timeout,
            memory_mb: 256,
            routes: Vec::new(),
            sends_email: false,
        }
    }

    fn event() -> Vec<u8> {
        serde_json::to_vec(&json!({
            "version": "2.0",
            "routeKey": "GET /echo/{id}",
            "rawPath": "/echo/42",
            "rawQueryString": "q=1",
            "headers": {"host": "127.0.0.1:3000", "x-forwarded-proto": "http"},
            "pathParameters": {"id": "42"},
            "requestContext": {
                "accountId": "000000000000", "apiId": "local", "domainName": "127.0.0.1:3000",
                "domainPrefix": "127", "requestId": "r", "routeKey": "GET /echo/{id}",
                "stage": "$default", "time": "04/Mar/2020:19:03:58 +0000", "timeEpoch": 0,
                "http": {"method": "GET", "path": "/echo/42", "protocol": "HTTP/1.1",
                         "sourceIp": "127.0.0.1", "userAgent": "test"},
                "authorizer": {"jwt": {"claims": {"sub": "user-1"}, "scopes": null}}
            },
            "isBase64Encoded": false
        }))
        .unwrap()
    }

    async fn invoke(
        handler: HttpHandler,
        timeout: Duration,
    ) -> Result<http::Response<Vec<u8>>, InvokeError> {
        let function = function(timeout);
        let invocation = Invocation {
            function: &function,
            region: "eu-west-1",
            trace_id: "Root=1-00000000-000000000000000000000000",
        };
        invoke_http(&handler, &event(), &invocation).await
    }

    #[tokio::test]
    async fn the_handler_sees_what_lambda_http_makes_of_the_event() {
        use lambda_http::RequestExt as _;
        let handler = http_app((), |_, req: Request| async move {
            let context = req.lambda_context();
            let body = json!({
                "uri": req.uri().to_string(),
                "id": req.path_parameters_ref().and_then(|p| p.first("id")).map(str::to_owned),
                "arn": context.invoked_function_arn,
                "trace": req.headers().get("x-amzn-trace-id").and_then(|v| v.to_str().ok()),
            });
            Response::builder()
                .status(201)
                .header("content-type", "application/json")
                .header("set-cookie", "a=1")
                .header("set-cookie", "b=2")
                .body(Body::Text(body.to_string()))
                .unwrap()
        });

        let response = invoke(handler, Duration::from_secs(3)).await.unwrap();

        assert_eq!(response.status(), 201);
        assert_eq!(response.headers()["content-type"], "application/json");
        let cookies: Vec<_> = response.headers().get_all("set-cookie").iter().collect();
        assert_eq!(cookies, ["a=1", "b=2"]);
        let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(body["uri"], "http://127.0.0.1:3000/echo/42?q=1");
        assert_eq!(body["id"], "42");
        assert_eq!(
            body["arn"],
            "arn:aws:lambda:eu-west-1:000000000000:function:EchoFunction"
        );
        assert_eq!(body["trace"], "Root=1-00000000-000000000000000000000000");
    }

    #[tokio::test]
    async fn a_repeated_response_header_keeps_only_its_first_value_as_in_lambda() {
        // lambda_http 1.3 serializes a v2 response's headers one value per name,
        // so in AWS too only the first survives; set-cookie is the exception.
        let handler = http_app((), |_, _| async {
            Response::builder()
                .header("x-many", "a")
                .header("x-many", "b")
                .body(Body::Empty)
                .unwrap()
        });

        let response = invoke(handler, Duration::from_secs(3)).await.unwrap();

        let values: Vec<_> = response.headers().get_all("x-many").iter().collect();
        assert_eq!(values, ["a"]);
    }

    #[tokio::test]
    async fn a_binary_response_comes_back_decoded() {
        let handler = http_app((), |_, _| async {
            Response::builder()
                .header("content-type", "application/octet-stream")
                .body(Body::Binary(vec![0, 159, 146, 150]))
                .unwrap()
        });

        let response = invoke(handler, Duration::from_secs(3)).await.unwrap();

        assert_eq!(response.body(), &[0, 159, 146, 150]);
    }

    #[tokio::test]
    async fn errors_panics_and_timeouts_are_invoke_errors() {
        let failing: HttpHandler = Arc::new(|_| Box::pin(async { Err("boom".into()) }));
        let panicking = http_app((), |_, _| async { panic!("kaboom") });
        let slow = http_app((), |_, _| async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Response::new(Body::Empty)
        });

        let failed = invoke(failing, Duration::from_secs(3)).await.unwrap_err();
        let panicked = invoke(panicking, Duration::from_secs(3)).await.unwrap_err();
        let timed_out = invoke(slow, Duration::from_millis(50)).await.unwrap_err();

        assert!(matches!(failed, InvokeError::Handler(_)), "{failed}");
        assert!(
            matches!(&panicked, InvokeError::Panic(m) if m == "kaboom"),
            "{panicked}"
        );
        assert!(matches!(timed_out, InvokeError::Timeout(_)), "{timed_out}");
    }

    #[test]
    fn a_response_with_an_impossible_status_is_refused() {
        let mut response = ApiGatewayV2httpResponse::default();
        response.status_code = 42;

        assert!(matches!(
            http_response(response),
            Err(InvokeError::Response(_))
        ));
    }

    #[test]
    fn multi_value_headers_and_cookies_are_all_sent() {
        let response: ApiGatewayV2httpResponse = serde_json::from_value(json!({
            "statusCode": 200,
            "headers": {"x-one": "1", "content-length": "999"},
            "multiValueHeaders": {"x-many": ["a", "b"]},
            "cookies": ["s=1; HttpOnly"],
            "body": "aGk=",
            "isBase64Encoded": true
        }))
        .unwrap();

        let http = http_response(response).unwrap();

        assert_eq!(http.headers()["x-one"], "1");
        assert_eq!(http.headers().get("content-length"), None);
        let many: Vec<_> = http.headers().get_all("x-many").iter().collect();
        assert_eq!(many, ["a", "b"]);
        assert_eq!(http.headers()["set-cookie"], "s=1; HttpOnly");
        assert_eq!(http.body(), b"hi");
    }
}
