//! The shell every HTTP function shares: built once per cold start from the deployment's
//! [`Shell`], then each request routed to one use case, and every failure answered as
//! problem+json.

use super::{Problem, route_key};
use crate::app::{FromShell, Shell};
use crate::config::ConfigError;
use lambda_http::{Body, Request, Response, service_fn};
use std::future::Future;
use tracing::Instrument as _;

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

    /// Serves one API Gateway request. Every failure leaves as `problem+json`.
    fn handle(&self, req: Request) -> impl Future<Output = Response<Body>> + Send {
        let span = tracing::info_span!("handle", route = %route_key(&req));
        async move { self.route(req).await.unwrap_or_else(Problem::into_response) }.instrument(span)
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
}

impl<R: Routes> HttpFunction for Function<R> {
    fn build(shell: Shell) -> Result<Self, ConfigError> {
        Ok(Self {
            needs: R::Needs::from_shell(&shell)?,
        })
    }

    fn route(&self, req: Request) -> impl Future<Output = Result<Response<Body>, Problem>> + Send {
        R::route(&self.needs, req)
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
