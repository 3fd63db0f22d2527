//! API Gateway's own answers: CORS (a preflight, and the headers on a cross-origin request's
//! response), its `{"message": ...}` error bodies (401, 404, 413, 500), and the 501 a route
//! gets when its function is not in this build.

use axum::{
    body::Body,
    http::{HeaderMap, HeaderValue, Response, StatusCode, header},
};
use serde_json::json;

use crate::{auth::Rejection, routes::Match};

const ALLOW_HEADERS: &str =
    "authorization, content-type, idempotency-key, x-act-as, x-act-as-reason";
const ALLOW_METHODS: &str = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
const EXPOSE_HEADERS: &str = "idempotent-replayed";

/// Adds the CORS headers of a response to a request from `origin`.
pub fn allow_origin(response: &mut Response<Body>, origin: HeaderValue) {
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSE_HEADERS),
    );
    headers.append(header::VARY, HeaderValue::from_static("origin"));
}

/// The answer to a CORS preflight (`OPTIONS`): the asking origin may use the API's methods
/// and headers.
pub fn preflight(request: &HeaderMap) -> Response<Body> {
    let origin = request
        .get(header::ORIGIN)
        .cloned()
        .unwrap_or(HeaderValue::from_static("*"));
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NO_CONTENT;
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(ALLOW_METHODS),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(ALLOW_HEADERS),
    );
    headers.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static(EXPOSE_HEADERS),
    );
    headers.insert(
        header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

/// A response of `status` with this body and content type.
pub fn text(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Body>,
) -> Response<Body> {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// API Gateway's own error body, `{"message": ...}`.
pub fn message(status: StatusCode, message: &str) -> Response<Body> {
    text(
        status,
        "application/json",
        json!({ "message": message }).to_string(),
    )
}

/// The 413 of a body over [`super::MAX_PAYLOAD_BYTES`].
pub fn too_large() -> Response<Body> {
    message(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large")
}

/// The 501 of a route whose function this build does not include.
pub fn not_registered(route: &Match<'_>) -> Response<Body> {
    let function = &route.target.function;
    let problem = json!({
        "type": "about:blank",
        "title": "Not Implemented",
        "status": 501,
        "detail": format!(
            "the route {} runs the binary `{}` ({}), which orderdesk-local does not include; \
             register it in local/src/invoke.rs",
            route.target.route_key, function.binary, function.logical_id
        ),
    });
    text(
        StatusCode::NOT_IMPLEMENTED,
        "application/problem+json",
        problem.to_string(),
    )
}

/// The JWT authorizer's 401, with the rejection's `WWW-Authenticate`.
pub fn unauthorized(rejection: &Rejection) -> Response<Body> {
    let mut response = message(StatusCode::UNAUTHORIZED, "Unauthorized");
    if let Ok(value) = HeaderValue::from_str(&rejection.www_authenticate()) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}
