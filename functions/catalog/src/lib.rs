//! The `catalog` Lambda: products, price tiers and checkout questions for admins; the
//! catalogue at their own prices, and the questions, for customers.

use lambda_http::{Body, Request, Response};
use orderdesk::app::Store;
use orderdesk::catalog::{self, QuestionsBody, TierBody};
use orderdesk::http::{
    Function, Problem, Routes, body, customer_session, json, listing, path_id, require_admin,
    route_key,
};
use serde_json::json;

/// The function as `main` serves it and `local/` invokes it.
pub type App = Function<Catalog>;

/// The routes of the `catalog` function.
pub struct Catalog;

impl Routes for Catalog {
    type Needs = Store;

    async fn route(store: &Store, req: Request) -> Result<Response<Body>, Problem> {
        match route_key(&req).as_str() {
            "GET /catalog" => {
                let (session, store) =
                    customer_session(store, &req, |ids| catalog::catalog_reads(ids.tier.as_ref()))
                        .await?;
                let (q, page) = listing(&req, |q| Ok(q.get("q")))?;
                let tier = session.me.customer.price_tier_id.as_ref();
                let items = catalog::customer_catalog(&store, tier, q, &page).await?;
                Ok(json(200, &items))
            }
            "GET /checkout-questions" => {
                let (_, store) =
                    customer_session(store, &req, |_| catalog::questions_reads()).await?;
                let questions = catalog::checkout_questions(&store).await?;
                Ok(json(200, &json!({ "questions": questions })))
            }
            _ => admin_route(store, &req).await,
        }
    }
}

/// The routes of the seller's admins.
async fn admin_route(store: &Store, req: &Request) -> Result<Response<Body>, Problem> {
    let admin = require_admin(req)?;
    match route_key(req).as_str() {
        "POST /admin/products" => {
            let input = body(req)?;
            let product = catalog::create_product(store, &admin, input).await?;
            Ok(json(201, &product))
        }
        "GET /admin/products" => {
            let (q, page) = listing(req, |q| Ok(q.get("q")))?;
            Ok(json(200, &catalog::list_products(store, q, &page).await?))
        }
        "PATCH /admin/products/{sku}" => {
            let (sku, input) = (path_id(req)?, body(req)?);
            let product = catalog::update_product(store, &admin, &sku, input).await?;
            Ok(json(200, &product))
        }
        "POST /admin/price-tiers" => {
            let input = body::<TierBody>(req)?;
            Ok(json(
                201,
                &catalog::create_tier(store, &admin, input).await?,
            ))
        }
        "GET /admin/price-tiers" => Ok(json(200, &catalog::list_tiers(store).await?)),
        "PATCH /admin/price-tiers/{tier_id}" => {
            let (id, input) = (path_id(req)?, body::<TierBody>(req)?);
            Ok(json(
                200,
                &catalog::update_tier(store, &admin, &id, input).await?,
            ))
        }
        "PUT /admin/checkout-questions" => {
            let input = body::<QuestionsBody>(req)?;
            let questions = catalog::set_questions(store, &admin, input).await?;
            Ok(json(200, &json!({ "questions": questions })))
        }
        "GET /admin/checkout-questions" => {
            let questions = catalog::checkout_questions(store).await?;
            Ok(json(200, &json!({ "questions": questions })))
        }
        other => Err(Problem::not_found(format!(
            "The catalog function has no route {other}."
        ))),
    }
}
