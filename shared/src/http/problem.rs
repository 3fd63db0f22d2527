use crate::domain::FieldError;
use crate::error::Unexpected;
use crate::idempotency::KeyReusedWithOtherRequest;
use lambda_http::{Body, Response};

/// An RFC 9457 problem: the only shape an error leaves a function in.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Extension members (RFC 9457 §3.2) a client reads, e.g. the customers that keep a team
    /// from being deleted.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Box<serde_json::Map<String, serde_json::Value>>>,
    /// Seconds to wait before trying again, sent as the `Retry-After` header.
    #[serde(skip)]
    pub retry_after: Option<u32>,
}

/// How long a client is asked to wait after a 503. A service that stalled past a request's
/// deadline is rarely back within a second, and a burst of clients that all retry at once would
/// meet it still busy.
pub const RETRY_AFTER_SECONDS: u32 = 5;

impl Problem {
    pub fn new(status: u16, title: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank".into(),
            title: title.into(),
            status,
            detail: detail.into(),
            errors: Vec::new(),
            extensions: None,
            retry_after: None,
        }
    }

    /// The problem with an extension member `name`.
    pub fn with(mut self, name: &str, value: serde_json::Value) -> Self {
        self.extensions
            .get_or_insert_default()
            .insert(name.to_owned(), value);
        self
    }

    /// A named problem type, e.g. `duplicate-email`, under `/problems/`.
    pub fn typed(mut self, kind: &str) -> Self {
        self.kind = format!("/problems/{kind}");
        self
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(400, "Bad request", detail)
    }

    /// A page cursor from another listing, or forged.
    pub fn bad_cursor() -> Self {
        Self::invalid(vec![FieldError::bad_cursor()])
    }

    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let detail = errors
            .iter()
            .map(|e| format!("{} {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        Self {
            errors,
            ..Self::new(400, "Invalid input", detail).typed("validation")
        }
    }

    pub fn unauthorized() -> Self {
        Self::new(
            401,
            "Unauthorized",
            "Sign in and send the ID token as a Bearer token.",
        )
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(403, "Forbidden", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(404, "Not found", detail)
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(409, "Conflict", detail)
    }

    pub fn payload_too_large() -> Self {
        Self::new(413, "Payload too large", "The body may be at most 256 KiB.")
    }

    /// A bug. The cause chain goes to the log, never to the client.
    pub fn internal(cause: &Unexpected) -> Self {
        tracing::error!(error = %cause.chain(), "unexpected failure");
        Self::new(
            500,
            "Internal error",
            "Something went wrong on our side. It was logged.",
        )
    }

    /// The request ran out of time (a service it needs is slow or unreachable): 503 with
    /// `Retry-After`. Whether it was done is unknown, so the detail says how to find out safely.
    pub fn unavailable() -> Self {
        Self {
            retry_after: Some(RETRY_AFTER_SECONDS),
            ..Self::new(
                503,
                "Service unavailable",
                "The request could not be finished in time because a service it needs is slow or unreachable; it may or may not have been done. Retrying after the Retry-After delay is safe: a request sent again with the same Idempotency-Key is done at most once, and returns its first result if it was done.",
            )
            .typed("unavailable")
        }
    }

    /// An outage: 503, with the cause chain in the log.
    pub fn outage(cause: &Unexpected) -> Self {
        tracing::warn!(error = %cause.chain(), "a service did not answer in time or could not be reached");
        Self::unavailable()
    }

    pub fn into_response(self) -> Response<Body> {
        let mut res = Response::builder()
            .status(self.status)
            .header(http::header::CONTENT_TYPE, "application/problem+json");
        if let Some(seconds) = self.retry_after {
            res = res.header(http::header::RETRY_AFTER, seconds);
        }
        res.body(Body::Text(
            serde_json::to_string(&self).expect("a problem serialises"),
        ))
        .expect("a valid response")
    }
}

impl From<Unexpected> for Problem {
    fn from(e: Unexpected) -> Self {
        if e.is_outage() {
            Self::outage(&e)
        } else {
            Self::internal(&e)
        }
    }
}

impl From<KeyReusedWithOtherRequest> for Problem {
    fn from(e: KeyReusedWithOtherRequest) -> Self {
        Problem::conflict(format!(
            "{e}: send a new Idempotency-Key for a new request, or the same body to get the first answer again."
        ))
        .typed("idempotency-key-reused")
    }
}
