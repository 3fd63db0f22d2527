//! The `order-submission` Lambda: a customer's cart and its order requests, and an admin's
//! prefill of a customer's cart.

use lambda_http::{Body, Request, Response};
use orderdesk::app::Deps;
use orderdesk::customers::{self, CustomerId};
use orderdesk::domain::{Email, FieldError};
use orderdesk::http::{self, Problem, json, json_body, path_param, require_admin, route_key};
use orderdesk::idempotency::Idempotency;
use orderdesk::orders::admin::{self, AdminOrderBody};
use orderdesk::orders::cart::{self, CartBody};
use orderdesk::orders::order::{self, SubmitBody, Submitted};

/// Everything the function builds once per cold start.
pub struct App {
    deps: Deps,
    seller: Email,
}

impl App {
    /// Reads configuration from the environment and builds the SDK clients.
    pub async fn from_env() -> Result<Self, lambda_http::Error> {
        let deps = Deps::from_env().await?;
        let seller = Email::parse(&deps.config.seller_notify_email)
            .map_err(|e| format!("SELLER_NOTIFY_EMAIL {e}"))?;
        Ok(Self { deps, seller })
    }

    /// Serves one API Gateway request. Every failure leaves as `problem+json`.
    #[tracing::instrument(skip_all, fields(route = %route_key(&req)))]
    pub async fn handle(&self, req: Request) -> Response<Body> {
        self.route(req).await.unwrap_or_else(Problem::into_response)
    }

    async fn route(&self, req: Request) -> Result<Response<Body>, Problem> {
        let store = &self.deps.store;
        match route_key(&req).as_str() {
            "GET /cart" => {
                let me = http::customer_session(store, &req).await?.me;
                Ok(json(200, &cart::get_cart(store, &me.customer).await?))
            }
            "PUT /cart" => {
                let me = http::customer_session(store, &req).await?.me;
                let (body, _) = json_body::<CartBody>(&req)?;
                Ok(json(
                    200,
                    &cart::put_cart(store, &me.customer, body, None).await?,
                ))
            }
            "POST /orders" => {
                let key = http::idempotency_key(&req)?.ok_or_else(|| {
                    Problem::invalid(vec![FieldError::new(
                        "Idempotency-Key",
                        "is required: send a unique key (e.g. a UUID) and reuse it when you retry",
                    )])
                })?;
                let (body, raw) = json_body::<SubmitBody>(&req)?;
                let session = http::customer_session(store, &req).await?;
                let idempotency = Idempotency::new(
                    session.me.login.login_id.as_str(),
                    &route_key(&req),
                    &key,
                    &raw,
                );
                let portal = self.deps.portal.url.trim_end_matches('/').to_owned();
                let url = |id: &str| format!("{portal}/#/admin/orders/{id}");
                match order::submit_order(store, &session, body, &idempotency, &self.seller, url)
                    .await?
                {
                    Submitted::New(o) => Ok(json(201, &o)),
                    Submitted::Replayed(first) => Ok(http::replayed(first.body)),
                }
            }
            "POST /orders/{order_id}/cancel" => {
                let session = http::customer_session(store, &req).await?;
                let id = path_param(&req, "order_id")
                    .and_then(|raw| order::OrderId::parse(&raw))
                    .ok_or_else(|| Problem::not_found("There is no such order."))?;
                Ok(json(200, &order::cancel_order(store, &session, &id).await?))
            }
            "PUT /admin/customers/{customer_id}/cart" => {
                let admin = require_admin(&req)?;
                let id = path_param(&req, "customer_id")
                    .and_then(|raw| CustomerId::parse(&raw))
                    .ok_or_else(|| Problem::not_found("There is no customer with this id."))?;
                let (body, _) = json_body::<CartBody>(&req)?;
                let customer = customers::get_customer(store, &id).await?;
                if customer.is_deleted() {
                    return Err(Problem::conflict("This customer is deleted."));
                }
                Ok(json(
                    200,
                    &cart::put_cart(store, &customer, body, Some(&admin)).await?,
                ))
            }
            "POST /admin/customers/{customer_id}/orders" => {
                let admin = require_admin(&req)?;
                let id = path_param(&req, "customer_id")
                    .and_then(|raw| CustomerId::parse(&raw))
                    .ok_or_else(|| Problem::not_found("There is no customer with this id."))?;
                let key = http::idempotency_key(&req)?;
                let (body, raw) = json_body::<AdminOrderBody>(&req)?;
                let idempotency =
                    key.map(|k| Idempotency::new(&admin.sub, &route_key(&req), &k, &raw));
                let portal = self.deps.portal.url.trim_end_matches('/').to_owned();
                let url = |id: &str| format!("{portal}/#/orders/{id}");
                match admin::create_order_for_customer(
                    store,
                    &admin,
                    &id,
                    body,
                    idempotency.as_ref(),
                    url,
                )
                .await?
                {
                    Submitted::New(o) => Ok(json(201, &o)),
                    Submitted::Replayed(first) => Ok(http::replayed(first.body)),
                }
            }
            other => Err(Problem::not_found(format!(
                "The order-submission function has no route {other}."
            ))),
        }
    }
}
