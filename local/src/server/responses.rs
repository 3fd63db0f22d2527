//! API Gateway's own answers: its `{"message": ...}` error bodies (401, 403, 404, 413, 500),
//! and the 501 a route gets when its function is not in this build.

use axum::{
    body::Body,
    http::{HeaderValue, Response, StatusCode, header},
};
use serde_json::json;

use crate::{auth::Rejection, routes::Match};

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
