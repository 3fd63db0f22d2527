//! The `customers` Lambda: admins keep customer accounts, and read the audit log.

use lambda_http::{Body, Request, Response};
use orderdesk::app::{Store, UserPool};
use orderdesk::customers::{
    self, BulkTagBody, CreateCustomerBody, CustomerChange, CustomerFilter, NewCustomer, TagChange,
    UpdateCustomerBody,
};
use orderdesk::http::{
    self, Function, Problem, Routes, body, created, json, keyed_body, no_content, page_request,
    path_id, query_param, require_admin, route_key,
};
use orderdesk::{audit, logins};
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
                let (filter, page) = listing(&req)?;
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
                let page = page_request(&req)?;
                let (customer, actor) =
                    (query_param(&req, "customer_id"), query_param(&req, "actor"));
                let entries =
                    audit::list_audit(store, customer.as_deref(), actor.as_deref(), &page).await?;
                Ok(json(200, &entries))
            }
            other => Err(Problem::not_found(format!(
                "The customers function has no route {other}."
            ))),
        }
    }
}

/// `?q=`, `?tag=`, `?status=` and the page, with every bad one named at once.
fn listing(req: &Request) -> Result<(CustomerFilter, orderdesk::page::PageRequest), Problem> {
    let mut errors = Vec::new();
    let filter = CustomerFilter::parse(
        query_param(req, "q").as_deref(),
        query_param(req, "tag").as_deref(),
        query_param(req, "status").as_deref(),
    )
    .unwrap_or_else(|e| {
        errors.extend(e);
        CustomerFilter::default()
    });
    let page = http::page_request(req).unwrap_or_else(|p| {
        errors.extend(p.errors);
        Default::default()
    });
    if errors.is_empty() {
        Ok((filter, page))
    } else {
        Err(Problem::invalid(errors))
    }
}
