//! The shell every HTTP function shares: built once per cold start from the deployment's
//! [`Shell`], then each request routed to one use case within [`REQUEST_DEADLINE`], and every
//! failure answered as problem+json.

use super::{Problem, route_key};
use crate::app::{FromShell, Shell};
use crate::config::ConfigError;
use lambda_http::{Body, Request, Response, service_fn};
use std::future::Future;
use std::time::Duration;
use tracing::Instrument as _;

/// How long a request may run before it is answered 503 with `Retry-After`, whatever it is
/// waiting for. Well inside the function's 10 s timeout (`template.yaml`, `Globals`), past which
/// Lambda would answer an ambiguous 500 of its own; and longer than one AWS call that stalls
/// and is given up ([`crate::sdk::OPERATION_TIMEOUT`]) plus one more for the undo that follows
/// it, so a single stalled call ends in the use case's own error handling and not here, where
/// the request is dropped wherever it stands.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(7);

/// An HTTP Lambda: what it takes from the shell, and how it routes a request.
pub trait HttpFunction: Sized + Send + Sync + 'static {
    /// Takes what the function uses from the shell; a setting it uses and lacks stops it.
    fn build(shell: Shell) -> Result<Self, ConfigError>;

    /// Serves one request: parse, call one use case, respond.
    fn route(&self, req: Request) -> impl Future<Output = Result<Response<Body>, Problem>> + Send;

    /// Reads the environment and builds the function, as its cold start does.
    fn from_env() -> impl Future<Output = Result<Self, lambda_http::Error>> + Send {
        async { Ok(Self::build(Shell::from_env().await?)?) }
    }

    /// Serves one API Gateway request within [`REQUEST_DEADLINE`]. Every failure leaves as
    /// `problem+json`.
    fn handle(&self, req: Request) -> impl Future<Output = Response<Body>> + Send {
        let span = tracing::info_span!("handle", route = %route_key(&req));
        answer_within(REQUEST_DEADLINE, self.route(req)).instrument(span)
    }
}

/// The route's answer, or 503 when it is not ready by `deadline`.
async fn answer_within(
    deadline: Duration,
    route: impl Future<Output = Result<Response<Body>, Problem>>,
) -> Response<Body> {
    match tokio::time::timeout(deadline, route).await {
        Ok(answer) => answer.unwrap_or_else(Problem::into_response),
        Err(_) => {
            tracing::warn!(
                deadline_ms = deadline.as_millis(),
                "the request ran past its deadline"
            );
            Problem::unavailable().into_response()
        }
    }
}

/// A function's routes, over what it needs from the shell: one arm per route, each parsing the
/// request, calling one use case and answering.
pub trait Routes: Send + Sync + 'static {
    /// The clients and settings the routes use, built once per cold start.
    type Needs: FromShell + Send + Sync + 'static;

    /// Serves one request.
    fn route(
        needs: &Self::Needs,
        req: Request,
    ) -> impl Future<Output = Result<Response<Body>, Problem>> + Send;
}

/// A function whose routes are `R`: what `main` serves, and what `local/` and the benchmark
/// invoke in-process.
pub struct Function<R: Routes> {
    needs: R::Needs,
    /// Where API clients are looked up and their calls written to the audit log; a function
    /// built on parts without it admits no API client.
    clients: Option<crate::app::Store>,
}

impl<R: Routes> Function<R> {
    /// The function on parts built elsewhere, e.g. a client pointed at a service that fails.
    pub fn new(needs: R::Needs) -> Self {
        Self {
            needs,
            clients: None,
        }
    }
}

impl<R: Routes> HttpFunction for Function<R> {
    fn build(shell: Shell) -> Result<Self, ConfigError> {
        Ok(Self {
            needs: R::Needs::from_shell(&shell)?,
            clients: Some(shell.store),
        })
    }

    /// An API client's request passes the gate first (`clients::admit`); every other request
    /// goes straight to the routes.
    async fn route(&self, req: Request) -> Result<Response<Body>, Problem> {
        let req = match &self.clients {
            Some(store) => super::admit_client(store, req).await?,
            None => req,
        };
        R::route(&self.needs, req).await
    }
}

/// A function's `main`: JSON logs, the function built once, then the Lambda runtime's loop.
pub async fn serve<F: HttpFunction>() -> Result<(), lambda_http::Error> {
    crate::telemetry::init();
    let function = F::from_env().await?;
    let function = &function;
    lambda_http::run(service_fn(move |req| async move {
        Ok::<_, std::convert::Infallible>(function.handle(req).await)
    }))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Unexpected;

    fn header<'r>(res: &'r Response<Body>, name: &str) -> Option<&'r str> {
        res.headers().get(name).map(|v| v.to_str().unwrap())
    }

    fn body(res: &Response<Body>) -> serde_json::Value {
        serde_json::from_slice(res.body().as_ref()).unwrap()
    }

    #[tokio::test]
    async fn a_request_past_its_deadline_is_a_503_that_says_a_keyed_retry_is_safe() {
        let deadline = Duration::from_millis(20);
        let started = std::time::Instant::now();

        let res = answer_within(deadline, std::future::pending()).await;

        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(res.status(), 503);
        assert_eq!(header(&res, "retry-after"), Some("5"));
        assert_eq!(
            header(&res, "content-type"),
            Some("application/problem+json")
        );
        let problem = body(&res);
        assert_eq!(problem["status"], 503);
        assert_eq!(problem["type"], "/problems/unavailable");
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("same Idempotency-Key"), "{detail}");
    }

    #[tokio::test]
    async fn an_outage_is_a_503_and_a_bug_a_500_without_retry_after() {
        let deadline = Duration::from_secs(5);
        let stalled = Unexpected::outage("DynamoDB GetItem failed", "timed out after 3s");
        let outage = answer_within(deadline, async { Err(stalled.into()) }).await;
        assert_eq!(outage.status(), 503);
        assert_eq!(header(&outage, "retry-after"), Some("5"));

        let broken = Unexpected::new("an item without its status");
        let bug = answer_within(deadline, async { Err(broken.into()) }).await;
        assert_eq!(bug.status(), 500);
        assert_eq!(header(&bug, "retry-after"), None);
        assert_eq!(body(&bug)["title"], "Internal error");
    }

    #[tokio::test]
    async fn a_route_that_answers_in_time_is_answered_as_it_is() {
        let res = answer_within(Duration::from_secs(5), async {
            Ok(super::super::json(201, &serde_json::json!({"ok": true})))
        })
        .await;
        assert_eq!(res.status(), 201);
        assert_eq!(body(&res), serde_json::json!({"ok": true}));
    }

    /// The function's timeout, as `template.yaml`'s `Globals` set it.
    fn function_timeout() -> Duration {
        let template =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml"))
                .unwrap();
        let globals = template
            .split("\nGlobals:")
            .nth(1)
            .expect("a Globals section");
        let seconds = globals
            .lines()
            .find_map(|l| l.trim().strip_prefix("Timeout:"))
            .expect("Globals set a Timeout");
        Duration::from_secs(seconds.trim().parse().unwrap())
    }

    #[test]
    fn the_deadline_leaves_a_stalled_call_and_its_undo_time_and_ends_well_before_lambdas_timeout() {
        let call = crate::sdk::OPERATION_TIMEOUT;
        assert!(call * 2 < REQUEST_DEADLINE);
        assert!(REQUEST_DEADLINE + Duration::from_secs(3) <= function_timeout());
    }
}
