//! The `order-confirmation` Lambda: an admin edits a requested order, assigns it to a team,
//! or confirms or rejects it, exactly once.

use lambda_http::{Body, Request, Response};
use orderdesk::app::Store;
use orderdesk::http::{Function, Problem, Routes, body, json, path_id, require_admin, route_key};
use orderdesk::ids::OrderId;
use orderdesk::orders::{self, AssignBody, Decision, EditBody};
use orderdesk::portal::Portal;
use serde::Deserialize;

/// Body of `POST /admin/orders/{id}/confirm`, which may be empty.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfirmBody {
    #[serde(default)]
    version: Option<u64>,
}

/// Body of `POST /admin/orders/{id}/reject`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RejectBody {
    reason: String,
}

/// The function as `main` serves it and `local/` invokes it.
pub type App = Function<OrderConfirmation>;

/// The routes of the `order-confirmation` function.
pub struct OrderConfirmation;

impl Routes for OrderConfirmation {
    type Needs = (Store, Portal);

    async fn route((store, portal): &Self::Needs, req: Request) -> Result<Response<Body>, Problem> {
        let admin = require_admin(&req)?;
        let id: OrderId = path_id(&req)?;
        let decision = match route_key(&req).as_str() {
            "PATCH /admin/orders/{order_id}" => {
                let input = body::<EditBody>(&req)?;
                return Ok(json(
                    200,
                    &orders::edit_order(store, &admin, &id, input, portal).await?,
                ));
            }
            "POST /admin/orders/{order_id}/assign" => {
                let input = body::<AssignBody>(&req)?;
                return Ok(json(
                    200,
                    &orders::assign_order(store, &admin, &id, input, portal).await?,
                ));
            }
            "POST /admin/orders/{order_id}/confirm" => Decision::Confirm {
                expected_version: confirm_body(&req)?.version,
            },
            "POST /admin/orders/{order_id}/reject" => Decision::Reject {
                reason: body::<RejectBody>(&req)?.reason,
            },
            other => {
                return Err(Problem::not_found(format!(
                    "The order-confirmation function has no route {other}."
                )));
            }
        };
        let order = orders::decide_order(store, &admin, &id, decision, portal).await?;
        Ok(json(200, &order))
    }
}

/// A confirmation's body: none at all, or one that may name the version the admin saw.
fn confirm_body(req: &Request) -> Result<ConfirmBody, Problem> {
    if req.body().is_empty() {
        Ok(ConfirmBody::default())
    } else {
        body(req)
    }
}
