//! The HTTP edge: what every handler does before and after its one use-case call. A handler
//! arm reads: parse (this module), one call into a use case, respond (this module).

mod addresses;
mod body;
mod clients;
mod customers;
mod function;
mod import;
mod lists;
mod logins;
mod orders;
mod path;
mod problem;
mod session;
mod teams;
mod webhooks;

pub use body::{MAX_BODY_BYTES, WHOLE_BODY, body, json_body};
pub use clients::{TOKEN_PATH, admit_client, token_answer, token_request, token_url};
pub use function::{Function, HttpFunction, REQUEST_DEADLINE, Routes, serve};
pub use import::import_request;
pub use path::{PathId, path_id};
pub use problem::Problem;
pub use session::{customer_request, customer_session, own_credentials_session};

use crate::actor::{Actor, Principal};
use crate::domain::FieldError;
use crate::idempotency::{IdempotencyKey, KeyedRequest, Written};
use crate::orders::{OrderRequest, SubmitBody};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use serde::de::DeserializeOwned;

/// The caller, from the JWT authorizer's claims in the request context.
pub fn actor(req: &Request) -> Actor {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx
            .authorizer
            .as_ref()
            .and_then(|a| a.jwt.as_ref())
            .map(|jwt| Actor::from_claims(&jwt.claims))
            .unwrap_or(Actor::Anonymous),
        _ => Actor::Anonymous,
    }
}

/// The address the request came from, as API Gateway saw the connection; the unspecified
/// address when the context has none (all such requests then share one quota).
pub fn source_ip(req: &Request) -> std::net::IpAddr {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.http.source_ip.as_deref(),
        _ => None,
    }
    .and_then(|ip| ip.parse().ok())
    .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

/// The admin behind the request: 401 without a token, 403 for anyone else signed in.
pub fn require_admin(req: &Request) -> Result<Principal, Problem> {
    match actor(req) {
        Actor::Admin(p) => Ok(p),
        Actor::Client(_) => req
            .extensions()
            .get::<clients::Admitted>()
            .map(|admitted| admitted.0.clone())
            .ok_or_else(|| Problem::forbidden("This route is for the seller's admins.")),
        Actor::Customer(_) | Actor::Ungrouped(_) => {
            Err(Problem::forbidden("This route is for the seller's admins."))
        }
        Actor::Anonymous => Err(Problem::unauthorized()),
    }
}

/// A path parameter by name.
pub fn path_param(req: &Request, name: &str) -> Option<String> {
    req.path_parameters_ref()
        .and_then(|p| p.first(name))
        .map(str::to_owned)
}

/// A query-string parameter by name.
pub fn query_param(req: &Request, name: &str) -> Option<String> {
    req.query_string_parameters_ref()
        .and_then(|p| p.first(name))
        .map(str::to_owned)
}

/// The query string of a listing, the first value of each parameter. It remembers the names
/// its filter asks for, so that [`listing`] can refuse the parameters nobody reads: a client
/// that writes `?stauts=confirmed` must hear so, not get every order back unfiltered.
pub struct Query<'r> {
    req: &'r Request,
    known: std::cell::RefCell<Vec<String>>,
}

impl<'r> Query<'r> {
    pub fn get(&self, name: &str) -> Option<&'r str> {
        self.known.borrow_mut().push(name.to_owned());
        self.req.query_string_parameters_ref()?.first(name)
    }

    /// A bad-parameter error for each parameter of the request that no one asked for, `limit`
    /// and `cursor` aside.
    fn unknown(&self) -> Vec<FieldError> {
        let known = self.known.borrow();
        let mut names: Vec<&str> = self
            .req
            .query_string_parameters_ref()
            .map(|p| p.iter().map(|(name, _)| name).collect())
            .unwrap_or_default();
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .filter(|n| !["limit", "cursor"].contains(n) && !known.iter().any(|k| k == n))
            .map(|n| FieldError::new(n, "is not a parameter of this listing"))
            .collect()
    }
}

/// A listing's filter, built by `filter` from the query string, and its page: every bad
/// parameter, the filter's and the page's, is named in one 400.
pub fn listing<'r, F>(
    req: &'r Request,
    filter: impl FnOnce(&Query<'r>) -> Result<F, Vec<FieldError>>,
) -> Result<(F, crate::page::PageRequest), Problem> {
    let query = Query {
        req,
        known: Default::default(),
    };
    let filtered = filter(&query);
    let unknown = query.unknown();
    match (filtered, page_request(req)) {
        (Ok(filter), Ok(page)) if unknown.is_empty() => Ok((filter, page)),
        (filter, page) => {
            let errors = filter.err().into_iter().flatten().chain(unknown);
            Err(Problem::invalid(
                errors
                    .chain(page.err().into_iter().flat_map(|p| p.errors))
                    .collect(),
            ))
        }
    }
}

/// `?limit=` and `?cursor=`, checked: a bad one is a 400 naming it.
pub fn page_request(req: &Request) -> Result<crate::page::PageRequest, Problem> {
    use crate::page::{Cursor, PageRequest};
    let mut page = PageRequest::default();
    let mut errors = Vec::new();
    if let Some(raw) = query_param(req, "limit") {
        match PageRequest::parse_limit(&raw) {
            Ok(n) => page.limit = n,
            Err(m) => errors.push(FieldError::new("limit", m)),
        }
    }
    if let Some(raw) = query_param(req, "cursor") {
        match Cursor::decode(&raw) {
            Ok(c) => page.cursor = Some(c),
            Err(m) => errors.push(FieldError::new("cursor", m)),
        }
    }
    if errors.is_empty() {
        Ok(page)
    } else {
        Err(Problem::invalid(errors))
    }
}

/// The `Idempotency-Key` header, if sent. A key that is not 1 to 255 visible ASCII characters
/// (one with other bytes too) is a 400 naming the header.
pub fn idempotency_key(req: &Request) -> Result<Option<IdempotencyKey>, Problem> {
    req.headers()
        .get("idempotency-key")
        .map(|v| IdempotencyKey::parse(&String::from_utf8_lossy(v.as_bytes())))
        .transpose()
        .map_err(|m| Problem::invalid(vec![FieldError::new("Idempotency-Key", m)]))
}

/// The body parsed into `T`, and with its `Idempotency-Key`, if sent, the request the key
/// names. The header is checked first.
pub fn keyed_body<T: DeserializeOwned>(
    req: &Request,
) -> Result<(T, Option<KeyedRequest>), Problem> {
    let key = idempotency_key(req)?;
    let (body, raw) = json_body::<T>(req)?;
    Ok((
        body,
        key.map(|key| KeyedRequest::new(&keyed_operation(req), key, &raw)),
    ))
}

/// `POST /orders`: its body and its `Idempotency-Key`, which an order request must carry.
pub fn order_request(req: &Request) -> Result<OrderRequest, Problem> {
    let key = idempotency_key(req)?.ok_or_else(|| {
        Problem::invalid(vec![FieldError::new(
            "Idempotency-Key",
            "is required: send a unique key (e.g. a UUID) and reuse it when you retry",
        )])
    })?;
    let (body, raw) = json_body::<SubmitBody>(req)?;
    Ok(OrderRequest {
        body,
        keyed: KeyedRequest::new(&keyed_operation(req), key, &raw),
    })
}

/// What an `Idempotency-Key` names besides its caller: the method and the concrete path, ids
/// included (`POST /admin/customers/cus_1/orders`), so that one key sent for two customers is
/// two requests. The path is the route's template with API Gateway's decoded path parameters
/// put in, each escaped, so two spellings of one path are one request and no value can look
/// like the `#` that separates the parts of a scope.
pub fn keyed_operation(req: &Request) -> String {
    let route = route_key(req);
    let Some((method, template)) = route.split_once(' ') else {
        return route;
    };
    let path: Vec<String> = template
        .split('/')
        .map(|segment| {
            let name = segment
                .strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .map(|s| s.trim_end_matches('+'));
            match name.and_then(|name| path_param(req, name)) {
                Some(value) => escape(&value),
                None => segment.to_owned(),
            }
        })
        .collect();
    format!("{method} {}", path.join("/"))
}

/// `value` with every byte outside RFC 3986's unreserved characters percent-encoded.
fn escape(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The route key as API Gateway names it, e.g. `POST /admin/customers`.
pub fn route_key(req: &Request) -> String {
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.route_key.clone().unwrap_or_default(),
        _ => format!("{} {}", req.method(), req.uri().path()),
    }
}

/// A JSON response.
pub fn json<T: serde::Serialize>(status: u16, value: &T) -> Response<Body> {
    raw_json(
        status,
        serde_json::to_string(value).expect("responses serialise"),
    )
}

/// A response whose JSON body is already text, as replays store it.
pub fn raw_json(status: u16, body: String) -> Response<Body> {
    Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Body::Text(body))
        .expect("a valid response")
}

/// A response with no body.
pub fn no_content() -> Response<Body> {
    Response::builder()
        .status(204)
        .body(Body::Empty)
        .expect("a valid response")
}

/// A create's answer: 201 with what was made, or the replay of the first answer to its key.
pub fn created<T: serde::Serialize>(written: Written<T>) -> Response<Body> {
    match written {
        Written::New(t) => json(201, &t),
        Written::Replayed(first) => replayed(first.body),
    }
}

/// The replay of a stored first response: the same body, 200, and `Idempotent-Replayed: true`.
pub fn replayed(body: String) -> Response<Body> {
    let mut res = raw_json(200, body);
    res.headers_mut().insert(
        "idempotent-replayed",
        http::HeaderValue::from_static("true"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// A request for `route` at `path` as API Gateway hands it on, its path parameters read
    /// off the route, signed in with `claims` (none: no authorizer).
    fn event(route: &str, path: &str, claims: Option<Value>, headers: Value) -> Request {
        let (method, template) = route.split_once(' ').unwrap();
        let params: serde_json::Map<String, Value> = template
            .split('/')
            .zip(path.split('/'))
            .filter_map(|(t, p)| {
                let name = t.strip_prefix('{')?.strip_suffix('}')?;
                Some((name.to_owned(), Value::String(p.replace("%23", "#"))))
            })
            .collect();
        let event = json!({
            "version": "2.0", "routeKey": route, "rawPath": path, "rawQueryString": "",
            "headers": headers, "pathParameters": params,
            "requestContext": {
                "routeKey": route, "stage": "$default",
                "http": {"method": method, "path": path},
                "authorizer": claims.map(|c| json!({"jwt": {"claims": c}})),
            },
            "body": r#"{"status":"requested","lines":[]}"#, "isBase64Encoded": false,
        });
        lambda_http::request::from_str(&event.to_string()).unwrap()
    }

    fn keyed(path: &str) -> KeyedRequest {
        let route = "POST /admin/customers/{customer_id}/orders";
        let headers = json!({"content-type": "application/json", "idempotency-key": "k-1"});
        let (_, keyed) = keyed_body::<Value>(&event(route, path, None, headers)).unwrap();
        keyed.expect("a key was sent")
    }

    #[test]
    fn a_key_is_scoped_to_the_method_and_the_concrete_path() {
        let c1 = keyed("/admin/customers/cus_1/orders").by("admin");
        let c2 = keyed("/admin/customers/cus_2/orders").by("admin");
        assert_eq!(c1.scope(), "admin#POST /admin/customers/cus_1/orders#k-1");
        assert_ne!(c1.scope(), c2.scope());
        assert_eq!(
            keyed("/admin/customers/cus_1/orders").by("admin"),
            c1,
            "the same request twice"
        );
        let odd = keyed("/admin/customers/a%23b/orders").by("admin");
        assert_eq!(odd.scope(), "admin#POST /admin/customers/a%23b/orders#k-1");
    }

    #[test]
    fn a_key_of_other_bytes_or_over_255_characters_is_400_naming_the_header() {
        let route = "POST /admin/customers";
        for key in ["ключ", "a b", &"k".repeat(256)] {
            let headers = json!({"content-type": "application/json", "idempotency-key": key});
            let p = idempotency_key(&event(route, "/admin/customers", None, headers)).unwrap_err();
            assert_eq!(p.status, 400, "{key}");
            assert_eq!(p.errors.len(), 1, "{key}");
            assert_eq!(p.errors[0].field, "Idempotency-Key", "{key}");
        }
    }

    #[test]
    fn a_signed_in_user_in_no_group_is_403_and_no_token_401() {
        let route = "GET /admin/customers";
        let headers = json!({});
        let status = |claims: Option<Value>| {
            let req = event(route, "/admin/customers", claims, headers.clone());
            require_admin(&req).map(|p| p.sub).map_err(|p| p.status)
        };
        assert_eq!(status(None), Err(401));
        assert_eq!(status(Some(json!({"sub": "u1"}))), Err(403));
        let grouped = |groups: &str| Some(json!({"sub": "u1", "cognito:groups": groups}));
        assert_eq!(status(grouped("[]")), Err(403));
        assert_eq!(status(grouped("[support,admins]")), Err(403));
        assert_eq!(status(grouped("[customers]")), Err(403));
        assert_eq!(status(grouped("[customers admins]")), Ok("u1".into()));
    }

    #[test]
    fn a_listing_refuses_each_parameter_its_filter_does_not_read_naming_it() {
        use lambda_http::RequestExt;
        let req = |query: &[(&str, &str)]| {
            let query: std::collections::HashMap<String, String> = query
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            Request::default().with_query_string_parameters(query)
        };
        let read = |req: &Request| listing(req, |q| Ok(q.get("status").map(str::to_owned)));
        let known = req(&[("status", "confirmed"), ("limit", "5")]);
        assert_eq!(read(&known).unwrap().0.as_deref(), Some("confirmed"));
        let p = read(&req(&[
            ("stauts", "confirmed"),
            ("zz", "1"),
            ("limit", "0"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = p.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["stauts", "zz", "limit"]);
        assert_eq!(p.errors[0].message, "is not a parameter of this listing");
    }
}
