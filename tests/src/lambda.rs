//! Requests as API Gateway hands them to a function, for calling functions in this process.

use crate::jwt_claims;
use serde_json::Value;

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

/// The sample event `file` of the repository's `events/`.
pub fn sample_event(file: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../events")
        .join(file);
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{file} is missing from events/: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file} is not JSON: {e}"))
}
