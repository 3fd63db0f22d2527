//! The `order-submission` Lambda: a customer's cart and its order requests, and an admin's
//! prefill of a customer's cart.

use lambda_http::{Body, Request, Response};
use orderdesk::app::Deps;
use orderdesk::catalog;
use orderdesk::customers::{self, CustomerId};
use orderdesk::domain::{Email, FieldError};
use orderdesk::dynamo::read_ahead::Key;
use orderdesk::http::{self, Problem, json, json_body, path_param, require_admin, route_key};
use orderdesk::idempotency::{self, Idempotency};
use orderdesk::orders::admin::{self, AdminOrderBody};
use orderdesk::orders::cart::{self, CartBody};
use orderdesk::orders::order::{self, SubmitBody, Submitted};
use orderdesk::session::{Ids, Wants};

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
                let wants = Wants::keys(|ids| cart_and_tier(ids, &[]));
                let (session, ahead) = http::customer_session(store, &req, &wants).await?;
                let customer = &session.me.customer;
                Ok(json(
                    200,
                    &ahead.scope(cart::get_cart(store, customer)).await?,
                ))
            }
            "PUT /cart" => {
                let parsed = json_body::<CartBody>(&req);
                let skus: Vec<String> = parsed
                    .as_ref()
                    .map(|(b, _)| b.lines.iter().map(|l| l.sku.clone()).collect())
                    .unwrap_or_default();
                let wants = Wants::keys(|ids| cart_and_tier(ids, &skus));
                let (session, ahead) = http::customer_session(store, &req, &wants).await?;
                let (body, _) = parsed?;
                let customer = &session.me.customer;
                Ok(json(
                    200,
                    &ahead
                        .scope(cart::put_cart(store, customer, body, None))
                        .await?,
                ))
            }
            "POST /orders" => {
                let key = http::idempotency_key(&req)?.ok_or_else(|| {
                    Problem::invalid(vec![FieldError::new(
                        "Idempotency-Key",
                        "is required: send a unique key (e.g. a UUID) and reuse it when you retry",
                    )])
                })?;
                let route = route_key(&req);
                let parsed = json_body::<SubmitBody>(&req);
                let wants = Wants::keys(|ids| {
                    let Ok((body, raw)) = &parsed else {
                        return Vec::new();
                    };
                    let scope = Idempotency::new(ids.login_id, &route, &key, raw);
                    let skus: Vec<String> =
                        body.lines.iter().flatten().map(|l| l.sku.clone()).collect();
                    let mut keys = if body.from_cart == Some(true) {
                        cart_and_tier(ids, &skus)
                    } else {
                        ids.tier_key()
                            .into_iter()
                            .chain(product_keys(&skus))
                            .collect()
                    };
                    keys.push((
                        idempotency::item::pk(scope.scope()),
                        idempotency::item::SK.to_owned(),
                    ));
                    keys.push((
                        catalog::item::PK.to_owned(),
                        catalog::item::QUESTIONS_SK.to_owned(),
                    ));
                    keys
                })
                .with_order_number();
                let (session, ahead) = http::customer_session(store, &req, &wants).await?;
                drop(wants);
                let (body, raw) = parsed?;
                let idempotency =
                    Idempotency::new(session.me.login.login_id.as_str(), &route, &key, &raw);
                let portal = self.deps.portal.url.trim_end_matches('/').to_owned();
                let url = |id: &str| format!("{portal}/#/admin/orders/{id}");
                let submitted =
                    order::submit_order(store, &session, body, &idempotency, &self.seller, url);
                match ahead.scope(submitted).await? {
                    Submitted::New(o) => Ok(json(201, &o)),
                    Submitted::Replayed(first) => Ok(http::replayed(first.body)),
                }
            }
            "POST /orders/{order_id}/cancel" => {
                let id = path_param(&req, "order_id").and_then(|raw| order::OrderId::parse(&raw));
                let wants = Wants::keys(|_| {
                    id.iter()
                        .map(|id| (order::item::pk(id.as_str()), order::item::SK.to_owned()))
                        .collect()
                });
                let (session, ahead) = http::customer_session(store, &req, &wants).await?;
                let id = id
                    .clone()
                    .ok_or_else(|| Problem::not_found("There is no such order."))?;
                Ok(json(
                    200,
                    &ahead
                        .scope(order::cancel_order(store, &session, &id))
                        .await?,
                ))
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

/// The keys of the products named by `skus` (those that are valid SKUs).
fn product_keys(skus: &[String]) -> impl Iterator<Item = Key> + '_ {
    skus.iter()
        .filter_map(|raw| catalog::Sku::parse(raw).ok())
        .map(|sku| {
            (
                catalog::item::PK.to_owned(),
                catalog::item::product_sk(&sku),
            )
        })
}

/// The account's cart and price tier, and the products named by `skus`.
fn cart_and_tier(ids: &Ids<'_>, skus: &[String]) -> Vec<Key> {
    let mut keys = vec![ids.customer_key(orderdesk::orders::cart::item::SK)];
    keys.extend(ids.tier_key());
    keys.extend(product_keys(skus));
    keys
}
