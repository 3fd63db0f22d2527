//! The `order-submission` Lambda: a customer's cart and its order requests; an admin's
//! prefill of a customer's cart and order placed into a customer's account.

use lambda_http::{Body, Request, Response};
use orderdesk::app::Store;
use orderdesk::http::{
    Function, Problem, Routes, body, created, customer_request, customer_session, import_request,
    json, keyed_body, no_content, order_request, path_id, require_admin, route_key,
};
use orderdesk::ids::{ListId, OrderId};
use orderdesk::lists::{self, ListBody, ListEdit};
use orderdesk::orders::{self, AdminOrderBody, CartBody, SellerDesk};
use orderdesk::reads::Reads;

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
            "POST /orders/{order_id}/reorder" => {
                let (session, store, id) =
                    customer_request(store, &req, path_id::<OrderId>, orders::reorder_reads)
                        .await?;
                let cart = orders::reorder(&store, &session.me.customer, &id).await?;
                Ok(json(200, &cart))
            }
            "POST /cart/import" => {
                let (session, store, input) =
                    customer_request(store, &req, import_request, orders::import_reads).await?;
                let imported = orders::import_to_cart(&store, &session.me.customer, input).await?;
                Ok(json(200, &imported))
            }
            "GET /lists" => {
                let (session, store) = customer_session(store, &req, |_| Reads::none()).await?;
                let items = lists::lists(&store, &session.me.customer).await?;
                Ok(json(200, &items))
            }
            "POST /lists" => {
                let (session, store, input) =
                    customer_request(store, &req, body::<ListBody>, lists::create_list_reads)
                        .await?;
                Ok(json(
                    201,
                    &lists::create_list(&store, &session, input).await?,
                ))
            }
            "GET /lists/{list_id}" => {
                let (session, store, id) =
                    customer_request(store, &req, path_id::<ListId>, lists::list_reads).await?;
                Ok(json(
                    200,
                    &lists::get_list(&store, &session.me.customer, &id).await?,
                ))
            }
            "PUT /lists/{list_id}" => {
                let (session, store, input) =
                    customer_request(store, &req, list_edit, lists::edit_list_reads).await?;
                Ok(json(
                    200,
                    &lists::edit_list(&store, &session.me.customer, input).await?,
                ))
            }
            "DELETE /lists/{list_id}" => {
                let (session, store, id) =
                    customer_request(store, &req, path_id::<ListId>, lists::list_reads).await?;
                lists::delete_list(&store, &session.me.customer, &id).await?;
                Ok(no_content())
            }
            "POST /lists/{list_id}/add-to-cart" => {
                let (session, store, id) =
                    customer_request(store, &req, path_id::<ListId>, lists::add_list_reads).await?;
                Ok(json(
                    200,
                    &lists::add_list_to_cart(&store, &session.me.customer, &id).await?,
                ))
            }
            other => Err(Problem::not_found(format!(
                "The order-submission function has no route {other}."
            ))),
        }
    }
}

/// `PUT /lists/{list_id}`: the list's id, then its body.
fn list_edit(req: &Request) -> Result<(ListId, ListEdit), Problem> {
    Ok((path_id(req)?, body(req)?))
}
