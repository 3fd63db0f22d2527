//! How long an AWS call may take, how often it is tried, and what its failure tells a client.
//!
//! Every client (DynamoDB, Cognito, SES) is built from the one `SdkConfig` of
//! [`crate::config::aws`], so these bounds hold for all of them. They are chosen so that a request
//! ends well inside the function's timeout (10 s, `template.yaml` `Globals`) and inside the
//! request deadline of the HTTP shell ([`crate::http::REQUEST_DEADLINE`]): a call that stalls is
//! given up after [`OPERATION_TIMEOUT`], early enough for the use case to undo what it did before
//! (a Cognito user made for a login whose write failed), and is then answered 503, not 500.

use crate::error::Unexpected;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use std::time::Duration;

/// Opening a connection (TCP, and TLS where the connector does it) takes milliseconds inside a
/// region; a second means the endpoint is unreachable, and a retry on a fresh connection is
/// the better bet.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// One attempt of a call. DynamoDB answers in milliseconds and Cognito's and SES's admin calls
/// in well under a second; an attempt still unanswered after 1.5 s is stalled, and a second
/// attempt (on a new connection) is likelier to succeed than waiting longer.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(1500);

/// A whole call, its attempts and the back-off between them: a stalled service costs a request
/// at most this much per call before the use case hears of it.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(3);

/// Attempts per call, the first included (the SDK's standard mode, which retries throttling,
/// transient errors and timeouts only). Within [`OPERATION_TIMEOUT`] a stalled service gets
/// two attempts; a service that refuses connections gets three, quickly.
pub const MAX_ATTEMPTS: u32 = 3;

/// The back-off before a retry is drawn at random below this, doubling per retry (0–100 ms,
/// then 0–200 ms), never over [`MAX_BACKOFF`]. The SDK's default base of 1 s suits batch jobs;
/// a request someone waits for cannot spend it.
pub const INITIAL_BACKOFF: Duration = Duration::from_millis(100);

/// The longest back-off between two attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// The timeouts of every AWS call.
pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .operation_attempt_timeout(ATTEMPT_TIMEOUT)
        .operation_timeout(OPERATION_TIMEOUT)
        .build()
}

/// The retries of every AWS call.
pub fn retries() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(INITIAL_BACKOFF)
        .with_max_backoff(MAX_BACKOFF)
}

/// Error codes that, once the SDK's retries are spent, mean the service is overloaded or failing
/// for now, not that the request is wrong.
const BUSY_CODES: [&str; 8] = [
    "ThrottlingException",
    "Throttling",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "InternalServerError",
    "InternalErrorException",
    "ServiceUnavailable",
];

/// A failed SDK call (`what`), as the use case reports it: an outage when the service timed
/// out, could not be reached or stayed busy through every attempt (the client is told to try
/// again), anything else unexpected (a bug, logged as one).
pub fn failure<E, R>(what: &'static str, e: SdkError<E, R>) -> Unexpected
where
    E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let outage = match &e {
        SdkError::TimeoutError(_) => true,
        SdkError::DispatchFailure(f) => !f.is_user(),
        SdkError::ServiceError(_) => e.code().is_some_and(|c| BUSY_CODES.contains(&c)),
        _ => false,
    };
    if outage {
        Unexpected::outage(what, e)
    } else {
        Unexpected::caused_by(what, e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::operation::get_item::GetItemError;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::client::result::ConnectorError;
    use aws_smithy_types::error::ErrorMetadata;

    type GetItemFailure = SdkError<GetItemError, HttpResponse>;

    fn service_error(code: &str) -> GetItemFailure {
        let meta = ErrorMetadata::builder().code(code).build();
        let raw = HttpResponse::new(
            500.try_into().unwrap(),
            aws_smithy_types::body::SdkBody::empty(),
        );
        SdkError::service_error(GetItemError::generic(meta), raw)
    }

    #[test]
    fn a_call_that_timed_out_or_found_no_service_is_an_outage() {
        let timed_out: GetItemFailure = SdkError::timeout_error("operation timeout after 3s");
        assert!(failure("GetItem", timed_out).is_outage());
        let refused: GetItemFailure = SdkError::dispatch_failure(ConnectorError::io(
            std::io::Error::from(std::io::ErrorKind::ConnectionRefused).into(),
        ));
        assert!(failure("GetItem", refused).is_outage());
        assert!(failure("GetItem", service_error("ThrottlingException")).is_outage());
    }

    #[test]
    fn a_request_the_service_refused_or_we_could_not_build_is_not_an_outage() {
        let refused = service_error("ValidationException");
        assert!(!failure("GetItem", refused).is_outage());
        let malformed: GetItemFailure =
            SdkError::dispatch_failure(ConnectorError::user("a header that cannot be sent".into()));
        assert!(!failure("GetItem", malformed).is_outage());
        let unbuilt: GetItemFailure = SdkError::construction_failure("no table name");
        assert!(!failure("GetItem", unbuilt).is_outage());
    }

    #[test]
    fn a_stalled_call_ends_within_its_operation_timeout_after_two_attempts() {
        let t = timeouts();
        assert_eq!(t.operation_timeout(), Some(OPERATION_TIMEOUT));
        assert_eq!(t.operation_attempt_timeout(), Some(ATTEMPT_TIMEOUT));
        assert_eq!(t.connect_timeout(), Some(CONNECT_TIMEOUT));
        assert!(CONNECT_TIMEOUT < ATTEMPT_TIMEOUT);
        assert!(
            ATTEMPT_TIMEOUT * 2 >= OPERATION_TIMEOUT,
            "a stall leaves no third attempt"
        );
        assert!(
            ATTEMPT_TIMEOUT + INITIAL_BACKOFF < OPERATION_TIMEOUT,
            "but a second"
        );
        let r = retries();
        assert_eq!(r.max_attempts(), MAX_ATTEMPTS);
        assert_eq!(r.initial_backoff(), INITIAL_BACKOFF);
        assert_eq!(r.max_backoff(), MAX_BACKOFF);
    }
}
