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
}

impl Problem {
    pub fn new(status: u16, title: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank".into(),
            title: title.into(),
            status,
            detail: detail.into(),
            errors: Vec::new(),
        }
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

    /// A bug or an outage. The cause chain goes to the log, never to the client.
    pub fn internal(cause: &Unexpected) -> Self {
        tracing::error!(error = %cause.chain(), "unexpected failure");
        Self::new(
            500,
            "Internal error",
            "Something went wrong on our side. It was logged.",
        )
    }

    pub fn into_response(self) -> Response<Body> {
        Response::builder()
            .status(self.status)
            .header(http::header::CONTENT_TYPE, "application/problem+json")
            .body(Body::Text(
                serde_json::to_string(&self).expect("a problem serialises"),
            ))
            .expect("a valid response")
    }
}

impl From<Unexpected> for Problem {
    fn from(e: Unexpected) -> Self {
        Self::internal(&e)
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
