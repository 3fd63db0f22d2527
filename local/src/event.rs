//! Turns an HTTP request into the API Gateway HTTP API (payload 2.0) event a
//! Lambda function receives.

use std::{collections::BTreeMap, net::IpAddr};

use base64::{Engine as _, engine::general_purpose::STANDARD};
use http::{HeaderMap, Method, Uri, Version, uri::Authority};
use serde::Serialize;
use serde_json::Value;
use time::{OffsetDateTime, macros::format_description};

use crate::{auth::Claims, routes::Match};

/// The account id every local event carries.
pub const ACCOUNT_ID: &str = "000000000000";

/// The request as the gateway received it.
#[derive(Debug)]
pub struct Incoming<'a> {
    /// The request method.
    pub method: &'a Method,
    /// The request target: path and query, as sent.
    pub uri: &'a Uri,
    /// The HTTP version.
    pub version: Version,
    /// The request headers.
    pub headers: &'a HeaderMap,
    /// The whole body.
    pub body: &'a [u8],
    /// The client's address.
    pub source_ip: IpAddr,
}

/// What the gateway itself adds to every event.
#[derive(Debug, Clone)]
pub struct Stamp {
    /// API Gateway's request id (also sent back as `apigw-requestid`).
    pub request_id: String,
    /// When the request arrived.
    pub time: OffsetDateTime,
    /// The X-Ray trace header, `Root=1-...`.
    pub trace_id: String,
    /// The port the gateway listens on.
    pub port: u16,
}

/// An API Gateway v2 request event, serialized exactly as API Gateway sends it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiEvent {
    version: &'static str,
    route_key: String,
    raw_path: String,
    raw_query_string: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    cookies: Option<Vec<String>>,
    headers: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    query_string_parameters: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    path_parameters: BTreeMap<String, String>,
    request_context: RequestContext,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    is_base64_encoded: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct RequestContext {
    account_id: &'static str,
    api_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    authorizer: Option<Authorizer>,
    domain_name: String,
    domain_prefix: String,
    http: HttpDescription,
    request_id: String,
    route_key: String,
    stage: &'static str,
    time: String,
    time_epoch: i64,
}

#[derive(Debug, Clone, Serialize)]
struct Authorizer {
    jwt: Jwt,
}

#[derive(Debug, Clone, Serialize)]
struct Jwt {
    claims: BTreeMap<String, String>,
    scopes: Option<Vec<String>>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct HttpDescription {
    method: String,
    path: String,
    protocol: String,
    source_ip: String,
    user_agent: String,
}

impl ApiEvent {
    /// The event for `request` on the matched route; `claims` are the
    /// authorizer's, present on routes that are not public.
    pub fn new(
        request: &Incoming<'_>,
        route: &Match<'_>,
        claims: Option<&Claims>,
        stamp: &Stamp,
    ) -> Self {
        let host = host(request.headers, stamp.port);
        let mut headers = join_headers(request.headers);
        headers.remove("cookie");
        headers.insert("host".into(), host.clone());
        let forwarded_for = match headers.get("x-forwarded-for") {
            Some(chain) => format!("{chain}, {}", request.source_ip),
            None => request.source_ip.to_string(),
        };
        headers.insert("x-forwarded-for".into(), forwarded_for);
        headers.insert("x-forwarded-port".into(), stamp.port.to_string());
        headers.insert("x-forwarded-proto".into(), "http".into());
        headers.insert("x-amzn-trace-id".into(), stamp.trace_id.clone());

        let cookies = cookies(request.headers);
        let raw_query_string = request.uri.query().unwrap_or_default().to_owned();
        let (body, is_base64_encoded) = match std::str::from_utf8(request.body) {
            _ if request.body.is_empty() => (None, false),
            Ok(text) => (Some(text.to_owned()), false),
            Err(_) => (Some(STANDARD.encode(request.body)), true),
        };
        let time_format =
            format_description!("[day]/[month repr:short]/[year]:[hour]:[minute]:[second] +0000");
        let utc = stamp.time.to_offset(time::UtcOffset::UTC);

        Self {
            version: "2.0",
            route_key: route.target.route_key.clone(),
            raw_path: request.uri.path().to_owned(),
            query_string_parameters: query_parameters(&raw_query_string),
            raw_query_string,
            cookies: (!cookies.is_empty()).then_some(cookies),
            path_parameters: route.path_parameters.clone(),
            request_context: RequestContext {
                account_id: ACCOUNT_ID,
                api_id: "local",
                authorizer: claims.map(|claims| Authorizer {
                    jwt: Jwt {
                        claims: render_claims(claims),
                        scopes: None,
                    },
                }),
                domain_prefix: domain_prefix(&host),
                domain_name: host,
                http: HttpDescription {
                    method: request.method.as_str().to_owned(),
                    path: request.uri.path().to_owned(),
                    protocol: format!("{:?}", request.version),
                    source_ip: request.source_ip.to_string(),
                    user_agent: headers.get("user-agent").cloned().unwrap_or_default(),
                },
                request_id: stamp.request_id.clone(),
                route_key: route.target.route_key.clone(),
                stage: "$default",
                time: utc.format(time_format).unwrap_or_default(),
                time_epoch: i64::try_from(utc.unix_timestamp_nanos() / 1_000_000)
                    .unwrap_or_default(),
            },
            headers,
            body,
            is_base64_encoded,
        }
    }
}

/// Claims as the JWT authorizer hands them on: every value a string, lists as
/// `[a b c]`, objects as `map[k:v]`.
pub fn render_claims(claims: &Claims) -> BTreeMap<String, String> {
    claims
        .iter()
        .map(|(name, value)| (name.clone(), render(value)))
        .collect()
}

fn render(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Null => String::new(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(render).collect();
            format!("[{}]", items.join(" "))
        }
        Value::Object(map) => {
            let fields: BTreeMap<&str, String> =
                map.iter().map(|(k, v)| (k.as_str(), render(v))).collect();
            let fields: Vec<String> = fields.iter().map(|(k, v)| format!("{k}:{v}")).collect();
            format!("map[{}]", fields.join(" "))
        }
    }
}

/// Header names lowercased, repeated headers joined with `,`.
pub fn join_headers(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut joined: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes());
        joined
            .entry(name.as_str().to_ascii_lowercase())
            .and_modify(|existing| {
                existing.push(',');
                existing.push_str(&value);
            })
            .or_insert_with(|| value.into_owned());
    }
    joined
}

/// Decoded query parameters, repeated keys joined with `,`.
pub fn query_parameters(raw_query: &str) -> BTreeMap<String, String> {
    let mut parameters: BTreeMap<String, String> = BTreeMap::new();
    for (key, value) in form_urlencoded::parse(raw_query.as_bytes()) {
        parameters
            .entry(key.into_owned())
            .and_modify(|existing| {
                existing.push(',');
                existing.push_str(&value);
            })
            .or_insert_with(|| value.into_owned());
    }
    parameters
}

fn cookies(headers: &HeaderMap) -> Vec<String> {
    let mut cookies = Vec::new();
    for value in headers.get_all(http::header::COOKIE) {
        let text = String::from_utf8_lossy(value.as_bytes());
        cookies.extend(
            text.split(';')
                .map(str::trim)
                .filter(|cookie| !cookie.is_empty())
                .map(str::to_owned),
        );
    }
    cookies
}

fn host(headers: &HeaderMap, port: u16) -> String {
    headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.parse::<Authority>().is_ok())
        .map(str::to_owned)
        .unwrap_or_else(|| format!("127.0.0.1:{port}"))
}

fn domain_prefix(host: &str) -> String {
    let name = host
        .parse::<Authority>()
        .map(|a| a.host().to_owned())
        .unwrap_or_default();
    name.split('.').next().unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use std::{sync::Arc, time::Duration};

    use aws_lambda_events::apigw::ApiGatewayV2httpRequest;
    use http::{HeaderValue, header::HeaderName};
    use serde_json::json;

    use super::*;
    use crate::{routes::Target, template::Function};

    fn claims(value: Value) -> Claims {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn claims_are_rendered_as_the_jwt_authorizer_renders_them() {
        let rendered = render_claims(&claims(json!({
            "sub": "user-1",
            "cognito:groups": ["admins", "customers"],
            "exp": 1_700_000_000u64,
            "email_verified": true,
            "ratio": 1.5,
            "address": {"street": "Main", "city": "Oslo"},
            "nested": [["a", "b"], 1],
            "none": null,
        })));

        let expected = [
            ("sub", "user-1"),
            ("cognito:groups", "[admins customers]"),
            ("exp", "1700000000"),
            ("email_verified", "true"),
            ("ratio", "1.5"),
            ("address", "map[city:Oslo street:Main]"),
            ("nested", "[[a b] 1]"),
            ("none", ""),
        ];
        assert_eq!(
            rendered,
            expected
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .into()
        );
    }

    #[test]
    fn the_functions_read_the_rendered_groups_as_whole_names() {
        use orderdesk::actor::Actor;
        let actor = |groups: Value| {
            let rendered = render_claims(&claims(json!({"sub": "u1", "cognito:groups": groups})));
            Actor::from_claims(&rendered.into_iter().collect())
        };

        assert!(matches!(actor(json!(["admins"])), Actor::Admin(_)));
        assert!(matches!(
            actor(json!(["support", "customers"])),
            Actor::Customer(_)
        ));
        for groups in [
            json!(["support,admins"]),
            json!(["admins,support"]),
            json!(["[admins]"]),
            json!(["\"admins\""]),
            json!([]),
        ] {
            assert!(
                matches!(actor(groups.clone()), Actor::Ungrouped(_)),
                "{groups}"
            );
        }
        assert!(matches!(
            actor(json!(["support,admins", "customers"])),
            Actor::Customer(_)
        ));
    }

    #[test]
    fn repeated_headers_are_joined_with_commas_and_names_lowercased() {
        let mut headers = HeaderMap::new();
        headers.append("Accept", HeaderValue::from_static("text/plain"));
        headers.append("accept", HeaderValue::from_static("application/json"));
        headers.append(
            HeaderName::from_static("x-one"),
            HeaderValue::from_static("1"),
        );

        let joined = join_headers(&headers);

        assert_eq!(joined.len(), 2);
        assert_eq!(joined["accept"], "text/plain,application/json");
        assert_eq!(joined["x-one"], "1");
    }

    #[test]
    fn repeated_query_keys_are_joined_with_commas_and_values_decoded() {
        let parameters = query_parameters("tag=a&tag=b%20c&q=caf%C3%A9&flag&plus=x+y");

        assert_eq!(parameters["tag"], "a,b c");
        assert_eq!(parameters["q"], "café");
        assert_eq!(parameters["flag"], "");
        assert_eq!(parameters["plus"], "x y");
    }

    fn target() -> Target {
        Target {
            route_key: "PATCH /admin/customers/{customer_id}".into(),
            public: false,
            function: Arc::new(Function {
                logical_id: "CustomersFunction".into(),
                binary: "customers".into(),
                timeout: Duration::from_secs(10),
                memory_mb: 256,
                routes: Vec::new(),
                sends_email: false,
            }),
        }
    }

    fn stamp() -> Stamp {
        Stamp {
            request_id: "req-1".into(),
            time: OffsetDateTime::from_unix_timestamp_nanos(1_583_348_638_390_000_000).unwrap(),
            trace_id: "Root=1-5e6a1b2c-000000000000000000000001".into(),
            port: 3000,
        }
    }

    fn event(body: &[u8], claims: Option<&Claims>) -> Value {
        let uri: Uri = "/admin/customers/c%201?tag=a&tag=b".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("host", HeaderValue::from_static("localhost:3000"));
        headers.insert("user-agent", HeaderValue::from_static("curl/8"));
        headers.append("cookie", HeaderValue::from_static("a=1; b=2"));
        headers.append("cookie", HeaderValue::from_static("c=3"));
        let target = target();
        let route = Match {
            target: &target,
            path_parameters: BTreeMap::from([("customer_id".into(), "c 1".into())]),
        };
        let request = Incoming {
            method: &Method::PATCH,
            uri: &uri,
            version: Version::HTTP_11,
            headers: &headers,
            body,
            source_ip: "127.0.0.1".parse().unwrap(),
        };
        serde_json::to_value(ApiEvent::new(&request, &route, claims, &stamp())).unwrap()
    }

    #[test]
    fn the_event_has_api_gateways_shape() {
        let claims = claims(json!({"sub": "user-1", "cognito:groups": ["admins"]}));

        let event = event(br#"{"name":"Acme"}"#, Some(&claims));

        assert_eq!(event["version"], "2.0");
        assert_eq!(event["routeKey"], "PATCH /admin/customers/{customer_id}");
        assert_eq!(event["rawPath"], "/admin/customers/c%201");
        assert_eq!(event["rawQueryString"], "tag=a&tag=b");
        assert_eq!(event["cookies"], json!(["a=1", "b=2", "c=3"]));
        assert_eq!(event["headers"].get("cookie"), None);
        assert_eq!(event["headers"]["x-forwarded-for"], "127.0.0.1");
        assert_eq!(event["queryStringParameters"], json!({"tag": "a,b"}));
        assert_eq!(event["pathParameters"], json!({"customer_id": "c 1"}));
        assert_eq!(event["body"], r#"{"name":"Acme"}"#);
        assert_eq!(event["isBase64Encoded"], false);
        assert_eq!(
            event["requestContext"],
            json!({
                "accountId": "000000000000",
                "apiId": "local",
                "authorizer": {
                    "jwt": {"claims": {"sub": "user-1", "cognito:groups": "[admins]"}, "scopes": null}
                },
                "domainName": "localhost:3000",
                "domainPrefix": "localhost",
                "http": {
                    "method": "PATCH", "path": "/admin/customers/c%201", "protocol": "HTTP/1.1",
                    "sourceIp": "127.0.0.1", "userAgent": "curl/8"
                },
                "requestId": "req-1",
                "routeKey": "PATCH /admin/customers/{customer_id}",
                "stage": "$default",
                "time": "04/Mar/2020:19:03:58 +0000",
                "timeEpoch": 1_583_348_638_390u64,
            })
        );
    }

    #[test]
    fn a_public_route_has_no_authorizer_and_an_empty_body_is_left_out() {
        let event = event(b"", None);

        assert_eq!(event["requestContext"].get("authorizer"), None);
        assert_eq!(event.get("body"), None);
    }

    #[test]
    fn a_binary_body_is_base64_encoded() {
        let event = event(&[0xff, 0x00, 0x10], None);

        assert_eq!(event["body"], "/wAQ");
        assert_eq!(event["isBase64Encoded"], true);
    }

    #[test]
    fn the_event_deserializes_as_the_runtime_deserializes_it() {
        let claims = claims(json!({"sub": "user-1"}));
        let event = event(b"{}", Some(&claims));

        let parsed: ApiGatewayV2httpRequest = serde_json::from_value(event).unwrap();

        assert_eq!(parsed.request_context.http.method, Method::PATCH);
        assert_eq!(parsed.path_parameters["customer_id"], "c 1");
        let jwt = parsed.request_context.authorizer.unwrap().jwt.unwrap();
        assert_eq!(jwt.claims["sub"], "user-1");
    }
}
