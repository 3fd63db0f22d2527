//! API clients at the edge: their use-case errors as problems, the token endpoint's request
//! and answers in OAuth's own form (RFC 6749 §5), and the gate every function runs a client's
//! request through before its routes see it.

use super::{Problem, actor, route_key};
use crate::actor::{Actor, Principal};
use crate::audit::AuditLog;
use crate::clients::{
    ClientError, ClientStore, GateError, IssuedToken, MAX_CLIENTS, TokenError, TokenRequest,
};
use base64::{Engine, engine::general_purpose::STANDARD};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};

impl From<ClientError> for Problem {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::Invalid(errors) => Problem::invalid(errors),
            ClientError::NotFound => Problem::not_found("There is no API client with this id."),
            ClientError::TooMany => Problem::conflict(format!(
                "There are {MAX_CLIENTS} API clients already; delete one first."
            )),
            ClientError::Unexpected(e) => e.into(),
        }
    }
}

impl From<GateError> for Problem {
    fn from(e: GateError) -> Self {
        match e {
            GateError::Unknown => Problem::new(
                401,
                "Unauthorized",
                "This API client no longer exists: its tokens are refused.",
            ),
            GateError::NotCovered(route) => Problem::forbidden(format!(
                "API clients may call only the admin routes their scopes cover, and no scope \
                 covers {route}."
            )),
            GateError::MissingScope(scope) => Problem::forbidden(format!(
                "This route needs the scope {}, which this API client does not have.",
                scope.as_str()
            ))
            .with("required_scope", scope.as_str().into()),
            GateError::Unexpected(e) => e.into(),
        }
    }
}

/// The client a request was admitted as, put on the request by [`admit_client`]: what
/// `require_admin` hands the route's use case for a client.
#[derive(Debug, Clone)]
pub(super) struct Admitted(pub Principal);

/// Runs an API client's request through the gate: on success the request carries the admitted
/// client for `require_admin`; anyone else's request passes untouched.
pub async fn admit_client<S: ClientStore + AuditLog>(
    store: &S,
    mut req: Request,
) -> Result<Request, Problem> {
    if let Actor::Client(caller) = actor(&req) {
        let client =
            crate::clients::admit(store, &caller, &route_key(&req), req.uri().path()).await?;
        req.extensions_mut().insert(Admitted(client.principal()));
    }
    Ok(req)
}

/// Where this API's token endpoint is, as the caller reached the API.
pub fn token_url(req: &Request) -> String {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let host = match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.domain_name.clone(),
        _ => None,
    }
    .or_else(|| header("host").map(str::to_owned))
    .unwrap_or_default();
    let scheme = match header("x-forwarded-proto") {
        Some("http") => "http",
        _ => "https",
    };
    format!("{scheme}://{host}{TOKEN_PATH}")
}

/// The token endpoint's path: Cognito's own, so that a client library configured for one
/// finds the other where it expects.
pub const TOKEN_PATH: &str = "/oauth2/token";

/// The token request: HTTP Basic credentials (each part form-decoded, RFC 6749 §2.3.1) and the
/// form body's `grant_type` and `scope`. What is malformed is left out, for the use case to
/// refuse in OAuth's words.
pub fn token_request(req: &Request) -> TokenRequest {
    let credentials = req
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, encoded) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("basic").then_some(encoded)
        })
        .and_then(|encoded| STANDARD.decode(encoded.trim()).ok())
        .and_then(|decoded| String::from_utf8(decoded).ok())
        .and_then(|pair| {
            let (id, secret) = pair.split_once(':')?;
            Some((form_decoded(id), form_decoded(secret)))
        });
    let mut request = TokenRequest {
        credentials,
        ..TokenRequest::default()
    };
    for (name, value) in url::form_urlencoded::parse(req.body().as_ref()) {
        match name.as_ref() {
            "grant_type" => request.grant_type = Some(value.into_owned()),
            "scope" => request.scope = Some(value.into_owned()),
            _ => {}
        }
    }
    request
}

fn form_decoded(raw: &str) -> String {
    url::form_urlencoded::parse(format!("v={raw}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

/// The token endpoint's answer: the token, or OAuth's error JSON (RFC 6749 §5.2); only a
/// failure of ours is a problem.
pub fn token_answer(result: Result<IssuedToken, TokenError>) -> Result<Response<Body>, Problem> {
    let (status, body, retry_after) = match result {
        Ok(token) => (
            200,
            serde_json::to_value(&token).expect("a token serialises"),
            None,
        ),
        Err(TokenError::Unexpected(e)) => return Err(e.into()),
        Err(e) => {
            let (status, error, retry_after) = match &e {
                TokenError::InvalidRequest(_) => (400, "invalid_request", None),
                TokenError::UnsupportedGrantType => (400, "unsupported_grant_type", None),
                TokenError::InvalidScope => (400, "invalid_scope", None),
                TokenError::InvalidClient => (401, "invalid_client", None),
                TokenError::Throttled { retry_after } => (429, "slow_down", Some(*retry_after)),
                TokenError::Unexpected(_) => unreachable!("answered above"),
            };
            let description = e.to_string();
            (
                status,
                serde_json::json!({"error": error, "error_description": description}),
                retry_after,
            )
        }
    };
    let mut res = Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::CACHE_CONTROL, "no-store")
        .header(http::header::PRAGMA, "no-cache");
    if status == 401 {
        res = res.header(http::header::WWW_AUTHENTICATE, "Basic realm=\"orderdesk\"");
    }
    if let Some(seconds) = retry_after {
        res = res.header(http::header::RETRY_AFTER, seconds.to_string());
    }
    Ok(res
        .body(Body::Text(body.to_string()))
        .expect("a valid response"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(authorization: Option<&str>, body: &str) -> Request {
        let mut b = http::Request::builder().method("POST").uri("/oauth2/token");
        if let Some(a) = authorization {
            b = b.header("authorization", a);
        }
        b.body(Body::Text(body.to_owned())).unwrap()
    }

    #[test]
    fn basic_credentials_are_form_decoded_and_the_form_body_read() {
        let basic = STANDARD.encode("cli_1:a%2Bb:c");
        let r = token_request(&request(
            Some(&format!("Basic {basic}")),
            "grant_type=client_credentials&scope=orders%3Aread+customers%3Aread",
        ));
        assert_eq!(r.credentials, Some(("cli_1".into(), "a+b:c".into())));
        assert_eq!(r.grant_type.as_deref(), Some("client_credentials"));
        assert_eq!(r.scope.as_deref(), Some("orders:read customers:read"));

        for bad in [None, Some("Bearer x"), Some("Basic !!"), Some("Basic Y2xp")] {
            assert_eq!(
                token_request(&request(bad, "")).credentials,
                None,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_refusal_is_oauths_json_and_a_wrong_client_is_told_to_use_basic() {
        let res = token_answer(Err(TokenError::InvalidClient)).unwrap();
        assert_eq!(res.status(), 401);
        assert_eq!(
            res.headers()["www-authenticate"],
            "Basic realm=\"orderdesk\""
        );
        assert_eq!(res.headers()["cache-control"], "no-store");
        let body: serde_json::Value = serde_json::from_slice(res.body().as_ref()).unwrap();
        assert_eq!(body["error"], "invalid_client");

        let res = token_answer(Err(TokenError::Throttled { retry_after: 42 })).unwrap();
        assert_eq!(res.status(), 429);
        assert_eq!(res.headers()["retry-after"], "42");
        let res = token_answer(Err(TokenError::UnsupportedGrantType)).unwrap();
        assert_eq!(res.status(), 400);
    }
}
