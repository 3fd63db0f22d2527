//! The `order-submission` Lambda: a customer's cart and its order requests; an admin's
//! prefill of a customer's cart and order placed into a customer's account.

use lambda_http::{Body, Request, Response};
use orderdesk::app::Store;
use orderdesk::http::{
    Function, Problem, Routes, body, created, customer_request, customer_session, json, keyed_body,
    order_request, path_id, require_admin, route_key,
};
use orderdesk::ids::OrderId;
use orderdesk::orders::{self, AdminOrderBody, CartBody, SellerDesk};

/// The function as `main` serves it and `local/` invokes it.
pub type App = Function<OrderSubmission>;

/// The routes of the `order-submission` function.
pub struct OrderSubmission;

impl Routes for OrderSubmission {
    type Needs = (Store, SellerDesk);

    async fn route((store, desk): &Self::Needs, req: Request) -> Result<Response<Body>, Problem> {
        match route_key(&req).as_str() {
            "GET /cart" => {
                let (session, store) =
                    customer_session(store, &req, |ids| orders::cart_reads(ids, [])).await?;
                Ok(json(
                    200,
                    &orders::get_cart(&store, &session.me.customer).await?,
                ))
            }
            "PUT /cart" => {
                let (session, store, input) =
                    customer_request(store, &req, body::<CartBody>, orders::put_cart_reads).await?;
                let cart = orders::put_cart(&store, &session.me.customer, input, None).await?;
                Ok(json(200, &cart))
            }
            "POST /orders" => {
                let (session, store, input) =
                    customer_request(store, &req, order_request, orders::submit_reads).await?;
                let written = orders::submit_order(&store, &session, input, desk).await?;
                Ok(created(written))
            }
            "POST /orders/{order_id}/cancel" => {
                let (session, store, id) =
                    customer_request(store, &req, path_id::<OrderId>, |_, id| {
                        orders::cancel_reads(id)
                    })
                    .await?;
                Ok(json(
                    200,
                    &orders::cancel_order(&store, &session, &id, desk).await?,
                ))
            }
            "PUT /admin/customers/{customer_id}/cart" => {
                let admin = require_admin(&req)?;
                let (id, input) = (path_id(&req)?, body::<CartBody>(&req)?);
                let cart = orders::prefill_cart(store, &admin, &id, input).await?;
                Ok(json(200, &cart))
            }
            "POST /admin/customers/{customer_id}/orders" => {
                let admin = require_admin(&req)?;
                let id = path_id(&req)?;
                let (input, keyed) = keyed_body::<AdminOrderBody>(&req)?;
                let idempotency = keyed.map(|k| k.by(&admin.sub));
                let written = orders::create_order_for_customer(
                    store,
                    &admin,
                    &id,
                    input,
                    idempotency.as_ref(),
                    (&desk.portal, &desk.clock),
                )
                .await?;
                Ok(created(written))
            }
            other => Err(Problem::not_found(format!(
                "The order-submission function has no route {other}."
            ))),
        }
    }
}
