//! The `orders` Lambda: a customer login reads its account's orders; admins read the queue
//! and any order with its history (a deleted customer's orders too).

use lambda_http::{Body, Request, Response};
use orderdesk::app::Deps;
use orderdesk::http::{
    Problem, customer_session, json, page_request, path_param, query_param, require_admin,
    route_key,
};
use orderdesk::orders::order::{self, OrderId};
use orderdesk::session::Wants;

/// Everything the function builds once per cold start.
pub struct App {
    deps: Deps,
}

impl App {
    /// Reads configuration from the environment and builds the SDK clients.
    pub async fn from_env() -> Result<Self, lambda_http::Error> {
        Ok(Self {
            deps: Deps::from_env().await?,
        })
    }

    /// Serves one API Gateway request. Every failure leaves as `problem+json`.
    #[tracing::instrument(skip_all, fields(route = %route_key(&req)))]
    pub async fn handle(&self, req: Request) -> Response<Body> {
        self.route(req).await.unwrap_or_else(Problem::into_response)
    }

    async fn route(&self, req: Request) -> Result<Response<Body>, Problem> {
        let store = &self.deps.store;
        match route_key(&req).as_str() {
            "GET /orders" => {
                let me = customer_session(store, &req, &Wants::nothing()).await?.0.me;
                let status = query_param(&req, "status");
                let page = page_request(&req)?;
                Ok(json(
                    200,
                    &order::customer_orders(
                        store,
                        &me.customer.customer_id,
                        status.as_deref(),
                        &page,
                    )
                    .await?,
                ))
            }
            "GET /orders/{order_id}" => {
                let id = path_param(&req, "order_id").and_then(|raw| OrderId::parse(&raw));
                let wants = Wants::keys(|_| {
                    id.iter()
                        .map(|id| (order::item::pk(id.as_str()), order::item::SK.to_owned()))
                        .collect()
                });
                let (session, ahead) = customer_session(store, &req, &wants).await?;
                let id = id
                    .clone()
                    .ok_or_else(|| Problem::not_found("There is no such order."))?;
                let customer = &session.me.customer.customer_id;
                Ok(json(
                    200,
                    &ahead
                        .scope(order::customer_order(store, customer, &id))
                        .await?,
                ))
            }
            "GET /admin/orders" => {
                require_admin(&req)?;
                let status = query_param(&req, "status");
                let customer = query_param(&req, "customer_id");
                let page = page_request(&req)?;
                Ok(json(
                    200,
                    &order::admin_orders(store, status.as_deref(), customer.as_deref(), &page)
                        .await?,
                ))
            }
            "GET /admin/orders/{order_id}" => {
                require_admin(&req)?;
                let id = path_param(&req, "order_id")
                    .and_then(|raw| OrderId::parse(&raw))
                    .ok_or_else(|| Problem::not_found("There is no such order."))?;
                use orderdesk::orders::order::OrderStore;
                let found = store.order(&id).await.map_err(|e| Problem::internal(&e))?;
                Ok(json(
                    200,
                    &found.ok_or_else(|| Problem::not_found("There is no such order."))?,
                ))
            }
            other => Err(Problem::not_found(format!(
                "The orders function has no route {other}."
            ))),
        }
    }
}
