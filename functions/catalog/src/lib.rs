//! The `catalog` Lambda: products, price tiers and checkout questions for admins; the
//! catalogue at their own prices, and the questions, for customers.

use lambda_http::{Body, Request, Response};
use orderdesk::app::Deps;
use orderdesk::catalog::{self, QuestionsBody, Sku, TierBody, TierId};
use orderdesk::http::{
    Problem, customer_session, json, json_body, page_request, path_param, query_param,
    require_admin, route_key,
};
use orderdesk::session::Wants;
use serde_json::json;

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
            "GET /catalog" => {
                let wants = Wants::keys(|ids| ids.tier_key().into_iter().collect());
                let (session, ahead) = customer_session(store, &req, &wants).await?;
                let page = page_request(&req)?;
                let q = query_param(&req, "q");
                let customer = &session.me.customer;
                Ok(json(
                    200,
                    &ahead
                        .scope(catalog::customer_catalog(
                            store,
                            customer,
                            q.as_deref(),
                            &page,
                        ))
                        .await?,
                ))
            }
            "GET /checkout-questions" => {
                let wants = Wants::keys(|_| {
                    vec![(
                        catalog::item::PK.to_owned(),
                        catalog::item::QUESTIONS_SK.to_owned(),
                    )]
                });
                let (_, ahead) = customer_session(store, &req, &wants).await?;
                let questions = ahead.scope(store_questions(store)).await?;
                Ok(json(200, &json!({ "questions": questions })))
            }
            _ => self.admin_route(&req).await,
        }
    }

    async fn admin_route(&self, req: &Request) -> Result<Response<Body>, Problem> {
        let admin = require_admin(req)?;
        let store = &self.deps.store;
        match route_key(req).as_str() {
            "POST /admin/products" => {
                let (body, _) = json_body(req)?;
                Ok(json(
                    201,
                    &catalog::create_product(store, &admin, body).await?,
                ))
            }
            "GET /admin/products" => {
                let q = query_param(req, "q");
                Ok(json(
                    200,
                    &catalog::list_products(store, q.as_deref(), &page_request(req)?).await?,
                ))
            }
            "PATCH /admin/products/{sku}" => {
                let sku = path_param(req, "sku")
                    .and_then(|s| Sku::parse(&s).ok())
                    .ok_or_else(|| Problem::not_found("There is no product with this SKU."))?;
                let (body, _) = json_body(req)?;
                Ok(json(
                    200,
                    &catalog::update_product(store, &admin, &sku, body).await?,
                ))
            }
            "POST /admin/price-tiers" => {
                let (body, _) = json_body::<TierBody>(req)?;
                Ok(json(201, &catalog::create_tier(store, &admin, body).await?))
            }
            "GET /admin/price-tiers" => {
                use orderdesk::catalog::CatalogStore;
                let tiers = store.tiers().await.map_err(|e| Problem::internal(&e))?;
                Ok(json(200, &json!({ "items": tiers, "next_cursor": null })))
            }
            "PATCH /admin/price-tiers/{tier_id}" => {
                let id = path_param(req, "tier_id")
                    .and_then(|s| TierId::parse(&s))
                    .ok_or_else(|| Problem::not_found("There is no price tier with this id."))?;
                let (body, _) = json_body::<TierBody>(req)?;
                Ok(json(
                    200,
                    &catalog::update_tier(store, &admin, &id, body).await?,
                ))
            }
            "PUT /admin/checkout-questions" => {
                let (body, _) = json_body::<QuestionsBody>(req)?;
                Ok(json(
                    200,
                    &json!({ "questions": catalog::set_questions(store, &admin, body).await? }),
                ))
            }
            "GET /admin/checkout-questions" => Ok(json(
                200,
                &json!({ "questions": store_questions(store).await? }),
            )),
            other => Err(Problem::not_found(format!(
                "The catalog function has no route {other}."
            ))),
        }
    }
}

async fn store_questions(
    store: &orderdesk::dynamo::DynamoStore,
) -> Result<Vec<catalog::CheckoutQuestion>, Problem> {
    use orderdesk::catalog::CatalogStore;
    Ok(store
        .questions()
        .await
        .map_err(|e| Problem::internal(&e))?
        .0)
}
