//! The `integrations` Lambda: the seller's admins keep the webhooks that receive its events,
//! read their deliveries, and retry or test them.

use lambda_http::{Body, Request, Response};
use orderdesk::app::Store;
use orderdesk::http::{Function, Problem, Routes, route_key};

/// The function as `main` serves it and `local/` invokes it.
pub type App = Function<Integrations>;

/// The routes of the `integrations` function.
pub struct Integrations;

impl Routes for Integrations {
    type Needs = Store;

    async fn route(_store: &Self::Needs, req: Request) -> Result<Response<Body>, Problem> {
        Err(Problem::not_found(format!("No route {}", route_key(&req))))
    }
}
