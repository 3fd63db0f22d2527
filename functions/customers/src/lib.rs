//! The `customers` Lambda: admins keep customer accounts, and read the audit log.

use lambda_http::{Body, Request, Response};
use orderdesk::app::{Store, UserPool};
use orderdesk::audit::{self, AuditFilter};
use orderdesk::customers::{
    self, BulkTagBody, CreateCustomerBody, CustomerChange, CustomerFilter, NewCustomer, TagChange,
    UpdateCustomerBody,
};
use orderdesk::http::{
    Function, Problem, Routes, body, created, json, keyed_body, listing, no_content, path_id,
    require_admin, route_key,
};
use orderdesk::logins;
use serde_json::json;

/// The function as `main` serves it and `local/` invokes it.
pub type App = Function<Customers>;

/// The routes of the `customers` function.
pub struct Customers;

impl Routes for Customers {
    type Needs = (Store, UserPool);

    async fn route((store, users): &Self::Needs, req: Request) -> Result<Response<Body>, Problem> {
        let admin = require_admin(&req)?;
        match route_key(&req).as_str() {
            "POST /admin/customers" => {
                let (input, keyed) = keyed_body::<CreateCustomerBody>(&req)?;
                let input = NewCustomer::try_from(input).map_err(Problem::invalid)?;
                let idempotency = keyed.map(|k| k.by(&admin.sub));
                let written =
                    customers::create_customer(store, &admin, input, idempotency.as_ref()).await?;
                Ok(created(written))
            }
            "GET /admin/customers" => {
                let (filter, page) = listing(&req, |q| {
                    CustomerFilter::parse(q.get("q"), q.get("tag"), q.get("status"))
                })?;
                Ok(json(
                    200,
                    &customers::list_customers(store, &filter, &page).await?,
                ))
            }
            "POST /admin/customers/tags" => {
                let input =
                    TagChange::try_from(body::<BulkTagBody>(&req)?).map_err(Problem::invalid)?;
                let updated = customers::bulk_tag(store, &admin, &input).await?;
                Ok(json(200, &json!({ "updated": updated })))
            }
            "GET /admin/customers/{customer_id}" => {
                let id = path_id(&req)?;
                Ok(json(200, &logins::customer_page(store, &id).await?))
            }
            "PATCH /admin/customers/{customer_id}" => {
                let id = path_id(&req)?;
                let change = CustomerChange::try_from(body::<UpdateCustomerBody>(&req)?)
                    .map_err(Problem::invalid)?;
                let customer = customers::update_customer(store, &admin, &id, &change).await?;
                Ok(json(200, &customer))
            }
            "DELETE /admin/customers/{customer_id}" => {
                let id = path_id(&req)?;
                logins::close_account(store, users, &admin, &id).await?;
                Ok(no_content())
            }
            "GET /admin/audit" => {
                let (filter, page) = listing(&req, |q| {
                    AuditFilter::parse(q.get("customer_id"), q.get("actor"))
                })?;
                let entries = audit::list_audit(store, &filter, &page).await?;
                Ok(json(200, &entries))
            }
            other => Err(Problem::not_found(format!(
                "The customers function has no route {other}."
            ))),
        }
    }
}
