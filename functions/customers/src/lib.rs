//! The `customers` Lambda: admins keep customer accounts and the teams that fulfil their
//! orders, and read the audit log; an
//! account's address book is kept here too, by its own logins and by admins.

use lambda_http::{Body, Request, Response};
use orderdesk::addresses::{self, AddressBody, AddressChange, AddressPatchBody, Editor, ShipTo};
use orderdesk::app::{Store, UserPool};
use orderdesk::audit::{self, AuditFilter};
use orderdesk::customers::{
    self, BulkTagBody, CreateCustomerBody, CustomerChange, CustomerFilter, NewCustomer, TagChange,
    UpdateCustomerBody,
};
use orderdesk::http::{
    Function, Problem, Routes, body, created, customer_request, customer_session, json, keyed_body,
    listing, no_content, path_id, require_admin, route_key,
};
use orderdesk::ids::AddressId;
use orderdesk::logins;
use orderdesk::teams::{self, AutoConfirmBody, CreateTeamBody, RoutingRulesBody, UpdateTeamBody};
use serde_json::json;

/// The function as `main` serves it and `local/` invokes it.
pub type App = Function<Customers>;

/// The routes of the `customers` function.
pub struct Customers;

impl Routes for Customers {
    type Needs = (Store, UserPool);

    async fn route((store, users): &Self::Needs, req: Request) -> Result<Response<Body>, Problem> {
        let book =
            |ids: &orderdesk::session::SessionIds| addresses::address_book_reads(&ids.customer);
        match route_key(&req).as_str() {
            "GET /addresses" => {
                let (session, store) = customer_session(store, &req, book).await?;
                let customer = &session.me.customer.customer_id;
                Ok(json(
                    200,
                    &addresses::list_addresses(&store, customer).await?,
                ))
            }
            "POST /addresses" => {
                let (session, store, place) =
                    customer_request(store, &req, new_address, |ids, _| book(ids)).await?;
                let customer = &session.me.customer.customer_id;
                let editor = Editor::Session(&session);
                let saved = addresses::add_address(&store, editor, customer, place).await?;
                Ok(json(201, &saved))
            }
            "PATCH /addresses/{address_id}" => {
                let parse = |r: &Request| Ok((path_id::<AddressId>(r)?, address_change(r)?));
                let (session, store, (id, change)) =
                    customer_request(store, &req, parse, |ids, _| book(ids)).await?;
                let (customer, editor) =
                    (&session.me.customer.customer_id, Editor::Session(&session));
                let saved =
                    addresses::update_address(&store, editor, customer, &id, &change).await?;
                Ok(json(200, &saved))
            }
            "DELETE /addresses/{address_id}" => {
                let (session, store, id) =
                    customer_request(store, &req, path_id::<AddressId>, |ids, _| book(ids)).await?;
                let (customer, editor) =
                    (&session.me.customer.customer_id, Editor::Session(&session));
                addresses::delete_address(&store, editor, customer, &id).await?;
                Ok(no_content())
            }
            _ => Self::admin_route(store, users, req).await,
        }
    }
}

/// The body of a new address book entry.
fn new_address(req: &Request) -> Result<ShipTo, Problem> {
    ShipTo::try_from(body::<AddressBody>(req)?).map_err(Problem::invalid)
}

/// The body of a change to an address book entry.
fn address_change(req: &Request) -> Result<AddressChange, Problem> {
    AddressChange::try_from(body::<AddressPatchBody>(req)?).map_err(Problem::invalid)
}

impl Customers {
    /// The admins' routes.
    async fn admin_route(
        store: &Store,
        users: &UserPool,
        req: Request,
    ) -> Result<Response<Body>, Problem> {
        let admin = require_admin(&req)?;
        match route_key(&req).as_str() {
            "GET /admin/customers/{customer_id}/addresses" => {
                let id = path_id(&req)?;
                Ok(json(
                    200,
                    &addresses::admin_list_addresses(store, &id).await?,
                ))
            }
            "POST /admin/customers/{customer_id}/addresses" => {
                let (id, place) = (path_id(&req)?, new_address(&req)?);
                let saved = addresses::admin_add_address(store, &admin, &id, place).await?;
                Ok(json(201, &saved))
            }
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
            "POST /admin/teams" => {
                let team = teams::create_team(store, &admin, body::<CreateTeamBody>(&req)?).await?;
                Ok(json(201, &team))
            }
            "GET /admin/teams" => {
                let items = teams::list_teams(store).await?;
                Ok(json(200, &json!({ "items": items, "next_cursor": null })))
            }
            "PATCH /admin/teams/{team_id}" => {
                let (id, input) = (path_id(&req)?, body::<UpdateTeamBody>(&req)?);
                Ok(json(
                    200,
                    &teams::update_team(store, &admin, &id, input).await?,
                ))
            }
            "DELETE /admin/teams/{team_id}" => {
                teams::delete_team(store, &admin, &path_id(&req)?).await?;
                Ok(no_content())
            }
            "GET /admin/routing-rules" => Ok(json(200, &teams::routing_rules_of(store).await?)),
            "PUT /admin/routing-rules" => {
                let input = body::<RoutingRulesBody>(&req)?;
                let rules = teams::put_routing_rules(store, &admin, input).await?;
                Ok(json(200, &rules))
            }
            "GET /admin/auto-confirm" => {
                Ok(json(200, &teams::auto_confirm_rules_of(store).await?))
            }
            "PUT /admin/auto-confirm" => {
                let input = body::<AutoConfirmBody>(&req)?;
                let rules = teams::put_auto_confirm_rules(store, &admin, input).await?;
                Ok(json(200, &rules))
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
