//! API Gateway's CORS as the template configures it (`CorsConfiguration`): a preflight is
//! answered 204, and the CORS headers go on a response only when the caller's `Origin` is one
//! of the allowed origins, compared exactly. Locally the console is served from the gateway's
//! own origin and needs no CORS; other origins (a dev server) are allowed only when listed in
//! `ORDERDESK_CORS_ORIGINS`. The development mailbox and the console's files never carry CORS
//! headers: in AWS they are not part of the API.

use axum::{
    body::Body,
    http::{HeaderMap, HeaderName, HeaderValue, Response, StatusCode, header},
};

use crate::template::CorsRules;

/// Who may call the API from another origin, and with what.
#[derive(Debug, Clone, Default)]
pub struct Cors {
    /// The template's rules; without them no cross-origin call is allowed.
    pub rules: Option<CorsRules>,
    /// Exact origins (`scheme://host:port`) allowed to call the API.
    pub origins: Vec<String>,
}

impl Cors {
    /// The answer to a preflight (`OPTIONS`): 204, permissive only for an allowed origin.
    pub fn preflight(&self, request: &HeaderMap) -> Response<Body> {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        if let Some(rules) = self.admit(&mut response, request.get(header::ORIGIN)) {
            let headers = response.headers_mut();
            put_text(
                headers,
                header::ACCESS_CONTROL_ALLOW_METHODS,
                &rules.allow_methods,
            );
            put_text(
                headers,
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                &rules.allow_headers,
            );
            put_text(
                headers,
                header::ACCESS_CONTROL_MAX_AGE,
                &rules.max_age.to_string(),
            );
        }
        response
    }

    /// Adds the CORS headers to an API response for a caller from an allowed `origin`.
    pub fn decorate(&self, response: &mut Response<Body>, origin: Option<&HeaderValue>) {
        self.admit(response, origin);
    }

    /// Puts on `response` the headers every answer to an allowed `origin` carries, preflight or
    /// not, and returns the rules; puts nothing for any other origin.
    fn admit(
        &self,
        response: &mut Response<Body>,
        origin: Option<&HeaderValue>,
    ) -> Option<&CorsRules> {
        let origin = origin?;
        let listed = self
            .origins
            .iter()
            .any(|o| origin.as_bytes() == o.as_bytes());
        let rules = self.rules.as_ref().filter(|_| listed)?;
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
        put_text(
            headers,
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            &rules.expose_headers,
        );
        headers.append(header::VARY, HeaderValue::from_static("origin"));
        Some(rules)
    }
}

fn put_text(headers: &mut HeaderMap, name: HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value)
        && !value.is_empty()
    {
        headers.insert(name, value);
    }
}

/// Whether a request comes from the gateway's own pages (or from no page at all, like curl):
/// a browser marks a request from another site's page with `Sec-Fetch-Site` and `Origin`.
pub fn same_origin(request: &HeaderMap, port: u16) -> bool {
    let site = request.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(site, Some("cross-site" | "same-site")) {
        return false;
    }
    request.get(header::ORIGIN).is_none_or(|origin| {
        [
            format!("http://127.0.0.1:{port}"),
            format!("http://localhost:{port}"),
        ]
        .iter()
        .any(|own| origin.as_bytes() == own.as_bytes())
    })
}

/// The security headers CloudFront's managed policy `Managed-SecurityHeadersPolicy` adds to the
/// console in AWS, so that the console runs locally under the same rules.
pub fn security_headers(headers: &mut HeaderMap) {
    for (name, value) in [
        ("strict-transport-security", "max-age=31536000"),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "SAMEORIGIN"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
        ("x-xss-protection", "1; mode=block"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
}
