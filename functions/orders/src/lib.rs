//! The `orders` Lambda: a customer login reads its account's orders; admins read the queue
//! and any order with its history (a deleted customer's orders too).

use lambda_http::{Body, Request, Response};
use orderdesk::actor::Seller;
use orderdesk::app::Store;
use orderdesk::http::{
    Function, Problem, Routes, customer_request, customer_session, json, listing, path_id,
    require_admin, route_key,
};
use orderdesk::ids::OrderId;
use orderdesk::orders::{self, OrderListing, QueueQuery};
use orderdesk::reads::Reads;

/// The function as `main` serves it and `local/` invokes it.
pub type App = Function<Orders>;

/// The routes of the `orders` function.
pub struct Orders;

impl Routes for Orders {
    type Needs = (Store, Seller);

    async fn route((store, seller): &Self::Needs, req: Request) -> Result<Response<Body>, Problem> {
        match route_key(&req).as_str() {
            "GET /orders" => {
                let (session, store) = customer_session(store, &req, |_| Reads::none()).await?;
                let customer = &session.me.customer.customer_id;
                let (wanted, page) = listing(&req, |q| {
                    orders::customer_listing(customer, q.get("status"), q.get("q"))
                })?;
                let found =
                    orders::customer_orders(&store, customer, &wanted, &page, seller).await?;
                Ok(json(200, &found))
            }
            "GET /orders/{order_id}" => {
                let (session, store, id) =
                    customer_request(store, &req, path_id::<OrderId>, |_, id| {
                        orders::order_reads(id)
                    })
                    .await?;
                let customer = &session.me.customer.customer_id;
                Ok(json(
                    200,
                    &orders::customer_order(&store, customer, &id, seller).await?,
                ))
            }
            "GET /admin/orders" => {
                require_admin(&req)?;
                let (queue, page) = listing(&req, |q| {
                    OrderListing::queue(&QueueQuery {
                        status: q.get("status"),
                        customer_id: q.get("customer_id"),
                        q: q.get("q"),
                        team_id: q.get("team_id"),
                        overdue: q.get("overdue"),
                    })
                })?;
                let found = orders::admin_orders(store, &queue, &page).await?;
                Ok(json(200, &found))
            }
            "GET /admin/orders/{order_id}" => {
                require_admin(&req)?;
                Ok(json(
                    200,
                    &orders::admin_order(store, &path_id(&req)?).await?,
                ))
            }
            other => Err(Problem::not_found(format!(
                "The orders function has no route {other}."
            ))),
        }
    }
}
